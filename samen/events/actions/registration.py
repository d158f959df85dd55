"""Registering, approval by the organisers, cancelling and refusing, erasure."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.events import access, emails, kinds, pricing, queries
from samen.events.actions._common import (
    REGISTERED,
    _ask_payment,
    _locked,
    _reminded_now,
    when_label,
)
from samen.events.actions.notices import _email_later
from samen.events.actions.waitlist import _fits, _next_position, _promote
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    MAX_GUESTS,
    Event,
    EventStatus,
    Feedback,
    Occurrence,
    Registration,
    RegistrationStatus,
)
from samen.funding.actions import contribution_cancel
from samen.funding.models import ContributionStatus, Method
from samen.lib.questions import AnswerRefused, answer_field_name, pair_answers
from samen.notifications.actions import notify


def _clean_guests(event: Event, guests: Any) -> int:
    if guests in (None, False, 0):
        return 0
    if not event.plus_one_allowed:
        raise EventError(Code.PLUS_ONE_NOT_ALLOWED, field="guests")
    if isinstance(guests, bool):
        return 1
    if not isinstance(guests, int) or not 0 <= guests <= MAX_GUESTS:
        raise EventError(Code.GUESTS_INVALID, field="guests")
    return guests


def _clean_answers(event: Event, answers: Any) -> list[dict[str, str]]:
    """The event's questions with the person's answers, or a refusal at the first
    question left open or answered with a choice it does not offer."""
    try:
        return pair_answers(event.questions or [], list(answers or []))
    except AnswerRefused as refused:
        code = Code.ANSWER_MISSING if refused.missing else Code.ANSWER_INVALID
        raise EventError(code, field=answer_field_name(refused.index)) from None


def _check_open(event: Event, occurrence: Occurrence) -> None:
    """Refuse a registration (or an approval) for a date nobody may register for now;
    the caller holds the occurrence's lock."""
    status = Event.objects.values_list("status", flat=True).get(pk=event.pk)
    if status == EventStatus.CANCELLED:
        raise EventError(Code.CANCELLED)
    if status != EventStatus.PUBLISHED:
        raise EventError(Code.NOT_OPEN)
    if occurrence.cancelled_at is not None:
        raise EventError(Code.DATE_CANCELLED)
    if timezone.now() >= occurrence.starts_at:
        raise EventError(Code.STARTED)


@transaction.atomic
def occurrence_register(
    *,
    actor: Any,
    occurrence: Occurrence,
    method: str = Method.BANK_TRANSFER,
    guests: int = 0,
    answers: Any = (),
) -> Registration:
    """Register ``actor`` for a date: going while places are left, else on the waiting
    list in arrival order. Someone who cancelled may register again (a new arrival).

    ``guests`` (a plus-one, when the organisers allow it) takes a place of its own; every
    question of the event must be answered (``answers`` in the questions' order). When
    the organisers approve registrations, the person waits as pending, holding no place,
    until one of them decides (``registration_approve``).

    A credit price must fit the person's credit limit (less what they promised to other
    events of the host); it is booked at check-in. A euro price starts a contribution
    (``method``: bank transfer or card) as soon as the person has a place."""
    event = occurrence.event
    access.require(access.signed_in(actor) and access.can_see_event(actor, event))
    occurrence = _locked(occurrence)
    _check_open(event, occurrence)
    row = Registration.objects.filter(occurrence=occurrence, user=actor).first()
    if row is not None and row.status == RegistrationStatus.REFUSED:
        raise EventError(Code.NOT_OPEN)
    if row is not None and row.status != RegistrationStatus.CANCELLED:
        raise EventError(Code.ALREADY_REGISTERED)
    guests = _clean_guests(event, guests)
    paired = _clean_answers(event, answers)
    if event.costs_credits:
        pricing.check_credit_price(actor, event, occurrence)
    values: dict[str, Any] = {"guests": guests, "answers": paired, "position": None,
                              "reminded_at": None}  # fmt: skip
    if event.requires_approval:
        values["status"] = RegistrationStatus.PENDING
    elif _fits(occurrence, 1 + guests):
        values["status"] = RegistrationStatus.GOING
        values["reminded_at"] = _reminded_now(occurrence)
    else:
        values["status"] = RegistrationStatus.WAITING
        values["position"] = _next_position(occurrence)
    if row is None:
        row = Registration.objects.create(occurrence=occurrence, user=actor, **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=[*values, "updated_at"])
    row.occurrence = occurrence
    if row.status == RegistrationStatus.GOING:
        _ask_payment(row, method)
        _email_later(row.pk, emails.CONFIRMATION)
    audit_record(actor=actor, action="events.registration.create", target=row,
                 host=host_of(event.owner),
                 data={"status": row.status, "position": row.position,
                       "guests": guests})  # fmt: skip
    return row


