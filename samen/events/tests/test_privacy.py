"""A person's registrations and feedback are in their export; erasing the account frees
their places for the people waiting and keeps their rating, without their name."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from samen.accounts.actions import user_erase
from samen.accounts.privacy import build_export
from samen.events import actions, queries
from samen.events.models import Feedback, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_export_and_erasure(agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    past = actions.occurrence_register(actor=c.chloe, occurrence=agenda.members_slot)
    actions.registration_check_in(actor=c.bram, registration=past)
    with time_machine.travel(agenda.members_slot.ends_at, tick=False):
        actions.feedback_give(actor=c.chloe, occurrence=agenda.members_slot, rating=5, text="Top")
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    eva = actions.occurrence_register(actor=c.eva, occurrence=slot)
    with zipfile.ZipFile(io.BytesIO(build_export(c.chloe))) as archive:
        data = json.loads(archive.read("apps/events.json"))
    assert [r["status"] for r in data["registrations"]] == ["attended", "going"]
    assert data["registrations"][0]["checked_in_at"]
    assert data["feedback"][0]["text"] == "Top"
    with time_machine.travel(slot.starts_at - timedelta(days=1), tick=False):
        user_erase(actor=c.chloe, user=c.chloe)
    eva.refresh_from_db()
    assert eva.status == RegistrationStatus.GOING
    assert not Registration.objects.filter(user_id=c.chloe.pk).exists()
    kept = Feedback.objects.get()
    assert (kept.user, kept.rating) == (None, 5)
    assert queries.feedback_summary(agenda.members_slot).count == 1
