"""Every write of money in: contributions, payments, refunds, campaigns, recurring gifts.

A paid contribution is posted to the ledger as one balanced transaction (idempotency key
``funding:contribution:<id>``): the outside world pays the gross amount, the collective
(its balance, or its pledges account for an all-or-nothing campaign) receives it net of the
host fee and the processor fee, which go to the host's fee income and processor fees
accounts. A refund is the ledger reversal of that transaction.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from samen.audit.actions import audit_record
from samen.audit.models import AuditEntry
from samen.communities import queries as community_queries
from samen.communities.models import Collective, Host
from samen.funding import notify, providers
from samen.funding.bank import bank_line_mark_matched, register_line_matcher
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    BankLine,
    Campaign,
    CampaignModel,
    CampaignStatus,
    CampaignUpdate,
    Contribution,
    ContributionStatus,
    FundingSettings,
    GoalType,
    Interval,
    LineStatus,
    MatchingPledge,
    Method,
    RecurringContribution,
    RecurringStatus,
    Reward,
    Tier,
    TierKind,
)
from samen.ledger.actions import account_for, counterparty_erase, ledger_post, ledger_reverse
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import AccountPurpose, Transaction, TransactionKind, Unit
from samen.ledger.queries import balance
from samen.lib.tasks import task_records_forget

logger = logging.getLogger(__name__)

REWARD_HOLD = timedelta(minutes=15)
COLLECTIVE_REFUND_WINDOW = timedelta(days=30)
DEFAULT_MINIMUM = 100
RECURRING_MAX_FAILURES = 3


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _is_host_admin(user: Any, collective: Collective) -> bool:
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or community_queries.is_host_admin(user, collective.host)


def _is_collective_admin(user: Any, collective: Collective) -> bool:
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or community_queries.is_collective_admin(user, collective)


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
    from stdnum.be import ogm_vcs

    while True:
        base = str(secrets.randbelow(6_000_000_000) + 4_000_000_000)
        number = base + ogm_vcs.calc_check_digits(base)
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
            raise FundingError(FundingErrorCode.AMOUNT_TOO_LOW)
        return chosen
    if tier is not None:
        if not tier.amount_is_minimum:
            return tier.amount
        chosen = tier.amount if amount is None else amount
        if chosen < tier.amount:
            raise FundingError(FundingErrorCode.AMOUNT_TOO_LOW)
        return chosen
    if amount is None or amount < minimum_amount(collective):
        raise FundingError(FundingErrorCode.AMOUNT_TOO_LOW)
    return amount


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
) -> Contribution:
    """A supporter promises a payment; it waits for the bank transfer or Stripe.

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
        if campaign.collective_id != collective.pk:
            raise FundingError(FundingErrorCode.CAMPAIGN_CLOSED)
        campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
        now = timezone.now()
        if campaign.status != CampaignStatus.RUNNING or not (
            campaign.starts_at <= now < campaign.deadline
        ):
            raise FundingError(FundingErrorCode.CAMPAIGN_CLOSED)
        interval = Interval.ONE_TIME  # a pledge is one payment
    if reward is not None:
        if campaign is None or reward.campaign_id != campaign.pk:
            raise FundingError(FundingErrorCode.CAMPAIGN_CLOSED)
        # The lock serialises every checkout of this reward, so the count below is exact.
        reward = Reward.objects.select_for_update(of=("self",)).get(pk=reward.pk)
        if reward_remaining(reward) == 0:
            raise FundingError(FundingErrorCode.SOLD_OUT)
    if tier is not None:
        if tier.collective_id != collective.pk or not tier.is_active:
            raise FundingError(FundingErrorCode.WRONG_STATE)
        tier = Tier.objects.select_for_update(of=("self",)).get(pk=tier.pk)
        if tier_remaining(tier) == 0:
            raise FundingError(FundingErrorCode.SOLD_OUT)
        if tier.interval:
            interval = tier.interval
            if guest and interval != Interval.ONE_TIME:
                raise FundingError(FundingErrorCode.GUEST_ONE_TIME)
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


def _post_contribution(contribution: Contribution, *, actor: Any, to_pledges: bool) -> Transaction:
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
    txn = _post_contribution(contribution, actor=actor, to_pledges=to_pledges)
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


