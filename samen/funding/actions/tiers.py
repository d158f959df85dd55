"""Tiers: the amounts a collective offers its supporters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from samen.audit.actions import audit_record
from samen.communities.models import Collective
from samen.funding.actions._common import _is_collective_admin
from samen.funding.actions.contributions import minimum_amount
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import Tier, TierKind
from samen.lib.money import AmountKind, check_amount


@transaction.atomic
def tier_save(
    *,
    actor: Any,
    collective: Collective,
    name: str,
    amount: int,
    kind: str = TierKind.DONATION,
    description: str = "",
    amount_is_minimum: bool = False,
    interval: str = "",
    quantity: int | None = None,
    translations: Mapping[str, str] | None = None,
) -> Tier:
    """A collective admin adds a tier (or updates it, by name), with its texts per language
    in ``translations`` (``name_fr``, ...)."""
    if not _is_collective_admin(actor, collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if amount < minimum_amount(collective):
        raise FundingError(FundingErrorCode.AMOUNT_TOO_LOW)
    check_amount(amount, 2, kind=AmountKind.PRICE)
    tier, _created = Tier.objects.update_or_create(
        collective=collective,
        name=name.strip()[:80],
        defaults={
            "amount": amount,
            "kind": kind,
            "description": description,
            "amount_is_minimum": amount_is_minimum,
            "interval": interval,
            "quantity": quantity,
            "is_active": True,
            **(translations or {}),
        },
    )
    audit_record(
        actor=actor,
        action="funding.tier_save",
        target=tier,
        host=collective.host,
        data={"amount": amount, "quantity": quantity},
    )
    return tier


@transaction.atomic
def tier_deactivate(*, actor: Any, tier: Tier) -> Tier:
    """Stop offering a tier; past contributions keep it."""
    if not _is_collective_admin(actor, tier.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    Tier.objects.filter(pk=tier.pk).update(is_active=False)
    tier.refresh_from_db()
    audit_record(
        actor=actor, action="funding.tier_deactivate", target=tier, host=tier.collective.host
    )
    return tier
