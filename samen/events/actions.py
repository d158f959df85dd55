"""Every write of events: create and publish, register, cancel, the waiting list, check-in,
feedback and cancelling an event. Each is atomic, takes the acting person, writes an audit
row, and refuses with an ``EventError`` before writing anything.

Places are counted under a row lock on the occurrence (DESIGN rule 6): every action that
takes or frees a place locks it first, so concurrent registrations for the last place give
it to exactly one person and queue the others in arrival order.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.communities.queries import is_host_member
from samen.conversations.models import Owner, owner_fields
from samen.credits.actions import can_decide, delivery_confirm, delivery_record, scheme_for
from samen.credits.errors import CreditsError
from samen.events import access, checkin, emails, kinds, pricing, queries
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    FEEDBACK_CHANGE_WINDOW,
    HOLDS_PLACE,
    MAX_GUESTS,
    PLACES,
    CalendarFeed,
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    Feedback,
    Occurrence,
    PriceKind,
    Registration,
    RegistrationStatus,
)
from samen.funding.actions import contribution_cancel, contribution_refund, contribution_start
from samen.funding.models import ContributionStatus, Method
from samen.lib.errors import DomainError
from samen.lib.money import AmountError, AmountKind, check_amount
from samen.lib.questions import (
    AnswerRefused,
    QuestionsRefused,
    answer_field_name,
    pair_answers,
    read_questions,
)
from samen.lib.tasks import enqueue_on_commit
from samen.lib.translations import pop_translations
from samen.notifications.actions import notify

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


def _clean_price(
    owner: Owner, kind: str, price_kind: str, price_cents: int | None, service_code: str,
    on: datetime,
) -> dict[str, Any]:  # fmt: skip
    """The price fields of an event: nothing for a free one, cents within the price bounds
    for euros, a line of the host's rate card (fitting the kind) for credits."""
    if price_kind not in PriceKind.values:
        raise EventError(Code.PRICE_INVALID, field="price_kind")
    fields: dict[str, Any] = {
        "price_kind": PriceKind(price_kind),
        "price_cents": 0,
        "credit_service": "",
        "price_credits": 0,
        "credit_unit": None,
    }
    if price_kind == PriceKind.EUROS:
        if not pricing.can_take_euros(owner):
            raise EventError(Code.PRICE_EUROS_HOSTED, field="price_kind")
        try:
            fields["price_cents"] = check_amount(price_cents or 0, 2, kind=AmountKind.PRICE)
        except AmountError as exc:
            raise EventError(Code.PRICE_INVALID, exc.message, field="price_euros") from None
    elif price_kind == PriceKind.CREDITS:
        local_day = timezone.localtime(on).date()
        service = pricing.credit_service(owner, kind, (service_code or "").strip(), local_day)
        fields.update(credit_service=service.code, price_credits=service.value,
                      credit_unit=service.rate_card.scheme.unit)  # fmt: skip
    return fields


def _clean_options(price_kind: str, plus_one_allowed: bool, questions: Any) -> dict[str, Any]:
    """How people register: a plus-one only for a free event (a price is per person and
    the credits app books one delivery per registration), approval, and the questions."""
    if plus_one_allowed and price_kind != PriceKind.FREE:
        raise EventError(Code.PLUS_ONE_PRICED, field="plus_one_allowed")
    try:
        asked = read_questions(questions or [])
    except (QuestionsRefused, AttributeError, TypeError):
        raise EventError(Code.QUESTIONS_INVALID, field="questions") from None
    return {"plus_one_allowed": bool(plus_one_allowed),
            "questions": [q.as_json() for q in asked]}  # fmt: skip