def _cover_shortfall(*, actor: Any, contribution: Contribution, txn: Transaction) -> None:
    """The host tops up the collective so that the reversal of ``txn`` stays above zero."""
    eur = Unit.eur()
    received: dict[int, int] = {}
    accounts = {}
    for entry in txn.entries.select_related("account"):
        received[entry.account_id] = received.get(entry.account_id, 0) + entry.amount
        accounts[entry.account_id] = entry.account
    for account_id, amount in received.items():
        account = accounts[account_id]
        if amount <= 0 or account.floor is None:
            continue
        shortfall = account.floor - (balance(account) - amount)
        if shortfall <= 0:
            continue
        ledger_post(
            actor=actor if _signed_in(actor) else None,
            kind=TransactionKind.ADJUSTMENT,
            # English and nameless: the name goes beside the row, where erasure can reach it.
            description="The host covers a refund",
            counterparty_name=contribution.supporter_name,
            lines=[
                (
                    account_for(
                        purpose=AccountPurpose.ADJUSTMENTS,
                        unit=eur,
                        host=contribution.collective.host,
                    ),
                    -shortfall,
                ),
                (account, shortfall),
            ],
            idempotency_key=f"funding:refund-cover:{contribution.pk}:{account.pk}",
            cause=contribution,
        )


@transaction.atomic
def contribution_refund(
    *,
    actor: Any,
    contribution: Contribution,
    reason: str,
    cover: bool = False,
    by_provider: bool = False,
    status: str = ContributionStatus.REFUNDED,
) -> Contribution:
    """Give a paid contribution back: the ledger reversal of its posting.

    Collective admins may refund within 30 days of payment, host admins at any time, and the
    system (``actor=None``: failed campaigns, Stripe refunds and disputes) always. Refused
    when it would take the collective below zero, unless a host admin asks to ``cover`` it
    (the host's adjustments account tops the collective up first). A card payment is
    refunded through Stripe unless Stripe told us (``by_provider``); a bank transfer is put
    on the host's SEPA refund list.
    """
    reason = (reason or "").strip()
    if not reason:
        raise FundingError(FundingErrorCode.REASON_REQUIRED)
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("collective__host", "contributor")
        .get(pk=contribution.pk)
    )
    if contribution.status != ContributionStatus.PAID or contribution.ledger_transaction_id is None:
        raise FundingError(FundingErrorCode.NOT_PAID)
    collective = contribution.collective
    host_admin = _is_host_admin(actor, collective)
    if actor is not None and not host_admin:
        if not _is_collective_admin(actor, collective):
            raise FundingError(FundingErrorCode.NOT_ALLOWED)
        assert contribution.paid_at is not None
        if timezone.now() - contribution.paid_at > COLLECTIVE_REFUND_WINDOW:
            raise FundingError(FundingErrorCode.REFUND_TOO_LATE)
    if cover and actor is not None and not host_admin:
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    txn = Transaction.objects.get(pk=contribution.ledger_transaction_id)
    key = f"funding:refund:{contribution.pk}"
    try:
        reversal = ledger_reverse(
            actor=actor if _signed_in(actor) else None,
            transaction=txn,
            reason=reason[:500],
            idempotency_key=key,
        )
    except LedgerError as exc:
        if exc.code != LedgerErrorCode.FLOOR_BREACHED:
            raise
        if not cover:
            raise FundingError(FundingErrorCode.INSUFFICIENT_BALANCE) from exc
        _cover_shortfall(actor=actor, contribution=contribution, txn=txn)
        reversal = ledger_reverse(
            actor=actor if _signed_in(actor) else None,
            transaction=txn,
            reason=reason[:500],
            idempotency_key=key,
        )
    if (
        contribution.method == Method.STRIPE
        and not by_provider
        and contribution.stripe_payment_intent
    ):
        providers.refund_create(
            payment_intent=contribution.stripe_payment_intent,
            amount=contribution.amount,
            idempotency_key=key,
        )
    contribution.status = status
    contribution.refunded_at = timezone.now()
    contribution.refund_transaction_id = reversal.pk
    contribution.reason = reason[:280]
    contribution.save()
    audit_record(
        actor=actor,
        action="funding.contribution_refund",
        target=contribution,
        host=collective.host,
        data={"reason": reason[:200], "covered": cover, "amount": contribution.amount},
    )
    notify.refunded(contribution)
    return contribution


