"""Check-in at the desk, by name or by the code of the person's QR, and booking a credit price."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.credits.actions import can_decide, delivery_confirm, delivery_record, scheme_for
from samen.credits.errors import CreditsError
from samen.events import access, checkin
from samen.events.actions._common import _locked
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    HOLDS_PLACE,
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    Occurrence,
    Registration,
    RegistrationStatus,
    WalkInGuest,
)


@transaction.atomic
def registration_check_in(*, actor: Any, registration: Registration) -> CheckIn:
    """An organiser records that the person came; checking in twice changes nothing."""
    access.require(access.can_organise(actor, registration.occurrence.event.owner))
    _locked(registration.occurrence)
    row = Registration.objects.get(pk=registration.pk)
    found = CheckIn.objects.filter(registration=row).first()
    if found is not None:
        return found
    if row.status != RegistrationStatus.GOING:
        raise EventError(Code.NOT_GOING)
    check_in = _record(actor, row, registration.occurrence.event)
    registration.status, registration.delivery = row.status, row.delivery
    return check_in


def _record(actor: Any, row: Registration, event: Event) -> CheckIn:
    """Check ``row`` in: presence recorded once, attended, a credit price booked."""
    check_in = CheckIn.objects.create(registration=row, checked_in_by=actor)
    row.status = RegistrationStatus.ATTENDED
    row.delivery = _book_credits(actor, row, event)
    row.save(update_fields=["status", "delivery", "updated_at"])
    audit_record(actor=actor, action="events.registration.check_in", target=row,
                 host=host_of(event.owner))  # fmt: skip
    return check_in


@transaction.atomic
def registration_walk_in(*, actor: Any, occurrence: Occurrence, person: Any) -> CheckIn:
    """An organiser adds at the door a member of the community who did not register: a
    registration checked in at once, counted as attended, whatever the places left, and
    for a credit price booked exactly as any check-in. Someone already going (or checked
    in) is refused: check them in from the list. One who was waiting, pending, cancelled
    or refused becomes the walk-in."""
    event = occurrence.event
    access.require(access.can_organise(actor, event.owner))
    if not access.is_member(person, event.owner):
        raise EventError(Code.WALK_IN_NOT_MEMBER, field="person")
    locked = _desk_open(occurrence)
    row = Registration.objects.filter(occurrence=locked, user=person).first()
    if row is not None and row.status in HOLDS_PLACE:
        raise EventError(Code.WALK_IN_REGISTERED, field="person")
    values: dict[str, Any] = {"status": RegistrationStatus.GOING, "position": None,
                              "guests": 0, "walk_in": True}  # fmt: skip
    if row is None:
        row = Registration.objects.create(occurrence=locked, user=person, **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=[*values, "updated_at"])
    row.occurrence = locked
    audit_record(actor=actor, action="events.registration.walk_in", target=row,
                 host=host_of(event.owner), data={"person": person.pk})  # fmt: skip
    return _record(actor, row, event)


def _desk_open(occurrence: Occurrence) -> Occurrence:
    """Lock a date whose check-in desk takes walk-ins: of a published event, not called
    off."""
    locked = _locked(occurrence)
    status = Event.objects.values_list("status", flat=True).get(pk=occurrence.event_id)
    if status == EventStatus.CANCELLED:
        raise EventError(Code.CANCELLED)
    if status != EventStatus.PUBLISHED:
        raise EventError(Code.NOT_OPEN)
    if locked.cancelled_at is not None:
        raise EventError(Code.DATE_CANCELLED)
    return locked


def _clean_guest(name: str | None, email: str | None) -> tuple[str, str]:
    # PostgreSQL refuses a NUL character in text: gone, as in every text an action keeps.
    name = " ".join((name or "").replace("\x00", "").split())[:200]
    if not name:
        raise EventError(Code.GUEST_NAME_MISSING, field="name")
    email = (email or "").replace("\x00", "").strip()
    try:
        if email:
            validate_email(email)
    except ValidationError:
        raise EventError(Code.GUEST_EMAIL_INVALID, field="email") from None
    return name, email


@transaction.atomic
def walk_in_guest_add(
    *, actor: Any, occurrence: Occurrence, name: str, email: str = ""
) -> WalkInGuest:
    """An organiser adds at the door someone without an account, by name and, if they
    give one, an e-mail address: present at once, counted among the people who attended
    and in the places taken (whatever the places left, as for a member's walk-in), with
    no price booked, no invoice and nothing sent. Members are added with
    ``registration_walk_in`` instead, which books their price."""
    access.require(access.can_organise(actor, occurrence.event.owner))
    name, email = _clean_guest(name, email)
    locked = _desk_open(occurrence)
    guest = WalkInGuest.objects.create(
        occurrence=locked, name=name, email=email, checked_in_by=actor
    )
    # No name or address in the audit row: it outlives the guest's data.
    audit_record(actor=actor, action="events.walk_in_guest.add", target=guest,
                 host=host_of(occurrence.event.owner),
                 data={"with_email": bool(email)})  # fmt: skip
    return guest


def _book_credits(actor: Any, row: Registration, event: Event) -> Any:
    """A credit price is booked when the person is checked in, as any delivery of the
    credits app: recorded, then confirmed at once (the organiser saw them come), so the
    ledger posting, the invoice and the statement follow. A peer session's coach earns
    what the attendee spends; any other kind the attendee spends with the host. A refusal
    (the limit reached meanwhile, no longer a member) checks nobody in."""
    if not event.costs_credits:
        return None
    on = timezone.localdate()
    user = row.user
    try:
        scheme = scheme_for(host_of(event.owner))
        if event.kind == EventKind.PEER_SESSION:
            if event.coach is None:
                raise EventError(Code.NOT_BOOKED)
            delivery = delivery_record(
                actor=event.coach, scheme=scheme, on=on, member=user,
                service_code=event.credit_service, note=event.title,
            )  # fmt: skip
        else:
            delivery = delivery_record(
                actor=user, scheme=scheme, on=on, service_code=event.credit_service,
                note=event.title,
            )  # fmt: skip
        # The awaited side confirms when it checks in itself (a host admin for a
        # workshop); otherwise the organiser's check-in is the confirmation.
        return delivery_confirm(actor=actor, delivery=delivery,
                                auto=not can_decide(actor, delivery))  # fmt: skip
    except CreditsError as exc:
        raise EventError(Code.NOT_BOOKED, exc.message) from None


@transaction.atomic
def registration_check_in_by_code(*, actor: Any, occurrence: Occurrence, code: str) -> CheckIn:
    """An organiser checks someone in by the code of their QR (scanned or typed) at this
    date's check-in: a forged code, or one for another date, checks nobody in."""
    access.require(access.can_organise(actor, occurrence.event.owner))
    pk = checkin.read_code(code)
    row = Registration.objects.filter(pk=pk).first() if pk is not None else None
    if row is None or not checkin.code_matches(row, code):
        raise EventError(Code.CODE_INVALID, field="code")
    if row.occurrence_id != occurrence.pk:
        raise EventError(Code.CODE_OTHER_DATE, field="code")
    row.occurrence = occurrence
    return registration_check_in(actor=actor, registration=row)
