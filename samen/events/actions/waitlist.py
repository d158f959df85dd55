"""The waiting list: who goes at once, the next in line, and promotion when a place frees."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.events import kinds, pricing
from samen.events.actions._common import _ask_payment, _places_taken, when_label
from samen.events.errors import EventError
from samen.events.models import Event, EventStatus, Occurrence, Registration, RegistrationStatus
from samen.funding.models import Method
from samen.notifications.actions import notify


def _fits(occurrence: Occurrence, places: int) -> bool:
    """Whether a newcomer taking ``places`` goes at once: nobody waits before them (a
    freed place is the waiting list's first) and the places left hold them."""
    if occurrence.capacity is None:
        return True
    if Registration.objects.filter(
        occurrence=occurrence, status=RegistrationStatus.WAITING
    ).exists():
        return False
    return _places_taken(occurrence) + places <= occurrence.capacity


def _next_position(occurrence: Occurrence) -> int:
    top = Registration.objects.filter(
        occurrence=occurrence, status=RegistrationStatus.WAITING
    ).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def _promote(occurrence: Occurrence, actor: Any) -> list[Registration]:
    """Give the free places to the people waiting, in order, and tell them; the caller
    holds the occurrence's lock. A cancelled event or a started date promotes nobody:
    nobody should be told "you are going" to it.

    Each one meets the checks of a registration again: the first whose places (guest
    included) do not fit stops the line (nobody jumps ahead of them); one whose credit
    price their limit no longer covers, or who left the host, leaves the list, is told,
    and the next one is considered."""
    cancelled = Event.objects.filter(pk=occurrence.event_id, status=EventStatus.CANCELLED)
    if timezone.now() >= occurrence.starts_at or occurrence.cancelled_at or cancelled.exists():
        return []
    free = None if occurrence.capacity is None else occurrence.capacity - _places_taken(occurrence)
    if free is not None and free <= 0:
        return []
    waiting = Registration.objects.filter(
        occurrence=occurrence, status=RegistrationStatus.WAITING
    ).order_by("position", "pk")
    chosen = []
    for row in waiting.select_related("user"):
        if free is not None and row.places > free:
            break
        if not _still_admissible(row, occurrence, actor):
            continue
        chosen.append(row)
        free = None if free is None else free - row.places
        row.status, row.position = RegistrationStatus.GOING, None
        row.save(update_fields=["status", "position", "updated_at"])
        row.occurrence = occurrence
        _ask_payment(row, Method.BANK_TRANSFER)
        notify([row.user], kinds.PROMOTED, occurrence, url=occurrence.get_absolute_url(),
               data={"title": occurrence.event.title, "when": when_label(occurrence)})  # fmt: skip
        audit_record(actor=actor, action="events.registration.promote", target=row,
                     host=host_of(occurrence.event.owner))  # fmt: skip
    return chosen


def _still_admissible(row: Registration, occurrence: Occurrence, actor: Any) -> bool:
    """Whether the person waiting may still take a freed place of a credit-priced date;
    if not, they leave the waiting list and are told why."""
    event = occurrence.event
    if not event.costs_credits:
        return True
    try:
        pricing.check_credit_price(row.user, event, occurrence)
    except EventError as refused:
        row.status, row.position = RegistrationStatus.CANCELLED, None
        row.save(update_fields=["status", "position", "updated_at"])
        notify([row.user], kinds.SKIPPED, occurrence, url=occurrence.get_absolute_url(),
               data={"title": event.title, "when": when_label(occurrence)})  # fmt: skip
        audit_record(actor=actor, action="events.registration.skip", target=row,
                     host=host_of(event.owner), data={"code": str(refused.code)})  # fmt: skip
        return False
    return True
