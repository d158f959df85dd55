"""Refunds: the ledger reversal of a paid contribution, and its payout by the host."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.funding import notify, providers
from samen.funding.actions._common import _is_collective_admin, _is_host_admin, _signed_in
from samen.funding.actions.sales import sale_credit_note_issue
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import Contribution, ContributionStatus, Method
from samen.ledger.actions import account_for, ledger_post, ledger_reverse
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import AccountPurpose, Transaction, TransactionKind, Unit
from samen.ledger.queries import balance

COLLECTIVE_REFUND_WINDOW = timedelta(days=30)


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
    sale_credit_note_issue(actor=actor, contribution=contribution, reason=reason)
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
