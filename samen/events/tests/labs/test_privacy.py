"""A person's questions and supports are in their export; erasing the account removes the
supports and keeps the questions, as "Former member"'s."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from samen.accounts.actions import user_erase
from samen.accounts.privacy import build_export
from samen.events.labs import queries
from samen.events.models import LabQuestion, LabSupport
from samen.events.tests.labs.world import Labs

pytestmark = pytest.mark.django_db


def test_export_and_erasure(client: Any, labs: Labs) -> None:
    c = labs.c
    with zipfile.ZipFile(io.BytesIO(build_export(c.chloe))) as archive:
        data = json.loads(archive.read("apps/events.json"))
    (asked,) = data["lab_questions"]
    assert (asked["title"], asked["call"], asked["lab"]) == (
        "How do we share a van?", "Spring call", labs.lab.title,
    )  # fmt: skip
    assert [s["question"] for s in data["lab_supports"]] == ["Comment trouver une cave ?"]
    user_erase(actor=c.chloe, user=c.chloe)
    kept = LabQuestion.objects.get(pk=labs.chloe_question.pk)
    assert kept.author is None
    assert kept.event == labs.lab
    assert not LabSupport.objects.filter(question=labs.gilles_question).exists()
    counted = queries.question_detail(labs.gilles_question, c.anna)
    assert counted.supporters == 0  # type: ignore[attr-defined]
    client.force_login(c.anna)
    page = client.get(labs.closed_call.get_absolute_url()).content.decode()
    assert "asked by Former member" in page