@transaction.atomic
def refund_mark_executed(*, actor: Any, contribution: Contribution) -> Contribution:
    """A host admin paid a bank-transfer refund out of the bank account."""
    if not _is_host_admin(actor, contribution.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    Contribution.objects.filter(pk=contribution.pk, refund_executed_at__isnull=True).update(
        refund_executed_at=timezone.now()
    )
    # An erased guest's account was kept only to pay this refund; the bank statement holds it.
    Contribution.objects.filter(pk=contribution.pk, guest_erased_at__isnull=False).update(
        refund_iban=""
    )
    contribution.refresh_from_db()
    audit_record(
        actor=actor,
        action="funding.refund_executed",
        target=contribution,
        host=contribution.collective.host,
    )
    return contribution


# Guests' data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuestErasure:
    """What ``guest_erase`` did: how many contributions and ledger transactions it touched."""

    contributions: int
    ledger_transactions: int


def _guest_digest(email: str) -> str:
    """A keyed hash of a guest's address, for the audit log: it lets a host check a later
    request against an earlier one, but nobody without the secret key can test addresses
    against it."""
    return salted_hmac("samen.funding.guest_erase", email.strip().lower()).hexdigest()


@transaction.atomic
def guest_erase(*, actor: Any, host: Host, email: str) -> GuestErasure:
    """Erase, at their request, what a host's collectives hold about a guest supporter (one
    who gave with a name and an e-mail address, without an account).

    Their contributions to the host's collectives keep amounts, dates, fees and payment
    references (accounting records, kept 7 years) but lose the name (shown as "Erased
    guest" to the host and the team, "Anonymous" in public), the e-mail address and the
    public message, and become incognito; unpaid promises are cancelled; a refund already
    paid out forgets the account it was paid to (the bank statement holds it). Their name
    leaves the public ledger rows of those contributions and their refunds (the sealed
    commitments stay, so every seal still verifies). Host admins only. The audit row holds
    a keyed hash of the address, never the address.
    """
    if not _signed_in(actor) or not (
        actor.is_superuser or community_queries.is_host_admin(actor, host)
    ):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    address = email.strip()
    digest = _guest_digest(address)
    ids = sorted(
        Contribution.objects.filter(
            collective__host=host, contributor__isnull=True, guest_email__iexact=address
        ).values_list("pk", flat=True)
        if address
        else []
    )
    if not ids:
        earlier = AuditEntry.objects.filter(
            action="funding.guest_erase", host=host, data__email_hmac=digest
        )
        if address and earlier.exists():
            raise FundingError(FundingErrorCode.GUEST_ALREADY_ERASED)
        raise FundingError(FundingErrorCode.GUEST_NOT_FOUND)
    # The row locks first: a payment or refund being posted right now holds them, so its
    # ledger row exists when the names are erased below.
    locked = list(Contribution.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    Contribution.objects.filter(pk__in=ids, status=ContributionStatus.PENDING).update(
        status=ContributionStatus.CANCELLED, hold_until=None
    )
    Contribution.objects.filter(pk__in=ids).update(
        guest_name="",
        guest_email="",
        message="",
        is_incognito=True,
        guest_erased_at=timezone.now(),
    )
    Contribution.objects.filter(pk__in=ids, refund_executed_at__isnull=False).update(refund_iban="")
    erased = counterparty_erase(actor=actor, causes=locked)
    task_records_forget(address)
    audit_record(
        actor=actor,
        action="funding.guest_erase",
        host=host,
        data={"email_hmac": digest, "contributions": ids, "ledger_transactions": erased},
    )
    return GuestErasure(contributions=len(ids), ledger_transactions=len(erased))


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
) -> Tier:
    """A collective admin adds a tier (or updates it, by name)."""
    if not _is_collective_admin(actor, collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if amount < minimum_amount(collective):
        raise FundingError(FundingErrorCode.AMOUNT_TOO_LOW)
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


# Bank matching -------------------------------------------------------------------------------


def match_incoming_by_communication(line: BankLine) -> bool:
    """Matcher for incoming lines: the structured communication names the contribution.

    Overpayment is accepted as a bigger gift; underpayment is left for a host admin, who
    sees it among the suggestions.
    """
    if line.amount <= 0 or not line.structured_communication:
        return False
    contribution = (
        Contribution.objects.filter(
            structured_communication=line.structured_communication,
            collective__host_id=line.host_id,
            method=Method.BANK_TRANSFER,
        )
        .exclude(
            status__in=[
                ContributionStatus.PAID,
                ContributionStatus.REFUNDED,
                ContributionStatus.DISPUTED,
            ]
        )
        .first()
    )
    if contribution is None or line.amount < contribution.amount:
        return False
    contribution_mark_paid(
        actor=None, contribution=contribution, bank_line=line, amount=line.amount
    )
    return True


register_line_matcher(match_incoming_by_communication)


@transaction.atomic
def contribution_confirm_bank_line(
    *, actor: Any, line: BankLine, contribution: Contribution
) -> Contribution:
    """A host admin says an unmatched line pays ``contribution`` (the amount that arrived)."""
    line = BankLine.objects.select_for_update(of=("self",)).get(pk=line.pk)
    contribution = Contribution.objects.select_related("collective__host").get(pk=contribution.pk)
    if not _is_host_admin(actor, contribution.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if (
        line.status != LineStatus.UNMATCHED
        or line.amount <= 0
        or line.host_id != contribution.collective.host_id
        or contribution.method != Method.BANK_TRANSFER
        or contribution.status == ContributionStatus.PAID
    ):
        raise FundingError(FundingErrorCode.WRONG_STATE)
    return contribution_mark_paid(
        actor=actor, contribution=contribution, bank_line=line, amount=line.amount
    )


# Campaigns -----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    collective: Collective,
    title: str,
    slug: str,
    deadline: Any,
    goal_type: str = GoalType.MONEY,
    goal_amount: int = 0,
    goal_count: int = 0,
    model: str = CampaignModel.ALL_OR_NOTHING,
    summary: str = "",
    story: str = "",
    video_url: str = "",
    starts_at: Any = None,
    image: Any = None,
) -> Campaign:
    """A collective admin opens a crowdfunding campaign; its address is unique per collective.

    ``image`` is an upload; it is decoded, shrunk and re-encoded (no EXIF) before it is kept.
    """
    if not _is_collective_admin(actor, collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if not collective.can_receive_money:
        raise FundingError(FundingErrorCode.NOT_HOSTED)
    starts_at = starts_at or timezone.now()
    if deadline <= starts_at:
        raise FundingError(FundingErrorCode.WRONG_STATE, _("The deadline must be in the future."))
    if Campaign.objects.filter(collective=collective, slug=slug).exists():
        raise FundingError(FundingErrorCode.SLUG_TAKEN)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                collective=collective,
                slug=slug,
                title=title,
                summary=summary,
                story=story,
                video_url=video_url,
                goal_type=goal_type,
                goal_amount=goal_amount,
                goal_count=goal_count,
                model=model,
                starts_at=starts_at,
                deadline=deadline,
            )
    except IntegrityError as exc:  # the same address created at the same moment
        raise FundingError(FundingErrorCode.SLUG_TAKEN) from exc
    if image is not None:
        from samen.communities.errors import CommunityError
        from samen.communities.validation import process_image

        try:
            campaign.image = process_image(image, size=(1600, 900), name="image")
        except CommunityError as exc:
            raise FundingError(FundingErrorCode.INVALID_IMAGE) from exc
        campaign.save(update_fields=["image"])
    audit_record(
        actor=actor,
        action="funding.campaign_create",
        target=campaign,
        host=collective.host,
        data={"goal_amount": goal_amount, "model": model},
    )
    return campaign


@transaction.atomic
def reward_save(
    *,
    actor: Any,
    campaign: Campaign,
    title: str,
    price: int,
    description: str = "",
    quantity: int | None = None,
    estimated_delivery: date | None = None,
    position: int = 0,
) -> Reward:
    """A collective admin adds (or updates, by title) a reward."""
    if not _is_collective_admin(actor, campaign.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    reward, _created = Reward.objects.update_or_create(
        campaign=campaign,
        title=title,
        defaults={
            "price": price,
            "description": description,
            "quantity": quantity,
            "estimated_delivery": estimated_delivery,
            "position": position,
        },
    )
    audit_record(
        actor=actor,
        action="funding.reward_save",
        target=reward,
        host=campaign.collective.host,
        data={"price": price, "quantity": quantity},
    )
    return reward


@transaction.atomic
def campaign_update_publish(
    *, actor: Any, campaign: Campaign, title: str, body: str
) -> CampaignUpdate:
    """The team posts news; every backer gets it by e-mail."""
    if not _is_collective_admin(actor, campaign.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    update = CampaignUpdate.objects.create(
        campaign=campaign, title=title.strip()[:140], body=body, author=actor
    )
    audit_record(
        actor=actor, action="funding.campaign_update", target=update, host=campaign.collective.host
    )
    notify.campaign_update(update)
    return update


@transaction.atomic
def matching_pledge_add(
    *,
    actor: Any,
    campaign: Campaign,
    sponsor_name: str,
    factor: Decimal,
    total_cap: int,
    cap_per_donation: int | None = None,
) -> MatchingPledge:
    """A host admin records an organisation's promise to multiply donations."""
    if not _is_host_admin(actor, campaign.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    pledge = MatchingPledge.objects.create(
        campaign=campaign,
        sponsor_name=sponsor_name,
        factor=factor,
        total_cap=total_cap,
        cap_per_donation=cap_per_donation,
    )
    audit_record(
        actor=actor,
        action="funding.matching_add",
        target=pledge,
        host=campaign.collective.host,
        data={"factor": str(factor), "cap": total_cap},
    )
    return pledge


def matched_amount(pledge: MatchingPledge) -> int:
    """What ``pledge`` owes for the campaign's paid donations (matchfunding excluded)."""
    total = 0
    paid = Contribution.objects.filter(
        campaign_id=pledge.campaign_id, status=ContributionStatus.PAID
    ).exclude(method=Method.MATCHING)
    for amount in paid.values_list("amount", flat=True):
        share = (Decimal(amount) * pledge.factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if pledge.cap_per_donation is not None:
            share = min(share, Decimal(pledge.cap_per_donation))
        total += int(share)
    return min(total, pledge.total_cap)


def campaign_raised(campaign: Campaign) -> int:
    total = Contribution.objects.filter(
        campaign=campaign, status=ContributionStatus.PAID
    ).aggregate(t=Sum("amount"))["t"]
    return int(total or 0)


def campaign_goal_met(campaign: Campaign) -> bool:
    if campaign.goal_type == GoalType.PREORDERS:
        count = Contribution.objects.filter(
            campaign=campaign, status=ContributionStatus.PAID, reward__isnull=False
        ).count()
        return count >= campaign.goal_count
    pledges = sum(matched_amount(p) for p in campaign.matching.all())
    return campaign_raised(campaign) + pledges >= campaign.goal_amount


@transaction.atomic
def campaign_settle(*, actor: Any, campaign: Campaign) -> Campaign:
    """After the deadline: funded or not. Idempotent; run by the scheduler.

    Funded: all-or-nothing pledges move from the pledges account to the balance (one
    TRANSFER), matchfunding is posted. Not funded: all-or-nothing pledges are refunded
    (cards through Stripe, bank transfers onto the host's SEPA refund list) and unpaid
    promises are cancelled.
    """
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("collective__host")
        .get(pk=campaign.pk)
    )
    if campaign.status != CampaignStatus.RUNNING:
        return campaign
    if timezone.now() < campaign.deadline:
        raise FundingError(FundingErrorCode.WRONG_STATE, _("The campaign is still running."))
    succeeded = campaign_goal_met(campaign)
    campaign.status = CampaignStatus.SUCCEEDED if succeeded else CampaignStatus.FAILED
    campaign.settled_at = timezone.now()
    campaign.save(update_fields=["status", "settled_at"])
    collective = campaign.collective
    pledges = Contribution.objects.filter(
        campaign=campaign, status=ContributionStatus.PAID, is_pledge=True
    )
    if succeeded:
        if campaign.is_all_or_nothing:
            net = sum(c.amount - c.host_fee - c.processor_fee for c in pledges)
            if net:
                eur = Unit.eur()
                ledger_post(
                    actor=actor if _signed_in(actor) else None,
                    kind=TransactionKind.TRANSFER,
                    description=f"{campaign.title} reached its goal: pledges released",
                    lines=[
                        (
                            account_for(
                                purpose=AccountPurpose.COLLECTIVE_PLEDGES,
                                unit=eur,
                                collective=collective,
                            ),
                            -net,
                        ),
                        (
                            account_for(
                                purpose=AccountPurpose.COLLECTIVE_BALANCE,
                                unit=eur,
                                collective=collective,
                            ),
                            net,
                        ),
                    ],
                    idempotency_key=f"funding:campaign:{campaign.pk}:release",
                    cause=campaign,
                )
            pledges.update(is_pledge=False)
        for pledge in campaign.matching.filter(posted_contribution__isnull=True):
            matched = matched_amount(pledge)
            if matched <= 0:
                continue
            contribution = Contribution.objects.create(
                collective=collective,
                campaign=campaign,
                guest_name=pledge.sponsor_name,
                amount=matched,
                method=Method.MATCHING,
                reason=_("Matchfunding for %(campaign)s") % {"campaign": campaign.title},
            )
            contribution_mark_paid(actor=actor, contribution=contribution)
            pledge.posted_contribution = contribution
            pledge.save(update_fields=["posted_contribution"])
    else:
        if campaign.is_all_or_nothing:
            for contribution in pledges:
                contribution_refund(
                    actor=None,
                    contribution=contribution,
                    reason=_("%(campaign)s did not reach its goal.") % {"campaign": campaign.title},
                )
        Contribution.objects.filter(campaign=campaign, status=ContributionStatus.PENDING).update(
            status=ContributionStatus.CANCELLED, hold_until=None
        )
    audit_record(
        actor=actor,
        action="funding.campaign_settle",
        target=campaign,
        host=collective.host,
        data={"status": campaign.status},
    )
    notify.campaign_settled(campaign)
    return campaign


def campaigns_settle_due() -> int:
    """Settle every running campaign past its deadline; returns how many were settled."""
    count = 0
    due = Campaign.objects.filter(status=CampaignStatus.RUNNING, deadline__lte=timezone.now())
    for campaign in due.order_by("pk"):
        campaign_settle(actor=None, campaign=campaign)
        count += 1
    return count


@transaction.atomic
def reward_mark_delivered(
    *, actor: Any, contribution: Contribution, delivered: bool = True
) -> Contribution:
    """The team marks a backer's reward as delivered (or not yet)."""
    if not _is_collective_admin(actor, contribution.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    contribution.delivered_at = timezone.now() if delivered else None
    contribution.save(update_fields=["delivered_at"])
    audit_record(
        actor=actor,
        action="funding.reward_delivered",
        target=contribution,
        host=contribution.collective.host,
        data={"delivered": delivered},
    )
    return contribution


# Recurring contributions ---------------------------------------------------------------------


def _may_manage_recurring(actor: Any, recurring: RecurringContribution) -> bool:
    return bool(
        _signed_in(actor)
        and (
            recurring.contributor_id == actor.pk
            or _is_collective_admin(actor, recurring.collective)
            or _is_host_admin(actor, recurring.collective)
        )
    )


@transaction.atomic
def recurring_update(
    *,
    actor: Any,
    recurring: RecurringContribution,
    status: str | None = None,
    amount: int | None = None,
) -> RecurringContribution:
    """Pause, resume, change the amount (the supporter) or cancel (also admins)."""
    recurring = (
        RecurringContribution.objects.select_for_update(of=("self",))
        .select_related("collective__host")
        .get(pk=recurring.pk)
    )
    if not _may_manage_recurring(actor, recurring):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    is_owner = recurring.contributor_id == actor.pk
    if recurring.status == RecurringStatus.CANCELLED:
        raise FundingError(FundingErrorCode.WRONG_STATE)
    if status is not None:
        if status != RecurringStatus.CANCELLED and not is_owner:
            raise FundingError(FundingErrorCode.NOT_ALLOWED)
        recurring.status = status
        if status == RecurringStatus.ACTIVE:
            recurring.failures = 0
            recurring.next_due = max(recurring.next_due, timezone.localdate())
    if amount is not None:
        if not is_owner:
            raise FundingError(FundingErrorCode.NOT_ALLOWED)
        if amount < minimum_amount(recurring.collective):
            raise FundingError(FundingErrorCode.AMOUNT_TOO_LOW)
        recurring.amount = amount
    recurring.save()
    audit_record(
        actor=actor,
        action="funding.recurring_update",
        target=recurring,
        host=recurring.collective.host,
        data={"status": recurring.status, "amount": recurring.amount},
    )
    return recurring


def recurring_run_due(*, today: date | None = None) -> int:
    """Create each due payment of every active recurring gift; safe to run any number of times.

    One payment per (gift, due date) is guaranteed by a unique constraint. Bank transfers get
    a new expected payment with its own communication (e-mailed as a reminder); saved cards
    are charged, retried on the next runs and paused with notice after three failures.
    """
    today = today or timezone.localdate()
    created = 0
    due_ids = list(
        RecurringContribution.objects.filter(
            status=RecurringStatus.ACTIVE, next_due__lte=today
        ).values_list("pk", flat=True)
    )
    for pk in due_ids:
        if _recurring_run_one(pk, today):
            created += 1
    return created


@transaction.atomic
def _recurring_run_one(pk: int, today: date) -> bool:
    recurring = (
        RecurringContribution.objects.select_for_update(of=("self",))
        .select_related("collective__host", "contributor")
        .get(pk=pk)
    )
    if recurring.status != RecurringStatus.ACTIVE or recurring.next_due > today:
        return False
    period = recurring.next_due
    contribution = Contribution.objects.filter(recurring=recurring, period=period).first()
    new = contribution is None
    if contribution is None:
        try:
            with transaction.atomic():
                contribution = Contribution.objects.create(
                    collective=recurring.collective,
                    recurring=recurring,
                    period=period,
                    tier=recurring.tier,
                    contributor=recurring.contributor,
                    organisation_name=recurring.organisation_name,
                    language=recurring.contributor.language or "en",
                    is_incognito=recurring.is_incognito,
                    amount=recurring.amount,
                    interval=recurring.interval,
                    method=recurring.method,
                    structured_communication=(
                        new_structured_communication()
                        if recurring.method == Method.BANK_TRANSFER
                        else None
                    ),
                )
        except IntegrityError:
            return False
    if recurring.method == Method.BANK_TRANSFER:
        recurring.next_due = _next_due(period, recurring.interval)
        recurring.save(update_fields=["next_due"])
        if new:
            notify.payment_instructions(contribution, reminder=True)
        return new
    ok, intent = providers.charge_off_session(
        customer=recurring.stripe_customer,
        payment_method=recurring.stripe_payment_method,
        amount=contribution.amount,
        idempotency_key=f"funding:recurring:{contribution.pk}:{recurring.failures}",
    )
    if ok:
        contribution_mark_paid(
            actor=None,
            contribution=contribution,
            processor_fee=providers.estimated_processor_fee(contribution.amount),
            stripe_payment_intent=intent,
        )
        recurring.failures = 0
        recurring.next_due = _next_due(period, recurring.interval)
    else:
        recurring.failures += 1
        if recurring.failures >= RECURRING_MAX_FAILURES:
            recurring.status = RecurringStatus.PAUSED
            contribution_fail(actor=None, contribution=contribution, reason="card declined")
            notify.recurring_paused(recurring)
    recurring.save(update_fields=["failures", "next_due", "status"])
    return new


def holds_release_expired() -> int:
    """Card checkouts that outlived their 15-minute hold and never paid are failed."""
    expired = Contribution.objects.filter(
        status=ContributionStatus.PENDING, method=Method.STRIPE, hold_until__lte=timezone.now()
    )
    count = 0
    for contribution in expired:
        contribution_fail(actor=None, contribution=contribution, reason="checkout expired")
        count += 1
    return count


# Stripe --------------------------------------------------------------------------------------


@transaction.atomic
def stripe_checkout_start(*, contribution: Contribution, success_url: str, cancel_url: str) -> str:
    """Open a Checkout session for a pending card contribution; returns the URL to go to."""
    contribution = Contribution.objects.select_for_update(of=("self",)).get(pk=contribution.pk)
    if contribution.method != Method.STRIPE or contribution.status != ContributionStatus.PENDING:
        raise FundingError(FundingErrorCode.WRONG_STATE)
    session_id, url = providers.checkout_session_create(
        contribution_id=contribution.pk,
        amount=contribution.amount,
        description=contribution.describe(),
        email=contribution.email,
        success_url=success_url,
        cancel_url=cancel_url,
        save_card=contribution.recurring_id is not None,
    )
    contribution.stripe_session_id = session_id
    contribution.save(update_fields=["stripe_session_id"])
    return url


def _contribution_for_session(session: Any) -> Contribution | None:
    found = Contribution.objects.filter(stripe_session_id=session.get("id")).first()
    if found is None:
        reference = session.get("client_reference_id") or (session.get("metadata") or {}).get(
            "contribution"
        )
        if reference and str(reference).isdigit():
            found = Contribution.objects.filter(pk=int(reference), method=Method.STRIPE).first()
    return found


def _contribution_for_intent(intent: str) -> Contribution | None:
    if not intent:
        return None
    return Contribution.objects.filter(stripe_payment_intent=intent).first()


@transaction.atomic
def stripe_event_handle(*, event: Any) -> str:
    """Apply one verified Stripe event, at most once (its id is recorded in the same transaction).

    Returns a short word for the log: ``duplicate``, ``ignored`` or what was done.
    """
    from samen.funding.models import StripeEvent

    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event["id"], type=event["type"][:80])
    except IntegrityError:
        return "duplicate"
    try:
        with transaction.atomic():
            return _apply_stripe_event(event["type"], event["data"]["object"])
    except FundingError as error:
        # Stripe would redeliver a failed event for days; the refusal is logged and the
        # event stays recorded as handled.
        logger.warning("Stripe event %s refused: %s", event["id"], error)
        return f"refused:{error.code.value}"


def _apply_stripe_event(kind: str, obj: Any) -> str:
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if obj.get("payment_status") != "paid":
            return "waiting"  # Bancontact and other delayed methods confirm later
        contribution = _contribution_for_session(obj)
        if contribution is None:
            return "ignored"
        intent = obj.get("payment_intent") or ""
        contribution_mark_paid(
            actor=None,
            contribution=contribution,
            processor_fee=providers.estimated_processor_fee(
                int(obj.get("amount_total") or contribution.amount)
            ),
            amount=int(obj.get("amount_total") or contribution.amount),
            stripe_payment_intent=str(intent),
        )
        recurring = contribution.recurring
        if recurring is not None and obj.get("customer") and intent:
            # The card saved at this first Checkout pays the next due payments off session.
            RecurringContribution.objects.filter(pk=recurring.pk).update(
                stripe_customer=str(obj.get("customer")),
                stripe_payment_method=providers.payment_method_of(str(intent)),
            )
        return "paid"
    if kind in ("checkout.session.async_payment_failed", "checkout.session.expired"):
        contribution = _contribution_for_session(obj)
        if contribution is None:
            return "ignored"
        contribution_fail(actor=None, contribution=contribution, reason=kind)
        return "failed"
    if kind == "charge.refunded":
        contribution = _contribution_for_intent(str(obj.get("payment_intent") or ""))
        if contribution is None or contribution.status != ContributionStatus.PAID:
            return "ignored"
        # The money has already left through Stripe: the host covers what the collective lacks.
        contribution_refund(
            actor=None,
            contribution=contribution,
            reason=_("Refunded through the card provider."),
            cover=True,
            by_provider=True,
        )
        return "refunded"
    if kind == "charge.dispute.created":
        contribution = _contribution_for_intent(str(obj.get("payment_intent") or ""))
        if contribution is None or contribution.status != ContributionStatus.PAID:
            return "ignored"
        contribution_refund(
            actor=None,
            contribution=contribution,
            reason=_("The payer disputed the card payment."),
            cover=True,
            by_provider=True,
            status=ContributionStatus.DISPUTED,
        )
        return "disputed"
    return "ignored"
