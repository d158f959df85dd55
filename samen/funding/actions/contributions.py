"""Contributions: amounts and availability, then start, pay, fail, cancel, added funds."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samen.audit.actions import audit_record
from samen.banking.actions import bank_line_mark_matched
from samen.banking.rules import ogm_with_check_digits
from samen.communities.models import Collective
from samen.funding import notify, providers
from samen.funding.actions._common import _is_collective_admin, _is_host_admin, _signed_in
from samen.funding.actions.refunds import contribution_refund
from samen.funding.actions.sales import buyer_enterprise_number as buyer_enterprise_number_check
from samen.funding.actions.sales import sale_document_issue
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    BankLine,
    Campaign,
    CampaignModel,
    CampaignStatus,
    Contribution,
    ContributionStatus,
    FundingSettings,
    Interval,
    Method,
    RecurringContribution,
    Reward,
    Tier,
)
from samen.ledger.actions import account_for, ledger_post
from samen.ledger.models import AccountPurpose, Transaction, TransactionKind, Unit
from samen.lib.money import EUR, AmountKind, Money, check_amount, format_money

REWARD_HOLD = timedelta(minutes=15)


DEFAULT_MINIMUM = 100


def host_fee_for(collective: Collective, amount: int) -> int:
    """The host's cut of ``amount`` cents at the collective's effective fee, half-up."""
    percent = collective.effective_fee_percent or Decimal(0)
    fee = (Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(fee)


def minimum_amount(collective: Collective) -> int:
    settings = FundingSettings.objects.filter(collective=collective).first()
    return settings.minimum_amount if settings else DEFAULT_MINIMUM


def new_structured_communication() -> str:
    """A random, unused 12-digit OGM/VCS (10 digits + mod-97 check digits).

    Random rather than sequential so that nobody can guess another supporter's payment page
    from their own communication. The first digit is 4 to 9: the invoicing app uses 1
    (invoices), 2 (credit notes) and 3 (credit settlements) on the same bank account, so a
    contribution can never take a communication the bank import would read as a document's.
    """
    while True:
        number = ogm_with_check_digits(str(secrets.randbelow(6_000_000_000) + 4_000_000_000))
        if not Contribution.objects.filter(structured_communication=number).exists():
            return number


def _claimed(qs: Any) -> int:
    """How many of ``qs`` (contributions for one reward or tier) hold a unit right now."""
    now = timezone.now()
    return int(
        qs.filter(
            Q(status=ContributionStatus.PAID)
            | Q(status=ContributionStatus.PENDING, hold_until__isnull=True)
            | Q(status=ContributionStatus.PENDING, hold_until__gt=now)
        ).count()
    )


def reward_remaining(reward: Reward) -> int | None:
    if reward.quantity is None:
        return None
    return max(0, reward.quantity - _claimed(Contribution.objects.filter(reward=reward)))


def tier_remaining(tier: Tier) -> int | None:
    if tier.quantity is None:
        return None
    return max(0, tier.quantity - _claimed(Contribution.objects.filter(tier=tier)))


def _check_amount(
    *,
    collective: Collective,
    amount: int | None,
    tier: Tier | None,
    reward: Reward | None,
) -> int:
    if reward is not None:
        chosen = reward.price if amount is None else amount
        if chosen < reward.price:
            raise _too_low(reward.price)
        return check_amount(chosen, 2, kind=AmountKind.CONTRIBUTION)
    if tier is not None:
        if not tier.amount_is_minimum:
            return tier.amount
        chosen = tier.amount if amount is None else amount
        if chosen < tier.amount:
            raise _too_low(tier.amount)
        return check_amount(chosen, 2, kind=AmountKind.CONTRIBUTION)
    minimum = minimum_amount(collective)
    if amount is None or amount < minimum:
        raise _too_low(minimum)
    return check_amount(amount, 2, kind=AmountKind.CONTRIBUTION)


def _too_low(minimum: int) -> FundingError:
    """The refusal that says the limit, so the person knows what to type at the field."""
    return FundingError(
        FundingErrorCode.AMOUNT_TOO_LOW,
        _("The amount is below the minimum of %(minimum)s.")
        % {"minimum": format_money(Money(minimum, EUR))},
    )


def _next_due(start: date, interval: str) -> date:
    if interval == Interval.YEARLY:
        try:
            return start.replace(year=start.year + 1)
        except ValueError:  # 29 February
            return start.replace(year=start.year + 1, day=28)
    month = start.month % 12 + 1
    year = start.year + (1 if start.month == 12 else 0)
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _locked_campaign(campaign: Campaign, collective: Collective) -> Campaign:
    """The collective's campaign, locked, if it is running now."""
    if campaign.collective_id != collective.pk:
        raise FundingError(FundingErrorCode.CAMPAIGN_CLOSED)
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    now = timezone.now()
    if campaign.status != CampaignStatus.RUNNING or not (
        campaign.starts_at <= now < campaign.deadline
    ):
        raise FundingError(FundingErrorCode.CAMPAIGN_CLOSED)
    return campaign