# --- the organisers' side ---------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    actor: Any,
    owner: Owner,
    kind: EventKind | str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
    online_url: str = "",
    visibility: EventVisibility | str = EventVisibility.PUBLIC,
    capacity: int | None = None,
    price_kind: PriceKind | str = PriceKind.FREE,
    price_cents: int | None = None,
    credit_service: str = "",
    plus_one_allowed: bool = False,
    requires_approval: bool = False,
    questions: Any = (),
    **translations: str,
) -> Event:
    """A draft event of ``owner`` with its first date, by one of its organisers, who is
    its coach. A price is free, in euros (a hosted collective's event), or a line of the
    host's rate card in credits: a peer session costs a service between members (the coach
    earns it), any other kind a service the network sells. Its title and description per
    language come as ``title_fr``, ``description_nl`` and so on. ``plus_one_allowed`` lets
    each person bring a guest (a free event only), ``requires_approval`` holds every
    registration as pending until an organiser decides, and ``questions`` (text or choice,
    see ``samen.lib.questions``) are answered when registering."""
    access.require(access.can_organise(actor, owner))
    per_language = pop_translations(Event, translations)
    if translations:
        raise TypeError(f"Unknown event fields: {sorted(translations)}")
    title = " ".join((title or "").split())[:200]
    if not title:
        raise EventError(Code.TITLE_MISSING, field="title")
    place, online_url = " ".join((place or "").split())[:300], (online_url or "").strip()
    if not place and not online_url:
        raise EventError(Code.PLACE_MISSING, field="place")
    _clean_when(starts_at, ends_at)
    if kind not in EventKind.values:
        raise EventError(Code.KIND_INVALID, field="kind")
    price = _clean_price(owner, kind, price_kind, price_cents, credit_service, starts_at)
    options = _clean_options(price["price_kind"], plus_one_allowed, questions)
    peer = price["price_kind"] == PriceKind.CREDITS and kind == EventKind.PEER_SESSION
    if peer and not is_host_member(actor, host_of(owner)):
        raise EventError(Code.COACH_INVALID, field="credit_service")
    event = Event.objects.create(
        kind=EventKind(kind),
        coach=actor,
        **price,
        title=title,
        description=(description or "").replace("\x00", "").strip()[:MAX_DESCRIPTION],
        place=place,
        online_url=online_url,
        visibility=EventVisibility(visibility),
        requires_approval=bool(requires_approval),
        **options,
        created_by=actor,
        **owner_fields(owner),
        **{key: text.strip() for key, text in per_language.items()},
    )
    Occurrence.objects.create(
        event=event, starts_at=starts_at, ends_at=ends_at, capacity=_clean_capacity(capacity)
    )
    audit_record(actor=actor, action="events.event.create", target=event,
                 host=host_of(owner), data={"kind": event.kind, "visibility": event.visibility,
                                            "price_kind": event.price_kind,
                                            "price_cents": event.price_cents,
                                            "price_credits": event.price_credits,
                                            "plus_one_allowed": event.plus_one_allowed,
                                            "requires_approval": event.requires_approval,
                                            "questions": len(event.questions)})  # fmt: skip
    return event


@transaction.atomic
def occurrence_add(
    *, actor: Any, event: Event, starts_at: datetime, ends_at: datetime, capacity: int | None
) -> Occurrence:
    """Another date of the same event (a series), with its own places."""
    access.require(access.can_organise(actor, event.owner))
    if event.status == EventStatus.CANCELLED:
        raise EventError(Code.CANCELLED)
    _clean_when(starts_at, ends_at)
    occurrence = Occurrence.objects.create(
        event=event, starts_at=starts_at, ends_at=ends_at, capacity=_clean_capacity(capacity)
    )
    audit_record(actor=actor, action="events.occurrence.add", target=occurrence,
                 host=host_of(event.owner),
                 data={"starts_at": starts_at.isoformat(), "capacity": capacity})  # fmt: skip
    return occurrence


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


