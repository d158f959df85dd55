"""Helpers shared by the events actions: limits, the occurrence lock, places taken, payment."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Sum
from django.utils import timezone

from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    HOLDS_PLACE,
    PLACES,
    Event,
    Occurrence,
    Registration,
    RegistrationStatus,
    WalkInGuest,
)
from samen.funding.actions import contribution_start
from samen.lib.errors import DomainError

MAX_DURATION = timedelta(days=14)
MAX_AHEAD = timedelta(days=731)
MAX_DESCRIPTION = 20_000
MAX_FEEDBACK = 5_000
#: The reminder leaves in the hour that brings the date less than a day away.
REMIND_BEFORE = timedelta(days=1)
#: Registered and still to come: holding a place, in line, or waiting for approval.
REGISTERED = (RegistrationStatus.GOING, RegistrationStatus.WAITING, RegistrationStatus.PENDING)


def when_label(occurrence: Occurrence) -> str:
    """The local start of a date as notifications store it (read in any language)."""
    return timezone.localtime(occurrence.starts_at).strftime("%Y-%m-%d %H:%M")


def _clean_when(starts_at: datetime, ends_at: datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise EventError(Code.NAIVE_TIME, field="starts_at")
    if ends_at <= starts_at:
        raise EventError(Code.END_BEFORE_START, field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise EventError(Code.TOO_LONG, field="ends_at")
    now = timezone.now()
    if not now <= starts_at <= now + MAX_AHEAD:
        raise EventError(Code.OUT_OF_RANGE, field="starts_at")


def _clean_capacity(capacity: int | None) -> int | None:
    if capacity is not None and capacity < 1:
        raise EventError(Code.CAPACITY_INVALID, field="capacity")
    return capacity


def _locked(occurrence: Occurrence) -> Occurrence:
    locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    locked.event = occurrence.event
    return locked


def _places_taken(occurrence: Occurrence) -> int:
    """The places of the people going or who went, their guests included, and of the
    walk-in guests without an account."""
    found = Registration.objects.filter(occurrence=occurrence, status__in=HOLDS_PLACE).aggregate(
        places=Sum(PLACES)
    )
    walk_ins = WalkInGuest.objects.filter(occurrence=occurrence).count()
    return int(found["places"] or 0) + walk_ins


def _revise(event_id: int) -> None:
    """What calendars show of the event changed: a higher SEQUENCE in its .ics files."""
    Event.objects.filter(pk=event_id).update(sequence=F("sequence") + 1, updated_at=timezone.now())


def _reminded_now(occurrence: Occurrence) -> datetime | None:
    """Going within the last day: the confirmation is the reminder, no second e-mail."""
    now = timezone.now()
    return now if occurrence.starts_at - now <= REMIND_BEFORE else None


def _ask_payment(row: Registration, method: str) -> None:
    """A euro price: the person's contribution to the collective, waiting for their card
    payment or their transfer with its structured communication (the funding app sends
    the instructions). Nothing for free or credit prices."""
    event = row.occurrence.event
    if not event.costs_euros or event.collective is None:
        return
    try:
        contribution = contribution_start(
            actor=row.user, collective=event.collective, method=method, amount=event.price_cents,
            message=event.title, language=getattr(row.user, "language", "") or "en",
        )  # fmt: skip
    except DomainError as exc:
        raise EventError(Code.PAYMENT_REFUSED, exc.message, field="method") from None
    row.contribution = contribution
    row.save(update_fields=["contribution", "updated_at"])