def _locked_reward(reward: Reward, campaign: Campaign | None) -> Reward:
    """The campaign's reward, locked, if any unit is left. The lock serialises every
    checkout of this reward, so the count is exact."""
    if campaign is None or reward.campaign_id != campaign.pk:
        raise FundingError(FundingErrorCode.CAMPAIGN_CLOSED)
    reward = Reward.objects.select_for_update(of=("self",)).get(pk=reward.pk)
    if reward_remaining(reward) == 0:
        raise FundingError(FundingErrorCode.SOLD_OUT)
    return reward


def _locked_tier(tier: Tier, collective: Collective) -> Tier:
    """The collective's active tier, locked, if any place is left."""
    if tier.collective_id != collective.pk or not tier.is_active:
        raise FundingError(FundingErrorCode.WRONG_STATE)
    tier = Tier.objects.select_for_update(of=("self",)).get(pk=tier.pk)
    if tier_remaining(tier) == 0:
        raise FundingError(FundingErrorCode.SOLD_OUT)
    return tier


def _buyer(reward: Reward | None, enterprise_number: str, address: str) -> dict[str, str]:
    """A purchase's invoicing details: a valid enterprise number (and the address) asks for
    an invoice; only a product or a ticket can have one."""
    number = buyer_enterprise_number_check(enterprise_number)
    if number and (reward is None or not reward.is_sale):
        raise FundingError(FundingErrorCode.INVOICE_ONLY_FOR_PURCHASES)
    return {
        "buyer_enterprise_number": number,
        "buyer_address": address.strip()[:500] if number else "",
    }