def _settle_payments(occurrences: list[Occurrence], reason: str) -> int:
    """The organiser called dates off: every contribution paid for them is refunded (card
    through the provider, a transfer on the host's refund list) and every one still
    waiting is withdrawn. Returns how many were refunded."""
    rows = Registration.objects.filter(
        occurrence__in=occurrences, contribution__isnull=False
    ).select_related("contribution").order_by("contribution_id")  # fmt: skip
    refunded = 0
    for row in rows:
        contribution = row.contribution
        assert contribution is not None
        try:
            if contribution.status == ContributionStatus.PAID:
                contribution_refund(actor=None, contribution=contribution,
                                    reason=reason or "Event cancelled")  # fmt: skip
                refunded += 1
            elif contribution.status == ContributionStatus.PENDING:
                contribution_cancel(actor=None, contribution=contribution)
        except DomainError as exc:
            raise EventError(Code.REFUND_REFUSED, exc.message) from None
    return refunded


def _tell_registered(
    occurrence: Occurrence, kind: str, actor: Any, reason: str, *, dated: bool = False
) -> int:
    """Notify everyone going or waiting for ``occurrence``; ``dated`` puts the date in the
    title (the cancelled-event message names no date of its own)."""
    rows = Registration.objects.filter(
        occurrence=occurrence, status__in=REGISTERED
    ).select_related("user").order_by("pk")  # fmt: skip
    people = [row.user for row in rows]
    title = occurrence.event.title
    notify(people, kind, occurrence, actor=actor, url=occurrence.get_absolute_url(),
           data={"title": f"{title} ({when_label(occurrence)})" if dated else title,
                 "when": when_label(occurrence), "reason": reason})  # fmt: skip
    return len(people)


