"""Offers beside requests: a member posts what they can give for credits; another says "I'd
like this", and the offerer records the session given as a delivery of the credits app
(the same ``delivery_record`` a request's "I can help" uses, so confirmation, ledger and
documents follow)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from samen.accounts.actions import skills_get_or_create
from samen.audit.actions import audit_record
from samen.communities.models import Host
from samen.knowledge import kinds, queries
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import Offer, OfferStatus, OfferTake
from samen.notifications.actions import notify

MAX_TITLE = 140
MAX_TEXT = 4000


def _check_service(host: Host, service_code: str) -> str:
    """An offer names a peer service of today's rate card, or none (priced when given)."""
    from samen.credits.actions import scheme_for, service_on

    service_code = (service_code or "").strip()
    if (
        service_code
        and not service_on(scheme_for(host), service_code, timezone.localdate()).is_peer
    ):
        raise KnowledgeError(KnowledgeErrorCode.NOT_PAYABLE, field="service_code")
    return service_code


def _skills(names: Iterable[str]) -> list[Any]:
    try:
        return list(skills_get_or_create(list(names)))
    except ValueError as exc:
        raise KnowledgeError(KnowledgeErrorCode.TEXT_REQUIRED, field="skills") from exc


@transaction.atomic
def offer_create(
    *,
    actor: Any,
    host: Host,
    title: str,
    description: str = "",
    skills: Iterable[str] = (),
    availability: str = "",
    service_code: str = "",
) -> Offer:
    """A member of the host's community posts what they offer."""
    if not queries.in_host_community(actor, host):
        raise PermissionDenied
    title = " ".join((title or "").split())[:MAX_TITLE]
    if not title:
        raise KnowledgeError(KnowledgeErrorCode.TITLE_REQUIRED, field="title")
    offer = Offer.objects.create(
        host=host,
        person=actor,
        title=title,
        description=(description or "").strip()[:MAX_TEXT],
        availability=" ".join((availability or "").split())[:200],
        service_code=_check_service(host, service_code),
    )
    offer.skills.set(_skills(skills))
    audit_record(
        actor=actor,
        action="offer.create",
        target=offer,
        host=host,
        data={"skills": [s.name for s in offer.skills.all()], "service": offer.service_code},
    )
    return offer


def _lock_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update(of=("self",)).select_related("host").get(pk=offer.pk)


@transaction.atomic
def offer_withdraw(*, actor: Any, offer: Offer) -> Offer:
    """Its author (or a host admin) withdraws an open offer; what was asked stays."""
    from samen.knowledge.access import is_editor

    offer = _lock_offer(offer)
    if actor.pk != offer.person_id and not is_editor(actor, offer.host):
        raise PermissionDenied
    if offer.status != OfferStatus.OPEN:
        raise KnowledgeError(KnowledgeErrorCode.NOT_OPEN)
    offer.status = OfferStatus.WITHDRAWN
    offer.save(update_fields=["status"])
    audit_record(actor=actor, action="offer.withdraw", target=offer, host=offer.host)
    return offer


@transaction.atomic
def offer_take(*, actor: Any, offer: Offer, message: str = "") -> OfferTake:
    """ "I'd like this": a member of the community asks for an open offer, once. The offerer
    is told who asked, with the message (the contact relay: no address is shown)."""
    offer = _lock_offer(offer)
    if not queries.in_host_community(actor, offer.host):
        raise PermissionDenied
    if offer.status != OfferStatus.OPEN:
        raise KnowledgeError(KnowledgeErrorCode.NOT_OPEN)
    if offer.person_id == actor.pk:
        raise KnowledgeError(KnowledgeErrorCode.OWN_OFFER)
    if OfferTake.objects.filter(offer=offer, person=actor).exists():
        raise KnowledgeError(KnowledgeErrorCode.ALREADY_ASKED)
    take = OfferTake.objects.create(
        offer=offer, person=actor, message=(message or "").strip()[:MAX_TEXT]
    )
    audit_record(actor=actor, action="offer.take", target=offer, host=offer.host)
    notify(
        [offer.person],
        kinds.OFFER_TAKEN,
        offer,
        actor=actor,
        data={"actor": actor.public_name, "title": offer.title},
        url=offer.get_absolute_url(),
    )
    return take


@transaction.atomic
def offer_deliver(
    *, actor: Any, take: OfferTake, on: dt.date, service_code: str = "", quantity: int = 1
) -> OfferTake:
    """The offerer records the session they gave the person who asked: a peer delivery of
    the credits app (the offer's service, or the one named now when the offer has none),
    which the recipient confirms. Once per request."""
    from samen.credits.actions import delivery_record, scheme_for

    take = (
        OfferTake.objects.select_for_update(of=("self",))
        .select_related("offer__host")
        .get(pk=take.pk)
    )
    offer = take.offer
    if actor.pk != offer.person_id:
        raise PermissionDenied
    if take.delivery_id is not None:
        raise KnowledgeError(KnowledgeErrorCode.NOT_OPEN)
    code = offer.service_code or _check_service(offer.host, service_code)
    if not code:
        raise KnowledgeError(KnowledgeErrorCode.NOT_PAYABLE, field="service_code")
    take.delivery = delivery_record(
        actor=actor,
        scheme=scheme_for(offer.host),
        service_code=code,
        on=on,
        member=take.person,
        quantity=quantity,
        note=offer.title,
    )
    take.save(update_fields=["delivery"])
    audit_record(
        actor=actor,
        action="offer.deliver",
        target=offer,
        host=offer.host,
        data={"delivery": take.delivery_id, "to": take.person_id},
    )
    return take