@transaction.atomic
def contribution_start(
    *,
    actor: Any,
    collective: Collective,
    method: str,
    amount: int | None = None,
    interval: str = Interval.ONE_TIME,
    tier: Tier | None = None,
    campaign: Campaign | None = None,
    reward: Reward | None = None,
    organisation_name: str = "",
    guest_name: str = "",
    guest_email: str = "",
    is_incognito: bool = False,
    message: str = "",
    language: str = "en",
    buyer_enterprise_number: str = "",
    buyer_address: str = "",
) -> Contribution:
    """A supporter promises a payment; it waits for the bank transfer or Stripe.

    A pledge for a product or a ticket is a purchase: with ``buyer_enterprise_number`` (a
    valid Belgian one, else ``BAD_ENTERPRISE_NUMBER``) it gets a full invoice, without it a
    receipt; a gift cannot ask for an invoice (``INVOICE_ONLY_FOR_PURCHASES``).

    Guests (no account) give once and must leave a name and an e-mail address. A limited
    reward or tier is counted under a row lock so it never oversells: a bank transfer keeps
    its unit until it is paid or cancelled, a card checkout holds it for 15 minutes.
    A monthly or yearly gift also starts its ``RecurringContribution``.
    """
    collective = Collective.objects.select_related("host").get(pk=collective.pk)
    if not collective.can_receive_money:
        raise FundingError(FundingErrorCode.NOT_HOSTED)
    if method == Method.STRIPE and not providers.stripe_enabled():
        raise FundingError(FundingErrorCode.METHOD_UNAVAILABLE)
    if method not in (Method.BANK_TRANSFER, Method.STRIPE):
        raise FundingError(FundingErrorCode.METHOD_UNAVAILABLE)
    guest = not _signed_in(actor)
    if guest:
        if interval != Interval.ONE_TIME:
            raise FundingError(FundingErrorCode.GUEST_ONE_TIME)
        if not guest_name.strip() or not guest_email.strip():
            raise FundingError(FundingErrorCode.GUEST_DETAILS)
    if campaign is not None:
        campaign = _locked_campaign(campaign, collective)
        interval = Interval.ONE_TIME  # a pledge is one payment
    if reward is not None:
        reward = _locked_reward(reward, campaign)
    if tier is not None:
        tier = _locked_tier(tier, collective)
        if tier.interval:
            interval = tier.interval
            if guest and interval != Interval.ONE_TIME:
                raise FundingError(FundingErrorCode.GUEST_ONE_TIME)
    buyer = _buyer(reward, buyer_enterprise_number, buyer_address)
    chosen = _check_amount(collective=collective, amount=amount, tier=tier, reward=reward)
    held = (reward is not None and reward.quantity is not None) or (
        tier is not None and tier.quantity is not None
    )
    recurring = None
    today = timezone.localdate()
    if interval != Interval.ONE_TIME:
        recurring = RecurringContribution.objects.create(
            collective=collective,
            contributor=actor,
            organisation_name=organisation_name.strip(),
            tier=tier,
            amount=chosen,
            interval=interval,
            method=method,
            is_incognito=is_incognito,
            next_due=_next_due(today, interval),
        )
    contribution = Contribution.objects.create(
        collective=collective,
        campaign=campaign,
        reward=reward,
        tier=tier,
        recurring=recurring,
        period=today if recurring else None,
        contributor=None if guest else actor,
        organisation_name=organisation_name.strip()[:140],
        guest_name=guest_name.strip()[:140] if guest else "",
        guest_email=guest_email.strip()[:254] if guest else "",
        language=(language or "en")[:5],
        is_incognito=is_incognito,
        message=message.strip()[:500],
        amount=chosen,
        interval=interval,
        method=method,
        is_pledge=campaign is not None and campaign.model == CampaignModel.ALL_OR_NOTHING,
        structured_communication=(
            new_structured_communication() if method == Method.BANK_TRANSFER else None
        ),
        hold_until=timezone.now() + REWARD_HOLD if held and method == Method.STRIPE else None,
        created_by=None if guest else actor,
        **buyer,
    )
    audit_record(
        actor=actor,
        action="funding.contribution_start",
        target=contribution,
        host=collective.host,
        data={"amount": chosen, "method": method, "interval": interval},
    )
    if method == Method.BANK_TRANSFER:
        notify.payment_instructions(contribution)
    return contribution


def _sealed_description(contribution: Contribution) -> str:
    """The description sealed with a contribution's posting: always in English, so that a
    retry in another language posts the same content; pages translate it at display time
    (``Contribution.ledger_description``)."""
    with translation.override("en"):
        return contribution.describe()[:500]


