"""Funding test helpers: plain functions calling the actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from samen.funding import actions
from samen.funding.models import Campaign, CampaignModel, Contribution, Method, Reward
from samen.ledger.actions import account_for
from samen.ledger.models import AccountPurpose, Unit
from samen.ledger.queries import balance


def give_by_bank(
    collective: Any, amount: int | None = None, actor: Any = None, **kwargs: Any
) -> Contribution:
    """A bank-transfer promise; 25 EUR by default, or the reward's price."""
    if amount is None and kwargs.get("reward") is None:
        amount = 2500
    extra: dict[str, Any] = {}
    if actor is None:
        extra = {"guest_name": "Dries Peeters", "guest_email": "dries.guest@example.org"}
        extra.update({k: kwargs.pop(k) for k in ("guest_name", "guest_email") if k in kwargs})
    return actions.contribution_start(
        actor=actor,
        collective=collective,
        method=Method.BANK_TRANSFER,
        amount=amount,
        **extra,
        **kwargs,
    )


def make_campaign(
    community: Any,
    *,
    goal: int = 10_000,
    model: str = CampaignModel.ALL_OR_NOTHING,
    days: int = 30,
    slug: str = "brew-one",
) -> Campaign:
    return actions.campaign_create(
        actor=community.bram,
        collective=community.collective,
        title="First brew",
        slug=slug,
        goal_amount=goal,
        model=model,
        deadline=timezone.now() + timedelta(days=days),
        story="We brew our first **saison**.",
    )


def make_reward(
    community: Any,
    campaign: Campaign,
    *,
    price: int = 2500,
    quantity: int | None = None,
    title: str = "Six-pack",
) -> Reward:
    return actions.reward_save(
        actor=community.bram, campaign=campaign, title=title, price=price, quantity=quantity
    )


def end_campaign(campaign: Campaign) -> None:
    """Move the deadline into the past (as time passing would)."""
    Campaign.objects.filter(pk=campaign.pk).update(
        deadline=timezone.now() - timedelta(seconds=1),
        starts_at=timezone.now() - timedelta(days=40),
    )
    campaign.refresh_from_db()


def collective_balance(collective: Any) -> int:
    return balance(
        account_for(
            purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=Unit.eur(), collective=collective
        )
    )


def collective_pledges(collective: Any) -> int:
    return balance(
        account_for(
            purpose=AccountPurpose.COLLECTIVE_PLEDGES, unit=Unit.eur(), collective=collective
        )
    )


def host_fee_income(host: Any) -> int:
    return balance(account_for(purpose=AccountPurpose.HOST_FEE_INCOME, unit=Unit.eur(), host=host))