@transaction.atomic
def occurrence_change(
    *, actor: Any, occurrence: Occurrence, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Occurrence:
    """Move one date of an event; everyone going or waiting is told the new time, and the
    day-before reminder leaves again for it."""
    access.require(access.can_organise(actor, occurrence.event.owner))
    locked = _locked(occurrence)
    if locked.cancelled_at is not None:
        raise EventError(Code.DATE_CANCELLED)
    _clean_when(starts_at, ends_at)
    before = locked.starts_at
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.save(update_fields=["starts_at", "ends_at", "updated_at"])
    Registration.objects.filter(occurrence=locked).update(reminded_at=None)
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
    capacity = _clean_capacity(capacity)
    if capacity is not None and capacity < _places_taken(locked):
        raise EventError(Code.BELOW_GOING, field="capacity")
    before = locked.capacity
    locked.capacity = capacity
    locked.save(update_fields=["capacity", "updated_at"])
    audit_record(actor=actor, action="events.occurrence.capacity", target=locked,
                 host=host_of(locked.event.owner),
                 data={"before": before, "after": capacity})  # fmt: skip
    _promote(locked, actor)
    return locked


@transaction.atomic
def event_publish(*, actor: Any, event: Event) -> Event:
    """A draft goes up: visible to its audience and open for registration."""
    access.require(access.can_organise(actor, event.owner))
    updated = Event.objects.filter(pk=event.pk, status=EventStatus.DRAFT).update(
        status=EventStatus.PUBLISHED, published_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise EventError(Code.NOT_DRAFT)
    event.refresh_from_db(fields=["status", "published_at"])
    audit_record(actor=actor, action="events.event.publish", target=event,
                 host=host_of(event.owner))  # fmt: skip
    return event


@transaction.atomic
def event_registration_options(
    *, actor: Any, event: Event, plus_one_allowed: bool, requires_approval: bool, questions: Any
) -> Event:
    """The organisers change how people register, with the rules of ``event_create``.
    What was decided stays: guests already admitted keep their place, answers given keep
    their question, and people pending still wait for a decision when approval is
    switched off."""
    access.require(access.can_organise(actor, event.owner))
    if Event.objects.filter(pk=event.pk, status=EventStatus.CANCELLED).exists():
        raise EventError(Code.CANCELLED)
    options = _clean_options(event.price_kind, plus_one_allowed, questions)
    Event.objects.filter(pk=event.pk).update(
        requires_approval=bool(requires_approval), updated_at=timezone.now(), **options
    )
    event.refresh_from_db(fields=["plus_one_allowed", "requires_approval", "questions"])
    audit_record(actor=actor, action="events.event.registration_options", target=event,
                 host=host_of(event.owner),
                 data={"plus_one_allowed": event.plus_one_allowed,
                       "requires_approval": event.requires_approval,
                       "questions": len(event.questions)})  # fmt: skip
    return event


@transaction.atomic
def event_cancel(*, actor: Any, event: Event, reason: str = "") -> Event:
    """Cancel the whole event; everyone going or waiting for a date to come is told."""
    access.require(access.can_organise(actor, event.owner))
    # The same lock registrations take, so nobody registers for a cancelled event.
    occurrences = list(Occurrence.objects.select_for_update().filter(event=event).order_by("pk"))
    if Event.objects.filter(pk=event.pk, status=EventStatus.CANCELLED).exists():
        raise EventError(Code.CANCELLED)
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.CANCELLED, cancelled_at=now, updated_at=now
    )
    event.refresh_from_db(fields=["status", "cancelled_at"])
    reason = " ".join((reason or "").split())[:500]
    refunded = _settle_payments([o for o in occurrences if o.ends_at > now], reason)
    told = (
        Registration.objects.filter(
            occurrence__in=[o for o in occurrences if o.ends_at > now],
            status__in=REGISTERED,
        )
        .select_related("user")
        .order_by("pk")
    )
    people = list({row.user_id: row.user for row in told}.values())
    notify(people, kinds.CANCELLED, event, actor=actor, url=event.get_absolute_url(),
           data={"title": event.title, "reason": reason})  # fmt: skip
    audit_record(actor=actor, action="events.event.cancel", target=event,
                 host=host_of(event.owner),
                 data={"reason": reason, "told": len(people), "refunded": refunded})  # fmt: skip
    return event


# --- registrations ----------------------------------------------------------------------------


def _locked(occurrence: Occurrence) -> Occurrence:
    locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    locked.event = occurrence.event
    return locked


def _places_taken(occurrence: Occurrence) -> int:
    """The places of the people going or who went, their guests included."""
    found = Registration.objects.filter(occurrence=occurrence, status__in=HOLDS_PLACE).aggregate(
        places=Sum(PLACES)
    )
    return int(found["places"] or 0)


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


def _next_position(occurrence: Occurrence) -> int:
    top = Registration.objects.filter(
        occurrence=occurrence, status=RegistrationStatus.WAITING
    ).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


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


def _reminded_now(occurrence: Occurrence) -> datetime | None:
    """Going within the last day: the confirmation is the reminder, no second e-mail."""
    now = timezone.now()
    return now if occurrence.starts_at - now <= REMIND_BEFORE else None


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
    check_in = CheckIn.objects.create(registration=row, checked_in_by=actor)
    row.status = RegistrationStatus.ATTENDED
    row.delivery = _book_credits(actor, row, registration.occurrence.event)
    row.save(update_fields=["status", "delivery", "updated_at"])
    registration.status, registration.delivery = row.status, row.delivery
    audit_record(actor=actor, action="events.registration.check_in", target=row,
                 host=host_of(registration.occurrence.event.owner))  # fmt: skip
    return check_in


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


# --- e-mails with the date attached ----------------------------------------------------------


def _email_later(registration_id: int, kind: str) -> None:
    from samen.events.tasks import send_registration_email

    enqueue_on_commit(send_registration_email, registration_id=registration_id, kind=kind)


@transaction.atomic
def registrations_remind(*, now: datetime | None = None) -> int:
    """Queue the day-before reminder, once, for every person going to a published date
    that starts within a day. The rows are locked (skipping those another run holds) and
    stamped (``reminded_at``) in this transaction and the e-mails are queued after it
    commits, so a second run or a second scheduler sends nothing twice. Returns how many
    were queued."""
    now = now or timezone.now()
    ids = list(
        Registration.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            status=RegistrationStatus.GOING,
            reminded_at__isnull=True,
            occurrence__starts_at__gt=now,
            occurrence__starts_at__lte=now + REMIND_BEFORE,
            occurrence__cancelled_at__isnull=True,
            occurrence__event__status=EventStatus.PUBLISHED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Registration.objects.filter(pk__in=ids).update(reminded_at=now)
    for pk in ids:
        _email_later(pk, emails.REMINDER)
    return len(ids)


def registration_email_send(*, registration_id: int, kind: str) -> bool:
    """Send one confirmation or reminder with its ``.ics``, if the person is still going
    to a published date to come; False when there is nothing to send any more."""
    row = (
        Registration.objects.select_related("user", "occurrence__event")
        .filter(pk=registration_id, status=RegistrationStatus.GOING)
        .first()
    )
    if row is None or not row.user.email or row.occurrence.event.status != EventStatus.PUBLISHED:
        return False
    if timezone.now() >= row.occurrence.starts_at or row.occurrence.cancelled_at is not None:
        return False
    emails.registration_message(row, kind).send()
    return True


# --- feedback ---------------------------------------------------------------------------------


def _clean_rating(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise EventError(Code.BAD_RATING, field=field)
    return value


@transaction.atomic
def feedback_give(
    *,
    actor: Any,
    occurrence: Occurrence,
    rating: int,
    text: str = "",
    prepared: int | None = None,
    anonymous: bool = False,
) -> Feedback:
    """An attendee rates a session from its start on: how useful it was (1-5), how well
    the coach or organiser was prepared (1-5), a comment, optionally anonymous to the
    organisers. One answer per person, which they may change for 14 days."""
    access.require(access.signed_in(actor))
    attended = Registration.objects.filter(
        occurrence=occurrence, user=actor, status=RegistrationStatus.ATTENDED
    ).exists()
    if not attended:
        raise EventError(Code.NOT_ATTENDED)
    if timezone.now() < occurrence.starts_at:
        raise EventError(Code.TOO_EARLY)
    values = {
        "rating": _clean_rating(rating, "rating"),
        "prepared": None if prepared is None else _clean_rating(prepared, "prepared"),
        "text": (text or "").replace("\x00", "").strip()[:MAX_FEEDBACK],
        "anonymous": bool(anonymous),
    }
    given = Feedback.objects.select_for_update().filter(occurrence=occurrence, user=actor).first()
    if given is not None:
        if timezone.now() - given.created_at > FEEDBACK_CHANGE_WINDOW:
            raise EventError(Code.FEEDBACK_CLOSED)
        for name, value in values.items():
            setattr(given, name, value)
        given.save(update_fields=[*values, "updated_at"])
        audit_record(actor=actor, action="events.feedback.change", target=occurrence,
                     host=host_of(occurrence.event.owner))  # fmt: skip
        return given
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(occurrence=occurrence, user=actor, **values)
    except IntegrityError:  # the same person twice at once: the other one counted
        raise EventError(Code.FEEDBACK_GIVEN) from None
    audit_record(actor=actor, action="events.feedback.give", target=occurrence,
                 host=host_of(occurrence.event.owner))  # fmt: skip
    return feedback


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


# --- the personal calendar feed ---------------------------------------------------------------


@transaction.atomic
def calendar_feed_reset(*, actor: Any) -> CalendarFeed:
    """Give ``actor`` a new secret feed address; the previous one stops working."""
    access.require(access.signed_in(actor))
    feed, created = CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token": secrets.token_urlsafe(32)}
    )
    audit_record(actor=actor, action="events.feed.reset", target=feed,
                 data={"created": created})  # fmt: skip
    return feed
