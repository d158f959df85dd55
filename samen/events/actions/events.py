"""The organisers' side of an event: create, add a date, publish, registration options, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities.models import host_of
from samen.communities.queries import is_host_member
from samen.conversations.models import Owner, owner_fields
from samen.events import access, kinds, pricing
from samen.events.actions._common import MAX_DESCRIPTION, REGISTERED, _clean_capacity, _clean_when
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    Occurrence,
    PriceKind,
    Registration,
)
from samen.funding.actions import contribution_cancel, contribution_refund
from samen.funding.models import ContributionStatus
from samen.lib.errors import DomainError
from samen.lib.money import AmountError, AmountKind, check_amount
from samen.lib.questions import QuestionsRefused, read_questions
from samen.lib.translations import pop_translations, site_languages
from samen.notifications.actions import notify


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


def _clean_title(title: str | None) -> str:
    """A title on one line, at most 200 characters (empty when nothing is left)."""
    return " ".join((title or "").replace("\x00", "").split())[:200]


def _clean_description(description: str | None) -> str:
    return (description or "").replace("\x00", "").strip()[:MAX_DESCRIPTION]


def _clean_where(place: str | None, online_url: str | None) -> tuple[str, str]:
    """The place on one line and the online link; at least one of them."""
    place = " ".join((place or "").replace("\x00", "").split())[:300]
    online_url = (online_url or "").replace("\x00", "").strip()
    if not place and not online_url:
        raise EventError(Code.PLACE_MISSING, field="place")
    return place, online_url


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


def _clean_languages(languages: Any, actor: Any) -> list[str]:
    """The languages spoken: codes of the site's languages, at least one, in the site's
    order; none given means the organiser's own language."""
    if languages is None:
        own = getattr(actor, "language", "") or ""
        languages = [own if own in site_languages() else settings.LANGUAGE_CODE]
    if isinstance(languages, str) or not isinstance(languages, list | tuple):
        raise EventError(Code.LANGUAGES_INVALID, field="languages")
    chosen = set(languages)
    if not chosen or not chosen <= set(site_languages()):
        raise EventError(Code.LANGUAGES_INVALID, field="languages")
    return [code for code in site_languages() if code in chosen]


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
    languages: Any = None,
    **translations: str,
) -> Event:
    """A draft event of ``owner`` with its first date, by one of its organisers, who is
    its coach. A price is free, in euros (a hosted collective's event), or a line of the
    host's rate card in credits: a peer session costs a service between members (the coach
    earns it), any other kind a service the network sells. Its title and description per
    language come as ``title_fr``, ``description_nl`` and so on. ``plus_one_allowed`` lets
    each person bring a guest (a free event only), ``requires_approval`` holds every
    registration as pending until an organiser decides, and ``questions`` (text or choice,
    see ``samen.lib.questions``) are answered when registering. ``languages`` are the
    codes of the languages spoken (the organiser's own when not given)."""
    access.require(access.can_organise(actor, owner))
    per_language = pop_translations(Event, translations)
    if translations:
        raise TypeError(f"Unknown event fields: {sorted(translations)}")
    title = _clean_title(title)
    if not title:
        raise EventError(Code.TITLE_MISSING, field="title")
    place, online_url = _clean_where(place, online_url)
    _clean_when(starts_at, ends_at)
    if kind not in EventKind.values:
        raise EventError(Code.KIND_INVALID, field="kind")
    price = _clean_price(owner, kind, price_kind, price_cents, credit_service, starts_at)
    options = _clean_options(price["price_kind"], plus_one_allowed, questions)
    spoken = _clean_languages(languages, actor)
    peer = price["price_kind"] == PriceKind.CREDITS and kind == EventKind.PEER_SESSION
    if peer and not is_host_member(actor, host_of(owner)):
        raise EventError(Code.COACH_INVALID, field="credit_service")
    event = Event.objects.create(
        kind=EventKind(kind),
        coach=actor,
        **price,
        title=title,
        description=_clean_description(description),
        place=place,
        online_url=online_url,
        visibility=EventVisibility(visibility),
        requires_approval=bool(requires_approval),
        **options,
        languages=spoken,
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
                                            "questions": len(event.questions),
                                            "languages": event.languages})  # fmt: skip
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
        status=EventStatus.CANCELLED, cancelled_at=now, updated_at=now,
        sequence=F("sequence") + 1,
    )  # fmt: skip
    event.refresh_from_db(fields=["status", "cancelled_at", "sequence"])
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
