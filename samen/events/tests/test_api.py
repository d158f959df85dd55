"""The events API: lists, detail, register, cancel and feedback, with the error format."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from samen.events import actions

pytestmark = pytest.mark.django_db

A = "/api/v1/events"


def test_list_and_detail(client: Any, agenda: Any) -> None:
    actions.occurrence_register(actor=agenda.c.chloe, occurrence=agenda.slot)
    body = client.get(f"{A}/collective/brasserie-zinneke/events").json()
    (row,) = body["items"]
    assert row["event"]["title"] == "Repair café"
    assert (row["capacity"], row["going"], row["waiting"]) == (2, 1, 0)
    assert body["next_cursor"] is None
    detail = client.get(f"{A}/{agenda.workshop.pk}").json()
    assert detail["description_html"] == "<p>Bring a <strong>broken</strong> toaster.</p>"
    assert detail["online_url"] == ""
    assert detail["occurrences"][0]["mine"] is None
    client.force_login(agenda.c.chloe)
    detail = client.get(f"{A}/{agenda.workshop.pk}").json()
    assert detail["online_url"] == "https://meet.example/repair"
    assert detail["occurrences"][0]["mine"]["status"] == "going"
    assert client.get(f"{A}/collective/nowhere/events").json()["code"] == "not_found"


def test_register_waitlist_cancel_and_promotion(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    url = f"{A}/dates/{slot.pk}/registration"
    answers = []
    for person in (c.chloe, c.dries, c.eva):
        client.force_login(person)
        answers.append(client.post(url, content_type="application/json").json())
    assert [a["status"] for a in answers] == ["going", "going", "waiting"]
    assert answers[2]["waiting_place"] == 1
    again = client.post(url, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_registered")
    client.force_login(c.chloe)
    gone = client.delete(url)
    assert gone.json()["status"] == "cancelled"
    client.force_login(c.eva)
    mine = client.get(f"{A}/{agenda.workshop.pk}").json()["occurrences"][0]["mine"]
    assert mine["status"] == "going"
    client.force_login(c.gilles)
    missing = client.delete(url)
    assert (missing.status_code, missing.json()["code"]) == (409, "not_registered")


def test_feedback_rules(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    reg = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.registration_check_in(actor=c.bram, registration=reg)
    client.force_login(c.chloe)
    url = f"{A}/dates/{slot.pk}/feedback"
    early = client.post(url, {"rating": 5}, content_type="application/json")
    assert (early.status_code, early.json()["code"]) == (422, "too_early")
    with time_machine.travel(slot.starts_at + timedelta(minutes=30), tick=False):
        bad = client.post(url, {"rating": 0}, content_type="application/json")
        assert (bad.status_code, bad.json()["code"]) == (422, "bad_rating")
        ok = client.post(url, {"rating": 5, "text": "Merci"}, content_type="application/json")
        assert (ok.status_code, ok.json()["rating"]) == (201, 5)
        # Within 14 days a second answer changes the first (issue 14).
        twice = client.post(url, {"rating": 3}, content_type="application/json")
        assert (twice.status_code, twice.json()["rating"]) == (201, 3)


def test_organisers_publish_cancel_and_check_in(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    reg = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.eva, occurrence=slot)
    waiting = actions.occurrence_register(actor=c.dries, occurrence=slot)
    client.force_login(c.bram)
    published = client.post(f"{A}/{agenda.draft.pk}/publish").json()
    assert published["status"] == "published"
    first = client.post(f"{A}/registrations/{reg.pk}/check-in").json()
    again = client.post(f"{A}/registrations/{reg.pk}/check-in").json()
    assert first == again
    assert first["registration_id"] == reg.pk
    assert first["checked_in_at"]
    refused = client.post(f"{A}/registrations/{waiting.pk}/check-in")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_going")
    cancelled = client.post(
        f"{A}/{agenda.workshop.pk}/cancel", {"reason": "Flood"}, content_type="application/json"
    )
    assert cancelled.json()["status"] == "cancelled"
