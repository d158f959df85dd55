"""Stripe: Checkout sessions and the webhook events that pay, fail or refund."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samen.funding import providers
from samen.funding.actions.contributions import contribution_fail, contribution_mark_paid
from samen.funding.actions.refunds import contribution_refund
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import Contribution, ContributionStatus, Method, RecurringContribution

logger = logging.getLogger(__name__)


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
