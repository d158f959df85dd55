"""One date of an event: a series, moving a date, calling it off, its number of places."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.events import access, kinds
from samen.events.actions._common import (
    _clean_capacity,
    _clean_when,
    _locked,
    _places_taken,
    _revise,
)
from samen.events.actions.events import _settle_payments, occurrence_add
from samen.events.actions.notices import _tell_registered
from samen.events.actions.waitlist import _promote
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import Event, Occurrence, Registration

SERIES_STEPS = ("weekly", "monthly")
MAX_SERIES = 52


def _nth(local: datetime, every: str, n: int) -> datetime:
    """The ``n``-th repetition of a naive local time: a week later, or the same day of a
    later month (the month's last day when it is shorter)."""
    if every == "weekly":
        return local + timedelta(weeks=n)
    months = local.year * 12 + local.month - 1 + n
    year, month = divmod(months, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


@transaction.atomic
def series_extend(
    *, actor: Any, event: Event, every: str, count: int, capacity: int | None = None
) -> list[Occurrence]:
    """Repeat the event's last date ``every`` week or month, ``count`` times, at the same
    local (Brussels) hour on both sides of a daylight-saving change, each date with
    ``capacity`` places. A date past the two-year horizon refuses the whole series."""
    access.require(access.can_organise(actor, event.owner))
    if every not in SERIES_STEPS or not 1 <= count <= MAX_SERIES:
        raise EventError(
            Code.SERIES_INVALID, field="every" if every not in SERIES_STEPS else "count"
        )
    last = Occurrence.objects.filter(event=event).order_by("-starts_at", "-pk").first()
    if last is None:
        raise EventError(Code.SERIES_INVALID, field="every")
    zone = ZoneInfo(settings.TIME_ZONE)
    local = last.starts_at.astimezone(zone).replace(tzinfo=None)
    length = last.ends_at - last.starts_at
    made = []
    for n in range(1, count + 1):
        starts = _nth(local, every, n).replace(tzinfo=zone)
        made.append(occurrence_add(actor=actor, event=event, starts_at=starts,
                                   ends_at=starts + length, capacity=capacity))  # fmt: skip
    return made


def _move(locked: Occurrence, starts_at: datetime, ends_at: datetime) -> None:
    """Give a locked date new times, checked as at creation; the day-before reminder
    leaves again. Nobody is told, and the calendar revision is the caller's."""
    if locked.cancelled_at is not None:
        raise EventError(Code.DATE_CANCELLED)
    _clean_when(starts_at, ends_at)
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.save(update_fields=["starts_at", "ends_at", "updated_at"])
    Registration.objects.filter(occurrence=locked).update(reminded_at=None)


@transaction.atomic
def occurrence_change(
    *, actor: Any, occurrence: Occurrence, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Occurrence:
    """Move one date of an event; everyone going or waiting is told the new time, and the
    day-before reminder leaves again for it."""
    access.require(access.can_organise(actor, occurrence.event.owner))
    locked = _locked(occurrence)
    before = locked.starts_at
    _move(locked, starts_at, ends_at)
    _revise(locked.event_id)
    reason = " ".join((reason or "").split())[:500]
    told = _tell_registered(locked, kinds.CHANGED, actor, reason)
    audit_record(actor=actor, action="events.occurrence.change", target=locked,
                 host=host_of(locked.event.owner),
                 data={"before": before.isoformat(), "after": starts_at.isoformat(),
                       "told": told})  # fmt: skip
    return locked


@transaction.atomic
def occurrence_cancel(*, actor: Any, occurrence: Occurrence, reason: str = "") -> Occurrence:
    """Call off one date of a series: nobody registers for it any more, and everyone going
    or waiting is told; the event and its other dates go on."""
    access.require(access.can_organise(actor, occurrence.event.owner))
    locked = _locked(occurrence)
    if locked.cancelled_at is not None:
        raise EventError(Code.DATE_CANCELLED)
    if timezone.now() >= locked.starts_at:
        raise EventError(Code.STARTED)
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at", "updated_at"])
    _revise(locked.event_id)
    reason = " ".join((reason or "").split())[:500]
    refunded = _settle_payments([locked], reason)
    told = _tell_registered(locked, kinds.CANCELLED, actor, reason, dated=True)
    audit_record(actor=actor, action="events.occurrence.cancel", target=locked,
                 host=host_of(locked.event.owner),
                 data={"reason": reason, "told": told, "refunded": refunded})  # fmt: skip
    return locked


@transaction.atomic
def occurrence_set_capacity(
    *, actor: Any, occurrence: Occurrence, capacity: int | None
) -> Occurrence:
    """Change a date's number of places: never below the people already holding one; more
    places go at once to the people waiting, in order."""
    access.require(access.can_organise(actor, occurrence.event.owner))
    locked = _locked(occurrence)
    before = locked.capacity
    _set_capacity(locked, capacity, actor)
    audit_record(actor=actor, action="events.occurrence.capacity", target=locked,
                 host=host_of(locked.event.owner),
                 data={"before": before, "after": locked.capacity})  # fmt: skip
    return locked


def _set_capacity(locked: Occurrence, capacity: int | None, actor: Any) -> None:
    """Give a locked date ``capacity`` places, never fewer than those already taken; the
    places it adds go at once to the people waiting, in order."""
    capacity = _clean_capacity(capacity)
    if capacity is not None and capacity < _places_taken(locked):
        raise EventError(Code.BELOW_GOING, field="capacity")
    locked.capacity = capacity
    locked.save(update_fields=["capacity", "updated_at"])
    _promote(locked, actor)