def _post_contribution(
    contribution: Contribution, *, actor: Any, to_pledges: bool, sales_vat: int = 0
) -> Transaction:
    collective = contribution.collective
    host = collective.host
    eur = Unit.eur()
    gross = contribution.amount
    target = account_for(
        purpose=AccountPurpose.COLLECTIVE_PLEDGES
        if to_pledges
        else AccountPurpose.COLLECTIVE_BALANCE,
        unit=eur,
        collective=collective,
    )
    # Gross in, then each fee out of the collective as its own line, so the collective's
    # public page shows what was given and what the host and the processor took.
    lines = [
        (account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur), -gross),
        (target, gross),
    ]
    if contribution.host_fee:
        lines += [
            (target, -contribution.host_fee),
            (
                account_for(purpose=AccountPurpose.HOST_FEE_INCOME, unit=eur, host=host),
                contribution.host_fee,
            ),
        ]
    if contribution.processor_fee:
        lines += [
            (target, -contribution.processor_fee),
            (
                account_for(purpose=AccountPurpose.PROCESSOR_FEES, unit=eur, host=host),
                contribution.processor_fee,
            ),
        ]
    if sales_vat:  # a purchase: the VAT in its price is the state's, kept by the host
        lines += [
            (target, -sales_vat),
            (account_for(purpose=AccountPurpose.SALES_VAT, unit=eur, host=host), sales_vat),
        ]
    return ledger_post(
        actor=actor if _signed_in(actor) else None,
        kind=TransactionKind.CONTRIBUTION,
        description=_sealed_description(contribution),
        lines=lines,
        idempotency_key=f"funding:contribution:{contribution.pk}",
        # The day the bank booked it, when it came through a statement.
        effective_date=(
            contribution.bank_line.booking_date
            if contribution.bank_line is not None
            else timezone.localdate(contribution.paid_at)
        ),
        cause=contribution,
        counterparty_name=contribution.supporter_name,
        is_public=True,
    )


@transaction.atomic
def contribution_mark_paid(
    *,
    actor: Any,
    contribution: Contribution,
    processor_fee: int = 0,
    bank_line: BankLine | None = None,
    amount: int | None = None,
    stripe_payment_intent: str = "",
    waive_host_fee: bool = False,
) -> Contribution:
    """Record that the money arrived and post it to the ledger, exactly once.

    Idempotent: a contribution already paid is returned unchanged. ``amount`` replaces the
    expected amount when the supporter paid more (or a host admin confirmed what arrived).
    A payment for a campaign that already failed is taken in and refunded at once.
    """
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("collective__host", "campaign", "contributor")
        .get(pk=contribution.pk)
    )
    if contribution.status == ContributionStatus.PAID:
        return contribution
    if contribution.status in (ContributionStatus.REFUNDED, ContributionStatus.DISPUTED):
        raise FundingError(FundingErrorCode.WRONG_STATE)
    if amount is not None:
        contribution.amount = amount
    contribution.processor_fee = min(processor_fee, contribution.amount)
    contribution.host_fee = (
        0
        if waive_host_fee
        else min(
            host_fee_for(contribution.collective, contribution.amount),
            contribution.amount - contribution.processor_fee,
        )
    )
    contribution.status = ContributionStatus.PAID
    contribution.paid_at = timezone.now()
    contribution.hold_until = None
    if stripe_payment_intent:
        contribution.stripe_payment_intent = stripe_payment_intent
    campaign = contribution.campaign
    to_pledges = bool(
        campaign
        and campaign.model == CampaignModel.ALL_OR_NOTHING
        and campaign.status in (CampaignStatus.RUNNING, CampaignStatus.FAILED)
    )
    contribution.is_pledge = to_pledges
    if bank_line is not None:
        contribution.bank_line = bank_line
        contribution.refund_iban = bank_line.counterparty_iban
    sales_vat = sale_document_issue(actor=actor, contribution=contribution)
    txn = _post_contribution(
        contribution, actor=actor, to_pledges=to_pledges, sales_vat=int(sales_vat * 100)
    )
    contribution.ledger_transaction_id = txn.pk
    contribution.save()
    if bank_line is not None:
        bank_line_mark_matched(line=bank_line, target=contribution, actor=actor)
    audit_record(
        actor=actor,
        action="funding.contribution_paid",
        target=contribution,
        host=contribution.collective.host,
        data={
            "amount": contribution.amount,
            "host_fee": contribution.host_fee,
            "processor_fee": contribution.processor_fee,
            "method": contribution.method,
        },
    )
    notify.receipt(contribution)
    if campaign is not None and campaign.status == CampaignStatus.FAILED and to_pledges:
        contribution_refund(
            actor=None,
            contribution=contribution,
            reason=_("The campaign did not reach its goal."),
            cover=False,
        )
        contribution.refresh_from_db()
    return contribution


