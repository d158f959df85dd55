"""Pre-sales: a pledge for a product or a ticket is a purchase, documented by the host.

On payment the purchase gets a receipt (a consumer) or an invoice (a buyer who gave an
enterprise number) from the host's invoicing series, through ``samen.invoicing.actions``;
its refund gets a credit note. Only the reward's price is sold (VAT included); what a backer
pays above it is a gift. Both documents are keyed on the contribution, so a replayed
payment or refund issues nothing twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import Contribution
from samen.invoicing.errors import InvoicingError


def buyer_enterprise_number(value: str) -> str:
    """A buyer's Belgian enterprise number as ten digits, or ``BAD_ENTERPRISE_NUMBER``."""
    from samen.invoicing.actions import normalize_enterprise_number

    if not value.strip():
        return ""
    try:
        return normalize_enterprise_number(value)
    except InvoicingError as exc:
        raise FundingError(FundingErrorCode.BAD_ENTERPRISE_NUMBER) from exc


def sale_document_issue(*, actor: Any, contribution: Contribution) -> Decimal:
    """Issue the purchase's document (once) and return its VAT in euros; 0 for a gift.

    Runs inside ``contribution_mark_paid``'s transaction, under the contribution's lock."""
    from samen.invoicing.actions import SaleBuyer, sale_issue
    from samen.invoicing.models import Document

    if not contribution.is_purchase:
        return Decimal("0.00")
    reward = contribution.reward
    assert reward is not None
    paid_on = (
        contribution.bank_line.booking_date
        if contribution.bank_line is not None
        else timezone.localdate(contribution.paid_at)
    )
    document = sale_issue(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        host=contribution.collective.host,
        customer=contribution.contributor,
        buyer=SaleBuyer(
            name=contribution.private_name,
            email=contribution.email,
            language=contribution.language,
            address=contribution.buyer_address,
            enterprise_number=contribution.buyer_enterprise_number,
        ),
        description=f"{reward.title} ({contribution.campaign})",
        gross=Decimal(contribution.sale_price) / 100,
        vat_rate=Decimal(reward.vat_rate) if reward.vat_rate is not None else None,
        idempotency_key=f"funding:sale:{contribution.pk}",
        cause=contribution,
        paid_on=paid_on,
    )
    contribution.sale_document_id = document.pk
    return Document.objects.get(pk=document.pk).vat_total


def sale_credit_note_issue(*, actor: Any, contribution: Contribution, reason: str) -> None:
    """The credit note of a refunded purchase (once); nothing for a gift."""
    from samen.invoicing.actions import sale_refund
    from samen.invoicing.models import Document

    if contribution.sale_document_id is None:
        return
    sale = Document.objects.select_related("host").get(pk=contribution.sale_document_id)
    credit_note = sale_refund(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        sale=sale,
        reason=reason,
        idempotency_key=f"funding:sale-refund:{contribution.pk}",
    )
    contribution.sale_credit_note_id = credit_note.pk
