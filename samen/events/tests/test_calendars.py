"""The .ics files parse back with icalendar and, on its own, with vobject: one VEVENT per
date with a stable UID, local times in Europe/Brussels with its VTIMEZONE, and the right UTC
offset on both sides of the daylight-saving change."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine

from samen.events import actions
from samen.events.calendars import occurrence_uid
from samen.events.tests.conftest import make_event, read_ics

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def _parse(response: Any) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return read_ics(response.content)


def _events(calendar: icalendar.Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


def test_event_file_has_uid_local_start_and_timezone(client: Any, agenda: Any) -> None:
    slot = agenda.slot
    calendar = _parse(client.get(f"/events/{agenda.workshop.pk}/calendar.ics"))
    (item,) = _events(calendar)
    assert str(item["UID"]) == occurrence_uid(slot)
    assert str(item["SUMMARY"]) == "Repair café"
    assert item["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert item.decoded("DTSTART") == slot.starts_at
    assert item.decoded("DTEND") == slot.ends_at
    assert "Rue Haute 1" in str(item["LOCATION"])
    assert str(item["URL"]).endswith(f"/events/{agenda.workshop.pk}/#occurrence-{slot.pk}")
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/Brussels"]
    # the online link is for people going only
    assert "meet.example" not in response_text(client, agenda)
    actions.occurrence_register(actor=agenda.c.chloe, occurrence=slot)
    client.force_login(agenda.c.chloe)
    assert "meet.example/repair" in response_text(client, agenda)


def response_text(client: Any, agenda: Any) -> str:
    return client.get(f"/events/{agenda.workshop.pk}/calendar.ics").content.decode()


def test_feed_offsets_either_side_of_daylight_saving(client: Any, community: Any) -> None:
    winter = dt.datetime(2027, 3, 27, 19, 0, tzinfo=BRUSSELS)  # the Saturday before the change
    summer = dt.datetime(2027, 3, 28, 19, 0, tzinfo=BRUSSELS)  # the Sunday after it
    with time_machine.travel(dt.datetime(2027, 3, 1, tzinfo=BRUSSELS), tick=False):
        make_event(
            community, title="Winter", starts_at=winter, ends_at=winter + dt.timedelta(hours=1)
        )
        make_event(
            community, title="Summer", starts_at=summer, ends_at=summer + dt.timedelta(hours=1)
        )
        calendar = _parse(client.get("/events/collective/brasserie-zinneke/calendar.ics"))
    found = {str(item["SUMMARY"]): item.decoded("DTSTART") for item in _events(calendar)}
    assert found["Winter"].utcoffset() == dt.timedelta(hours=1)
    assert found["Summer"].utcoffset() == dt.timedelta(hours=2)
    assert found["Winter"].astimezone(dt.UTC).hour == 18
    assert found["Summer"].astimezone(dt.UTC).hour == 17
    (zone,) = calendar.walk("VTIMEZONE")
    offsets = {str(part.name): part.decoded("TZOFFSETTO") for part in zone.subcomponents}
    assert offsets == {"STANDARD": dt.timedelta(hours=1), "DAYLIGHT": dt.timedelta(hours=2)}


def test_cancelled_event_says_so_and_drafts_stay_out(client: Any, agenda: Any) -> None:
    actions.event_cancel(actor=agenda.c.bram, event=agenda.workshop)
    client.force_login(agenda.c.bram)  # an organiser: sees the draft on the page, not in feeds
    calendar = _parse(client.get("/events/collective/brasserie-zinneke/calendar.ics"))
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in _events(calendar)}
    assert statuses == {"Repair café": "CANCELLED", "Members' brewing night": "CONFIRMED"}


def test_community_feed_is_cached_until_its_content_changes(
    client: Any, agenda: Any, monkeypatch: Any
) -> None:
    from django.core.cache import cache

    from samen.events import calendars

    cache.clear()
    built: list[int] = []
    real = calendars.build_calendar

    def counting(*args: Any, **kwargs: Any) -> bytes:
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(calendars, "build_calendar", counting)
    feed = "/events/collective/brasserie-zinneke/calendar.ics"
    first = client.get(feed).content
    assert client.get(feed).content == first
    assert len(built) == 1
    # members see members-only events: another audience, another cached file
    client.force_login(agenda.c.chloe)
    assert len(_events(_parse(client.get(feed)))) == 2
    client.logout()
    start = agenda.slot.starts_at + dt.timedelta(days=7)
    actions.occurrence_add(actor=agenda.c.bram, event=agenda.workshop, starts_at=start,
                           ends_at=start + dt.timedelta(hours=2), capacity=None)  # fmt: skip
    assert len(_events(_parse(client.get(feed)))) == 2
    actions.event_cancel(actor=agenda.c.bram, event=agenda.workshop)
    statuses = {str(item["STATUS"]) for item in _events(_parse(client.get(feed)))}
    assert statuses == {"CANCELLED"}
    actions.occurrence_set_capacity(actor=agenda.c.bram, occurrence=agenda.members_slot,
                                    capacity=9)  # fmt: skip
    assert len(built) == 4
