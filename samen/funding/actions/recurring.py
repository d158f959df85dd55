"""Recurring contributions: the due payments of monthly and yearly gifts, and expired holds."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.funding import notify, providers
from samen.funding.actions._common import _is_collective_admin, _is_host_admin, _signed_in
from samen.funding.actions.contributions import (
    _next_due,
    contribution_fail,
    contribution_mark_paid,
    minimum_amount,
    new_structured_communication,
)
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    Contribution,
    ContributionStatus,
    Method,
    RecurringContribution,
    RecurringStatus,
)
from samen.lib.money import AmountKind, check_amount

RECURRING_MAX_FAILURES = 3


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
        recurring.amount = check_amount(amount, 2, kind=AmountKind.CONTRIBUTION)
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