@transaction.atomic
def contribution_fail(*, actor: Any, contribution: Contribution, reason: str = "") -> Contribution:
    """A payment that will not come (card declined, checkout expired): release its hold."""
    contribution = Contribution.objects.select_for_update(of=("self",)).get(pk=contribution.pk)
    if contribution.status != ContributionStatus.PENDING:
        return contribution
    contribution.status = ContributionStatus.FAILED
    contribution.hold_until = None
    contribution.reason = reason[:280]
    contribution.save(update_fields=["status", "hold_until", "reason"])
    audit_record(
        actor=actor,
        action="funding.contribution_fail",
        target=contribution,
        host=contribution.collective.host,
        data={"reason": reason[:200]},
    )
    return contribution


@transaction.atomic
def contribution_cancel(
    *, actor: Any, contribution: Contribution, token_holder: bool = False
) -> Contribution:
    """The supporter (or an admin) withdraws an unpaid promise; its reward unit is freed.

    ``token_holder``: the request came with the contribution's secret token, which is a
    guest's only key; it is enough for a guest's contribution, not for a person's.
    """
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("collective__host")
        .get(pk=contribution.pk)
    )
    signed_in = _signed_in(actor)
    allowed = (
        (actor is None and not token_holder)
        or (token_holder and contribution.contributor_id is None)
        or (
            signed_in
            and contribution.contributor_id
            and contribution.contributor_id == getattr(actor, "pk", None)
        )
        or _is_collective_admin(actor, contribution.collective)
        or _is_host_admin(actor, contribution.collective)
    )
    if not allowed:
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if contribution.status != ContributionStatus.PENDING:
        raise FundingError(FundingErrorCode.WRONG_STATE)
    contribution.status = ContributionStatus.CANCELLED
    contribution.hold_until = None
    contribution.save(update_fields=["status", "hold_until"])
    audit_record(
        actor=actor,
        action="funding.contribution_cancel",
        target=contribution,
        host=contribution.collective.host,
    )
    return contribution


@transaction.atomic
def added_funds_create(
    *,
    actor: Any,
    collective: Collective,
    amount: int,
    source_name: str,
    reason: str,
    apply_host_fee: bool = True,
) -> Contribution:
    """A host admin records money the host received another way (cash, an outside grant)."""
    collective = Collective.objects.select_related("host").get(pk=collective.pk)
    if not _is_host_admin(actor, collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if not collective.can_receive_money:
        raise FundingError(FundingErrorCode.NOT_HOSTED)
    if not reason.strip():
        raise FundingError(FundingErrorCode.REASON_REQUIRED)
    if amount <= 0:
        raise FundingError(FundingErrorCode.AMOUNT_TOO_LOW)
    check_amount(amount, 2, kind=AmountKind.ADDED_FUNDS)
    contribution = Contribution.objects.create(
        collective=collective,
        guest_name=source_name.strip()[:140],
        amount=amount,
        method=Method.ADDED_FUNDS,
        reason=reason.strip()[:280],
        created_by=actor,
        language=getattr(actor, "language", "en") or "en",
    )
    audit_record(
        actor=actor,
        action="funding.added_funds",
        target=contribution,
        host=collective.host,
        data={"amount": amount, "reason": reason[:200]},
    )
    return contribution_mark_paid(
        actor=actor, contribution=contribution, waive_host_fee=not apply_host_fee
    )
