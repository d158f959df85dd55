"""Editing an event after it was made (issue 14): checked as at creation, the people
registered told once about a new time or place and never about a fixed typo, an audit row,
the page that keeps what was typed, the idempotent PATCH, and a higher SEQUENCE in the
.ics that a second, independent parser (vobject) reads back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import icalendar
import pytest
import vobject
from django.utils import translation

from samen.audit.models import AuditEntry
from samen.events import actions, kinds
from samen.events.errors import EventError, EventErrorCode
from samen.events.models import Event, Occurrence
from samen.events.tests.conftest import BRUSSELS, next_week
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

A = "/api/v1/events"


def _told(event: Event) -> list[int]:
    return sorted(
        Notification.objects.filter(kind=kinds.UPDATED, target_id=event.pk).values_list(
            "recipient_id", flat=True
        )
    )


def _audits(event: Event) -> int:
    return AuditEntry.objects.filter(action="events.event.update", target_id=str(event.pk)).count()


def _local(moment: Any) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")


def test_a_typo_fix_tells_nobody_and_a_new_place_tells_each_person_once(agenda: Any) -> None:
    c, event, slot = agenda.c, agenda.workshop, agenda.slot
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    actions.occurrence_register(actor=c.gilles, occurrence=slot)  # full: waiting, told too
    with translation.override("en"):
        actions.event_update(actor=c.bram, event=event, title="Repair cafe",
                             description="Bring a toaster.", title_nl="Repaircafé")  # fmt: skip
    event.refresh_from_db()
    assert (event.title_en, event.title_nl) == ("Repair cafe", "Repaircafé")
    assert _told(event) == []
    assert (event.sequence, _audits(event)) == (1, 1)
    later = slot.starts_at + timedelta(hours=1)
    actions.event_update(actor=c.bram, event=event, place="Rue Blaes 2, 1000 Brussels",
                         starts_at=later, ends_at=later + timedelta(hours=2),
                         reason="The hall is booked.")  # fmt: skip
    assert _told(event) == sorted([c.chloe.pk, c.dries.pk, c.gilles.pk])
    told = Notification.objects.filter(kind=kinds.UPDATED, recipient=c.chloe).get()
    assert told.data["reason"] == "The hall is booked."
    assert told.data["when"] == later.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M")
    slot.refresh_from_db()
    event.refresh_from_db()
    assert (slot.starts_at, event.place, event.sequence) == (later, "Rue Blaes 2, 1000 Brussels", 2)
    entry = AuditEntry.objects.filter(action="events.event.update").latest("pk")
    assert entry.data["changed"] == ["ends_at", "place", "starts_at"]
    assert entry.data["told"] == 3


def test_the_same_values_again_change_nothing(agenda: Any) -> None:
    c, event, slot = agenda.c, agenda.workshop, agenda.slot
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    same = {"title": event.title, "place": event.place, "online_url": event.online_url,
            "starts_at": slot.starts_at, "ends_at": slot.ends_at, "capacity": slot.capacity,
            "languages": list(event.languages)}  # fmt: skip
    with translation.override("en"):
        actions.event_update(actor=c.bram, event=event, **same)
    event.refresh_from_db()
    assert (event.sequence, _told(event), _audits(event)) == (0, [], 0)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"ends_at": next_week(18)}, EventErrorCode.END_BEFORE_START, "ends_at"),
        ({"capacity": 1}, EventErrorCode.BELOW_GOING, "capacity"),
        ({"capacity": 0}, EventErrorCode.CAPACITY_INVALID, "capacity"),
        ({"place": "", "online_url": ""}, EventErrorCode.PLACE_MISSING, "place"),
        ({"title": "  "}, EventErrorCode.TITLE_MISSING, "title"),
        ({"languages": ["de"]}, EventErrorCode.LANGUAGES_INVALID, "languages"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    agenda: Any, changes: dict[str, Any], code: str, field: str
) -> None:
    c, event, slot = agenda.c, agenda.workshop, agenda.slot
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    with pytest.raises(EventError) as refused, translation.override("en"):
        actions.event_update(actor=c.bram, event=event, **{"place": "Elsewhere", **changes})
    assert (refused.value.code, refused.value.field) == (code, field)
    event.refresh_from_db()
    slot.refresh_from_db()
    assert (event.place, event.title, event.sequence) == ("Rue Haute 1, 1000 Brussels",
                                                          "Repair café", 0)  # fmt: skip
    assert (slot.capacity, slot.ends_at) == (2, next_week(21))
    assert _told(event) == []
    assert _audits(event) == 0


def test_more_places_go_to_the_people_waiting(agenda: Any) -> None:
    c, event, slot = agenda.c, agenda.workshop, agenda.slot
    for person in (c.chloe, c.dries, c.gilles):
        actions.occurrence_register(actor=person, occurrence=slot)
    actions.event_update(actor=c.bram, event=event, capacity=3)
    assert slot.registrations.get(user=c.gilles).status == "going"
    event.refresh_from_db()
    assert event.sequence == 0  # a calendar shows no places
    assert _told(event) == []


def test_a_series_changes_its_dates_one_by_one(agenda: Any) -> None:
    c, event = agenda.c, agenda.workshop
    actions.series_extend(actor=c.bram, event=event, every="weekly", count=1)
    with pytest.raises(EventError) as refused:
        actions.event_update(actor=c.bram, event=event, capacity=10)
    assert refused.value.code == EventErrorCode.SERIES_DATES
    actions.event_update(actor=c.bram, event=event, place="Elsewhere")
    assert Event.objects.get(pk=event.pk).place == "Elsewhere"


def test_only_organisers_edit_and_a_cancelled_event_stays(agenda: Any) -> None:
    from django.core.exceptions import PermissionDenied

    c, event = agenda.c, agenda.workshop
    for person in (c.chloe, c.eva):
        with pytest.raises(PermissionDenied):
            actions.event_update(actor=person, event=event, title="Mine")
    actions.event_update(actor=c.anna, event=event, title="Host's fix")  # host admin
    actions.event_cancel(actor=c.bram, event=event)
    with pytest.raises(EventError) as refused:
        actions.event_update(actor=c.bram, event=event, title="Too late")
    assert refused.value.code == EventErrorCode.CANCELLED


def test_the_ics_carries_a_higher_sequence_read_by_two_parsers(client: Any, agenda: Any) -> None:
    c, event, slot = agenda.c, agenda.workshop, agenda.slot
    url = f"/events/{event.pk}/calendar.ics"

    def sequence() -> int:
        body = client.get(url).content
        (item,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
        parsed = vobject.readOne(body.decode())
        # vobject reads the file on its own: the same revision, time and place
        assert int(parsed.vevent.sequence.value) == int(str(item["SEQUENCE"]))
        assert parsed.vevent.dtstart.value == Occurrence.objects.get(pk=slot.pk).starts_at
        assert parsed.vevent.location.value.startswith(Event.objects.get(pk=event.pk).place)
        return int(str(item["SEQUENCE"]))

    assert sequence() == 0
    later = slot.starts_at + timedelta(days=1)
    actions.event_update(actor=c.bram, event=event, starts_at=later,
                         ends_at=later + timedelta(hours=2))  # fmt: skip
    assert sequence() == 1
    actions.event_update(actor=c.bram, event=event, place="Rue Blaes 2")
    assert sequence() == 2
    actions.event_update(actor=c.bram, event=event, place="Rue Blaes 2")  # the same again
    assert sequence() == 2


def test_the_edit_page_keeps_input_and_shows_errors_at_the_field(client: Any, agenda: Any) -> None:
    c, event, slot = agenda.c, agenda.workshop, agenda.slot
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    client.force_login(c.bram)
    page = client.get(f"/events/{event.pk}/edit/")
    assert page.status_code == 200
    assert "Repair café" in page.content.decode()
    form = {"title_en": "Repair café deluxe", "place": "Rue Blaes 2", "languages": ["en"],
            "starts_at": _local(slot.starts_at), "ends_at": _local(slot.starts_at),
            "capacity": "1", "online_url": ""}  # fmt: skip
    refused = client.post(f"/events/{event.pk}/edit/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    errors = refused.context["form"].errors
    assert "ends_at" in errors
    assert 'value="Repair café deluxe"' in refused.content.decode()
    form["ends_at"] = _local(slot.starts_at + timedelta(hours=3))
    refused = client.post(f"/events/{event.pk}/edit/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "capacity" in refused.context["form"].errors  # two going, one place
    assert 'value="Rue Blaes 2"' in refused.content.decode()
    form["capacity"] = "5"
    done = client.post(f"/events/{event.pk}/edit/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 302
    event.refresh_from_db()
    slot.refresh_from_db()
    assert (event.title_en, event.place, slot.capacity) == ("Repair café deluxe", "Rue Blaes 2", 5)
    assert _told(event) == sorted([c.chloe.pk, c.dries.pk])


def test_the_edit_page_of_a_series_asks_no_time(client: Any, agenda: Any) -> None:
    c, event = agenda.c, agenda.workshop
    actions.series_extend(actor=c.bram, event=event, every="weekly", count=1)
    client.force_login(c.bram)
    page = client.get(f"/events/{event.pk}/edit/")
    assert "starts_at" not in page.context["form"].fields
    assert 'data-testid="series-note"' in page.content.decode()


def test_patch_is_idempotent_and_refuses_with_a_code(client: Any, agenda: Any) -> None:
    c, event, slot = agenda.c, agenda.workshop, agenda.slot
    actions.occurrence_register(actor=c.chloe, occurrence=slot)
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    client.force_login(c.bram)
    later = slot.starts_at + timedelta(hours=2)
    body = {"place": "Rue Blaes 2", "starts_at": later.isoformat(),
            "ends_at": (later + timedelta(hours=1)).isoformat(), "capacity": None}  # fmt: skip
    for _ in range(2):
        answer = client.patch(f"{A}/{event.pk}", json.dumps(body), content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert answer.json()["place"] == "Rue Blaes 2"
        assert answer.json()["occurrences"][0]["capacity"] is None
    event.refresh_from_db()
    assert (event.sequence, _audits(event)) == (1, 1)
    assert _told(event) == sorted([c.chloe.pk, c.dries.pk])
    for bad, status, code in [
        ({"capacity": 1}, 409, "below_going"),
        ({"ends_at": slot.starts_at.isoformat()}, 422, "end_before_start"),
        ({"languages": []}, 422, "languages_invalid"),
    ]:
        answer = client.patch(f"{A}/{event.pk}", json.dumps(bad), content_type="application/json")
        assert (answer.status_code, answer.json()["code"]) == (status, code)
        assert answer.json()["detail"]
    assert Event.objects.get(pk=event.pk).sequence == 1


def test_patch_is_documented(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = next(
        op
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method == "patch" and op.get("operationId") == "events_update"
    )
    assert "below_going" in operation["description"]
