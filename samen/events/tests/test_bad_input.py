"""Bad input gets a clear error and changes nothing (issue 14, "done when"): a credit price
over the member's limit, a capacity below the people going, an end before the start, a
check-in code of another event, a second feedback after 14 days. Each through the API
(a 4xx with ``{detail, code}``) and, where a person meets it, the page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from samen.credits.tests.factories import make_scheme
from samen.events import actions
from samen.events.checkin import check_in_code
from samen.events.models import CheckIn, Event, EventKind, Feedback, Registration
from samen.events.tests.conftest import make_event, next_week

pytestmark = pytest.mark.django_db

A = "/api/v1/events"


def _refused(response: Any, status: int, code: str) -> str:
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code)
    assert body["detail"]
    return str(body["detail"])


def test_a_credit_price_over_the_limit(client: Any, community: Any) -> None:
    c = community
    make_scheme(c, limit=1000)
    bootcamp = make_event(
        c, kind=EventKind.BOOTCAMP, price_kind="credits", credit_service="bootcamp"
    )
    slot = bootcamp.occurrences.get()
    client.force_login(c.chloe)
    detail = _refused(
        client.post(f"{A}/dates/{slot.pk}/registration", content_type="application/json"),
        409,
        "over_limit",
    )
    assert "3.000 SIF" in detail
    assert "1.000 SIF" in detail
    page = client.post(f"/events/dates/{slot.pk}/register/", HTTP_HX_REQUEST="true")
    assert "your credit limit leaves you 1.000 SIF" in page.content.decode()
    assert not Registration.objects.exists()


def test_a_capacity_below_the_people_going(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    for person in (c.chloe, c.dries):
        actions.occurrence_register(actor=person, occurrence=slot)
    client.force_login(c.bram)
    _refused(
        client.put(f"{A}/dates/{slot.pk}/capacity", {"capacity": 1},
                   content_type="application/json"),
        409,
        "below_going",
    )  # fmt: skip
    slot.refresh_from_db()
    assert slot.capacity == 2
    ok = client.put(
        f"{A}/dates/{slot.pk}/capacity", {"capacity": 3}, content_type="application/json"
    )
    assert (ok.status_code, ok.json()["capacity"]) == (200, 3)


def test_an_end_before_the_start(client: Any, community: Any) -> None:
    c = community
    starts = next_week()
    client.force_login(c.bram)
    url = f"{A}/collective/{c.collective.slug}/events"
    body = {"kind": "workshop", "title": "Backwards", "place": "Hall",
            "starts_at": starts.isoformat(),
            "ends_at": (starts - timedelta(hours=1)).isoformat()}  # fmt: skip
    _refused(client.post(url, body, content_type="application/json"), 422, "end_before_start")
    assert not Event.objects.exists()
    body["ends_at"] = (starts + timedelta(hours=1)).isoformat()
    made = client.post(url, body, content_type="application/json")
    assert (made.status_code, made.json()["price_kind"]) == (201, "free")
    client.force_login(c.chloe)  # a member does not organise
    assert client.post(url, body, content_type="application/json").status_code == 403


def test_a_check_in_code_of_another_event(client: Any, agenda: Any) -> None:
    c = agenda.c
    other = make_event(c, title="Another workshop").occurrences.get()
    elsewhere = actions.occurrence_register(actor=c.chloe, occurrence=other)
    client.force_login(c.bram)
    _refused(
        client.post(f"{A}/dates/{agenda.slot.pk}/check-in", {"code": check_in_code(elsewhere)},
                    content_type="application/json"),
        422,
        "code_other_date",
    )  # fmt: skip
    page = client.post(
        f"/events/dates/{agenda.slot.pk}/check-in/", {"code": check_in_code(elsewhere)}
    )
    assert page.status_code == 400
    assert "This check-in code is for another event or date." in page.content.decode()
    assert not CheckIn.objects.exists()
    assert Registration.objects.get().status == "going"


def test_a_second_feedback_after_14_days(client: Any, agenda: Any) -> None:
    c, slot = agenda.c, agenda.slot
    row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.registration_check_in(actor=c.bram, registration=row)
    client.force_login(c.chloe)
    url = f"{A}/dates/{slot.pk}/feedback"
    with time_machine.travel(slot.ends_at, tick=False):
        first = client.post(url, {"rating": 4, "prepared": 4}, content_type="application/json")
        assert first.status_code == 201
    with time_machine.travel(slot.ends_at + timedelta(days=15), tick=False):
        client.force_login(c.chloe)  # the first session has expired meanwhile
        _refused(
            client.post(url, {"rating": 1}, content_type="application/json"),
            409,
            "feedback_closed",
        )
        page = client.post(f"/events/dates/{slot.pk}/feedback/", {"rating": "1"})
        assert "already given feedback" in page.content.decode()
    given = Feedback.objects.get()
    assert (given.rating, given.prepared) == (4, 4)
