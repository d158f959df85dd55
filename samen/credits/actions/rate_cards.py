"""Rate cards: the versioned list of services and what each is worth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from samen.audit.actions import audit_record
from samen.credits.actions._common import _require_admin
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import Counterparty, CreditScheme, Direction, RateCard, Service


@dataclass(frozen=True)
class ServiceInput:
    """One service of a rate card version; ``value`` is in the unit's smallest step. A name
    in any one language is enough (``name_en`` may be "")."""

    code: str
    name_en: str
    direction: str
    value: int
    counterparty: str = Counterparty.HOST
    name_nl: str = ""
    name_fr: str = ""
    description_en: str = ""
    description_nl: str = ""
    description_fr: str = ""

    @property
    def original_name(self) -> str:
        """The name in the first language written, English first; "" when none is."""
        return _first_written(self.name_en, self.name_nl, self.name_fr)

    @property
    def original_description(self) -> str:
        return _first_written(self.description_en, self.description_nl, self.description_fr)


def _first_written(*texts: str) -> str:
    return next((text.strip() for text in texts if text and text.strip()), "")


@transaction.atomic
def rate_card_publish(
    *,
    actor: Any,
    scheme: CreditScheme,
    valid_from: dt.date,
    services: Sequence[ServiceInput],
) -> RateCard:
    """Publish a new version of the rate card, in force from ``valid_from`` on."""
    _require_admin(actor, scheme.host)
    if not services:
        raise CreditsError(CreditsErrorCode.INVALID, _("A rate card needs at least one service."))
    codes = [s.code for s in services]
    if len(set(codes)) != len(codes):
        raise CreditsError(CreditsErrorCode.INVALID, _("Each service needs its own code."))
    for service in services:
        if not service.original_name:
            raise CreditsError(
                CreditsErrorCode.INVALID,
                _("Give the service a name in at least one language."),
            )
        if service.value <= 0 or service.direction not in Direction.values:
            raise CreditsError(CreditsErrorCode.INVALID)
        if service.counterparty == Counterparty.MEMBER and service.direction != Direction.EARNS:
            raise CreditsError(
                CreditsErrorCode.INVALID,
                _("A service between members earns for the giver and costs the receiver."),
            )
    locked = CreditScheme.objects.select_for_update().get(pk=scheme.pk)
    if RateCard.objects.filter(scheme=locked, valid_from=valid_from).exists():
        raise CreditsError(
            CreditsErrorCode.INVALID, _("A rate card version already starts on that date.")
        )
    last = RateCard.objects.filter(scheme=locked).order_by("-version").first()
    card = RateCard.objects.create(
        scheme=locked,
        version=(last.version + 1) if last else 1,
        valid_from=valid_from,
        created_by=actor,
    )
    Service.objects.bulk_create(
        Service(
            rate_card=card,
            position=position,
            code=s.code,
            # The original columns hold the text in the first language written (English
            # when there is one: modeltranslation's default language); the per-language
            # columns are what readers get, with fallbacks.
            name=s.original_name,
            description=s.original_description,
            name_en=s.name_en,
            name_nl=s.name_nl,
            name_fr=s.name_fr,
            description_en=s.description_en,
            description_nl=s.description_nl,
            description_fr=s.description_fr,
            direction=s.direction,
            counterparty=s.counterparty,
            value=s.value,
        )
        for position, s in enumerate(services)
    )
    audit_record(
        actor=actor,
        action="credits.rate_card_publish",
        target=card,
        host=scheme.host,
        data={"version": card.version, "valid_from": valid_from.isoformat(), "services": codes},
    )
    return card


def rate_card_on(scheme: CreditScheme, on: dt.date) -> RateCard:
    card = (
        RateCard.objects.filter(scheme=scheme, valid_from__lte=on).order_by("-valid_from").first()
    )
    if card is None:
        raise CreditsError(CreditsErrorCode.NO_RATE_CARD)
    return card


def service_on(scheme: CreditScheme, code: str, on: dt.date) -> Service:
    """The service ``code`` as priced by the rate card in force on ``on``."""
    service = Service.objects.filter(rate_card=rate_card_on(scheme, on), code=code).first()
    if service is None:
        raise CreditsError(CreditsErrorCode.UNKNOWN_SERVICE)
    return service