@transaction.atomic
def registration_approve(*, actor: Any, registration: Registration) -> Registration:
    """An organiser lets a pending registration in. It then meets every check a
    registration meets at that moment: a place (guest included) while places are left
    and nobody waits, else the waiting list's end; a credit price within the person's
    limit. The person is told by e-mail, in their language."""
    event = registration.occurrence.event
    access.require(access.can_organise(actor, event.owner))
    occurrence = _locked(registration.occurrence)
    row = Registration.objects.select_related("user").get(pk=registration.pk)
    if row.status != RegistrationStatus.PENDING:
        raise EventError(Code.NOT_PENDING)
    _check_open(event, occurrence)
    if event.costs_credits:
        pricing.check_credit_price(row.user, event, occurrence)
    if _fits(occurrence, row.places):
        row.status, row.reminded_at = RegistrationStatus.GOING, _reminded_now(occurrence)
    else:
        row.status, row.position = RegistrationStatus.WAITING, _next_position(occurrence)
    row.save(update_fields=["status", "position", "reminded_at", "updated_at"])
    row.occurrence = occurrence
    data = {"title": event.title, "when": when_label(occurrence)}
    if row.status == RegistrationStatus.GOING:
        _ask_payment(row, Method.BANK_TRANSFER)
        _email_later(row.pk, emails.CONFIRMATION)
        notify([row.user], kinds.APPROVED, occurrence, actor=actor,
               url=occurrence.get_absolute_url(), data=data)  # fmt: skip
    else:
        notify([row.user], kinds.APPROVED_WAITING, occurrence, actor=actor,
               url=occurrence.get_absolute_url(),
               data={**data, "place": queries.waiting_place(row)})  # fmt: skip
    audit_record(actor=actor, action="events.registration.approve", target=row,
                 host=host_of(event.owner), data={"status": row.status})  # fmt: skip
    return row


@transaction.atomic
def registration_decline(*, actor: Any, registration: Registration) -> Registration:
    """An organiser turns a pending registration down; the person is told by e-mail."""
    event = registration.occurrence.event
    access.require(access.can_organise(actor, event.owner))
    occurrence = _locked(registration.occurrence)
    row = Registration.objects.select_related("user").get(pk=registration.pk)
    if row.status != RegistrationStatus.PENDING:
        raise EventError(Code.NOT_PENDING)
    row.status = RegistrationStatus.REFUSED
    row.save(update_fields=["status", "updated_at"])
    row.occurrence = occurrence
    notify([row.user], kinds.DECLINED, occurrence, actor=actor, url=occurrence.get_absolute_url(),
           data={"title": event.title, "when": when_label(occurrence)})  # fmt: skip
    audit_record(actor=actor, action="events.registration.decline", target=row,
                 host=host_of(event.owner))  # fmt: skip
    return row


def _end(actor: Any, registration: Registration, status: RegistrationStatus) -> Registration:
    occurrence = _locked(registration.occurrence)
    row = Registration.objects.select_related("user").get(pk=registration.pk)
    if row.status not in REGISTERED:
        raise EventError(Code.NOT_REGISTERED)
    if timezone.now() >= occurrence.starts_at:
        raise EventError(Code.STARTED)
    freed = row.status == RegistrationStatus.GOING
    row.status, row.position = status, None
    row.save(update_fields=["status", "position", "updated_at"])
    if row.contribution_id is not None:
        # An unpaid promise is withdrawn; a paid place is refunded only when the
        # organisers call the date off (the person may ask the collective otherwise).
        pending = row.contribution
        if pending is not None and pending.status == ContributionStatus.PENDING:
            contribution_cancel(actor=None, contribution=pending)
    row.occurrence = occurrence
    audit_record(actor=actor, action=f"events.registration.{status}", target=row,
                 host=host_of(occurrence.event.owner), data={"freed": freed})  # fmt: skip
    if freed:
        _promote(occurrence, actor)
    return row


@transaction.atomic
def registration_cancel(*, actor: Any, registration: Registration) -> Registration:
    """The person withdraws (going, waiting or pending); a freed place goes to the first
    waiting."""
    access.require(access.signed_in(actor) and registration.user_id == actor.pk)
    return _end(actor, registration, RegistrationStatus.CANCELLED)


@transaction.atomic
def registration_refuse(*, actor: Any, registration: Registration) -> Registration:
    """An organiser turns a registration down; the place goes to the first waiting."""
    access.require(access.can_organise(actor, registration.occurrence.event.owner))
    return _end(actor, registration, RegistrationStatus.REFUSED)


@transaction.atomic
def registrations_erase(*, actor: Any) -> int:
    """The person erases their account: their places for dates to come go to the people
    waiting, their registrations and check-ins are deleted, and their feedback stays in
    the averages without their name. Returns how many registrations went."""
    now = timezone.now()
    upcoming = Registration.objects.filter(
        user=actor,
        status__in=REGISTERED,
        occurrence__starts_at__gt=now,
    ).select_related("occurrence__event__collective", "occurrence__event__host")
    for row in upcoming.order_by("occurrence_id"):
        _end(actor, row, RegistrationStatus.CANCELLED)
    Feedback.objects.filter(user=actor).update(user=None)
    deleted, _ = Registration.objects.filter(user=actor).delete()
    return deleted
