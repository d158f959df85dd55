"""Prices of events: free, euros (paid through the funding app's contributions), or a line
of the host's rate card in credits (a workshop 0.5, a bootcamp 3). The checks and reads the
actions and forms share; the bookings themselves go through the credits and funding
actions, never through rows written here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.communities.models import Collective, Host, host_of
from samen.communities.queries import is_host_member
from samen.conversations.models import Owner
from samen.credits.actions import credits_spendable, rate_card_on, scheme_for, service_on
from samen.credits.errors import CreditsError
from samen.credits.models import CreditScheme, Direction, Service
from samen.events.errors import EventError
from samen.events.errors import EventErrorCode as Code
from samen.events.models import (
    Event,
    EventKind,
    Occurrence,
    PriceKind,
    Registration,
    RegistrationStatus,
)
from samen.lib.money import format_amount


def scheme_of(owner: Owner) -> CreditScheme | None:
    """The credit scheme of the host an event's owner belongs to, if it has one."""
    host = host_of(owner)
    if host is None:
        return None
    try:
        return scheme_for(host)
    except CreditsError:
        return None


def fits_kind(service: Service, kind: str) -> bool:
    """A peer session costs a service between members (the coach earns what the attendee
    spends); every other kind a service the network sells (a workshop, a bootcamp)."""
    if kind == EventKind.PEER_SESSION:
        return service.is_peer
    return not service.is_peer and service.direction == Direction.COSTS


def credit_service(owner: Owner, kind: str, code: str, on: dt.date) -> Service:
    """The rate card's line ``code`` in force on ``on`` for an event of ``kind``, or a
    refusal at the form's field."""
    scheme = scheme_of(owner)
    if scheme is None:
        raise EventError(Code.NO_CREDITS, field="price_kind")
    try:
        service = service_on(scheme, code, on)
    except CreditsError:
        raise EventError(Code.CREDIT_SERVICE, field="credit_service") from None
    if not fits_kind(service, kind):
        raise EventError(Code.CREDIT_SERVICE, field="credit_service")
    return service


def rate_card_choices(owner: Owner, on: dt.date) -> list[tuple[str, str]]:
    """The rate card lines an organiser may price an event with, as ``(code, label)``."""
    scheme = scheme_of(owner)
    if scheme is None:
        return []
    try:
        card = rate_card_on(scheme, on)
    except CreditsError:
        return []
    unit = scheme.unit
    return [
        (s.code, f"{s.name} · {format_amount(s.value, unit.decimals)} {unit.code}")
        for s in card.services.all()
        if s.is_peer or s.direction == Direction.COSTS
    ]


def can_take_euros(owner: Owner) -> bool:
    """Euros are paid to a hosted collective, through its contributions."""
    return isinstance(owner, Collective) and owner.can_receive_money


def _host_events(host: Host) -> Q:
    return Q(occurrence__event__host=host) | Q(occurrence__event__collective__host=host)


def credits_held(user: Any, host: Host, *, besides: Occurrence) -> int:
    """Credits the person already promised to other dates of the host to come: going,
    waiting or waiting for approval, not yet checked in (their delivery is not booked yet)."""
    rows = Registration.objects.filter(
        _host_events(host),
        user=user,
        status__in=[
            RegistrationStatus.GOING,
            RegistrationStatus.WAITING,
            RegistrationStatus.PENDING,
        ],
        delivery__isnull=True,
        occurrence__event__price_kind=PriceKind.CREDITS,
        occurrence__ends_at__gt=timezone.now(),
        occurrence__cancelled_at__isnull=True,
    ).exclude(occurrence=besides)
    return int(rows.aggregate(total=Sum("occurrence__event__price_credits"))["total"] or 0)


def check_credit_price(user: Any, event: Event, occurrence: Occurrence) -> None:
    """Refuse a registration whose credit price the person's credit limit does not cover,
    counting what they already promised to other events of the host."""
    host = host_of(event.owner)
    scheme = scheme_of(event.owner)
    if host is None or scheme is None:
        raise EventError(Code.NO_CREDITS)
    if not is_host_member(user, host):
        raise EventError(Code.NOT_CREDIT_MEMBER)
    available = credits_spendable(scheme, user) - credits_held(user, host, besides=occurrence)
    if event.price_credits > available:
        unit = scheme.unit
        raise EventError(
            Code.OVER_LIMIT,
            _(
                "This event costs %(price)s and your credit limit leaves you %(available)s: "
                "ask the host for a higher limit, or earn credits first."
            )
            % {
                "price": f"{format_amount(event.price_credits, unit.decimals)} {unit.code}",
                "available": f"{format_amount(max(available, 0), unit.decimals)} {unit.code}",
            },
            field="price",
        )
