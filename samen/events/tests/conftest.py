"""Events of the test community, built through the actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.utils import timezone

from samen.communities.testing import Community
from samen.events import actions
from samen.events.models import Event, EventKind, EventVisibility, Occurrence

BRUSSELS = ZoneInfo("Europe/Brussels")


def next_week(hour: int = 19) -> datetime:
    """Seven days ahead at ``hour`` Brussels time."""
    day = timezone.localtime(timezone.now(), BRUSSELS) + timedelta(days=7)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@dataclass
class Agenda:
    """On ``c.collective`` (organisers: bram, and anna as host admin): a published public
    workshop with 2 places, a published members-only meet-up and a draft webinar."""

    c: Community
    workshop: Event
    members_meetup: Event
    draft: Event

    @property
    def slot(self) -> Occurrence:
        return self.workshop.occurrences.get()

    @property
    def members_slot(self) -> Occurrence:
        return self.members_meetup.occurrences.get()


def make_event(c: Community, *, publish: bool = True, **fields: Any) -> Event:
    starts = fields.pop("starts_at", next_week())
    values: dict[str, Any] = {
        "kind": EventKind.WORKSHOP,
        "title": "Repair café",
        "place": "Rue Haute 1, 1000 Brussels",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        **fields,
    }
    event = actions.event_create(actor=c.bram, owner=c.collective, **values)
    if publish:
        actions.event_publish(actor=c.bram, event=event)
    return event


@pytest.fixture
def agenda(community: Community) -> Agenda:
    c = community
    workshop = make_event(
        c, title="Repair café", description="Bring a **broken** toaster.", capacity=2,
        online_url="https://meet.example/repair",
    )  # fmt: skip
    members = make_event(
        c, kind=EventKind.MEETUP, title="Members' brewing night",
        visibility=EventVisibility.MEMBERS, place="The cellar",
    )  # fmt: skip
    draft = make_event(
        c, kind=EventKind.WEBINAR, title="Secret webinar", place="",
        online_url="https://meet.example/draft", publish=False,
    )  # fmt: skip
    return Agenda(c, workshop, members, draft)


def read_ics(content: bytes | str) -> icalendar.Calendar:
    """An .ics file read by icalendar (the library that writes them) and, on its own, by
    vobject: both must find the same events at the same instants, so a file that only our
    writer understands, or a wrong UTC offset in one reader, fails the test."""
    raw = content.encode() if isinstance(content, str) else content
    calendar = icalendar.Calendar.from_ical(raw)
    ours = {(str(item["UID"]), item.decoded("DTSTART")) for item in calendar.walk("VEVENT")}
    parsed = vobject.readOne(raw.decode())
    theirs = {(e.uid.value, e.dtstart.value) for e in getattr(parsed, "vevent_list", [])}
    assert theirs == ours
    return calendar
