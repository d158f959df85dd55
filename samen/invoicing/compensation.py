"""Compensation: a member's open invoices and open credit notes of one host set off.

In a credit network the services a member gives repay the services they receive: the host
owes them the credit notes and they owe the host the invoices. Setting the two off (Belgian
civil code, art. 5.251 ff., compensation between mutual debts) turns both into payments of
the method ``compensation``, one on each document, each naming the other. Oldest documents
go first, so a member's statement reads like a running account; what is left over stays
open, partly paid, and is the member's net position.

Credit notes that correct an invoice (``Document.corrects``) cancel that invoice rather than
owing the member anything, so they never take part.

Callers hold the member's lock (``samen.credits.actions.member_compensate`` takes their
credit wallet's row lock first); the documents are then locked in primary-key order, and
each payment is recorded by ``document_payment_record``, which refuses more than what is
still due, so no euro is ever set off twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum

from samen.audit.actions import audit_record
from samen.invoicing.actions import document_payment_record
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.models import (
    Document,
    DocumentKind,
    DocumentPayment,
    DocumentStatus,
    PaymentMethod,
)

ZERO = Decimal("0.00")


def compensable(host_id: int, customer_ids: Iterable[int] | None = None) -> QuerySet[Document]:
    """The open documents of these members (all members: None) at this host that can be set
    off: every open invoice, and every open credit note that does not correct an invoice."""
    documents = Document.objects.filter(host_id=host_id, status=DocumentStatus.OPEN).exclude(
        kind=DocumentKind.CREDIT_NOTE, corrects__isnull=False
    )
    if customer_ids is not None:
        documents = documents.filter(customer_id__in=list(customer_ids))
    return documents


def _oldest_first(documents: Iterable[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (d.issue_date, d.pk))


def _set_off(actor: Any, invoice: Document, credit_note: Document, amount: Decimal) -> Decimal:
    paid_on = max(invoice.issue_date, credit_note.issue_date)
    for document, other in ((invoice, credit_note), (credit_note, invoice)):
        document_payment_record(
            actor=actor,
            document=document,
            amount=amount,
            paid_on=paid_on,
            method=PaymentMethod.COMPENSATION,
            offsets=other,
        )
        document.amount_paid += amount
    audit_record(
        actor=actor,
        action="invoicing.compensation",
        target=invoice,
        host=invoice.host,
        data={
            "invoice": invoice.number,
            "credit_note": credit_note.number,
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
        },
    )
    return amount


@transaction.atomic
def document_compensate(
    *, actor: Any, invoice: Document, credit_note: Document, amount: Decimal | None = None
) -> Decimal:
    """Set off one open invoice against one open credit note of the same member and host:
    ``amount`` (by default as much as both still have due). Returns the amount set off.

    Refused with ``BAD_COMPENSATION``, and nothing written, when the two are not an invoice
    and a credit note, belong to different hosts or members, are not open, or the credit
    note corrects an invoice; more than either still has due is ``OVERPAID``.
    """
    ids = sorted({invoice.pk, credit_note.pk})
    locked = {
        d.pk: d
        for d in Document.objects.select_for_update()
        .select_related("host")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    invoice, credit_note = locked[invoice.pk], locked[credit_note.pk]
    if (
        len(ids) != 2
        or invoice.kind != DocumentKind.INVOICE
        or credit_note.kind != DocumentKind.CREDIT_NOTE
        or credit_note.corrects_id is not None
        or invoice.host_id != credit_note.host_id
        or invoice.customer_id != credit_note.customer_id
        or invoice.status != DocumentStatus.OPEN
        or credit_note.status != DocumentStatus.OPEN
    ):
        raise InvoicingError(InvoicingErrorCode.BAD_COMPENSATION)
    most = min(invoice.amount_due, credit_note.amount_due)
    amount = most if amount is None else Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise InvoicingError(InvoicingErrorCode.BAD_AMOUNT)
    if amount > most:
        raise InvoicingError(InvoicingErrorCode.OVERPAID)
    return _set_off(actor, invoice, credit_note, amount)


@transaction.atomic
def documents_compensate(*, actor: Any, host: Any, customer: Any) -> Decimal:
    """Set off all of a member's open invoices and credit notes of ``host``, oldest first on
    both sides, until one side has nothing left due. Returns the total set off (0 when there
    was nothing to do, so running it again changes nothing)."""
    documents = list(
        compensable(host.pk, [customer.pk])
        .select_for_update()
        .select_related("host")
        .order_by("pk")
    )
    invoices = _oldest_first(d for d in documents if d.kind == DocumentKind.INVOICE)
    notes = _oldest_first(d for d in documents if d.kind == DocumentKind.CREDIT_NOTE)
    total = ZERO
    i = n = 0
    while i < len(invoices) and n < len(notes):
        invoice, note = invoices[i], notes[n]
        amount = min(invoice.amount_due, note.amount_due)
        if amount > 0:
            total += _set_off(actor, invoice, note, amount)
        if invoice.gross_total - invoice.amount_paid <= 0:
            i += 1
        if note.gross_total - note.amount_paid <= 0:
            n += 1
    return total


@dataclass(frozen=True)
class NetPosition:
    """Where a member stands in euros with a host once their documents are set off.

    ``amount`` is what the member owes (positive) or is owed (negative): the open invoices
    less the open credit notes. ``vat_not_offset`` is the part of it that is VAT on invoices
    the member received which their own VAT-free credit notes do not offset (a provider who
    charges no VAT: a private person or an exempt small enterprise).
    """

    amount: Decimal = ZERO
    open_invoices: Decimal = ZERO
    open_credit_notes: Decimal = ZERO
    vat_not_offset: Decimal = ZERO

    @property
    def owes(self) -> Decimal:
        return max(self.amount, ZERO)

    @property
    def owed(self) -> Decimal:
        return max(-self.amount, ZERO)

    def as_data(self) -> dict[str, str]:
        """Strings for a statement's JSON snapshot and the API."""
        return {
            "net": str(self.amount),
            "open_invoices": str(self.open_invoices),
            "open_credit_notes": str(self.open_credit_notes),
            "vat_not_offset": str(self.vat_not_offset),
        }


def net_positions(host_id: int, customer_ids: Iterable[int]) -> dict[int, NetPosition]:
    """Per member id: their net position with the host (members without documents get
    ``NetPosition()``). Three queries, whatever the number of members."""
    ids = list(customer_ids)
    due: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in (
        # Not mutated: without ``ids`` every member's rows are summed, and only these read.
        compensable(host_id, ids)  # pragma: no mutate
        .values("customer_id", "kind")
        .annotate(total=Sum("gross_total"), paid=Sum("amount_paid"))
        .order_by()
    ):
        # One row per member and kind (grouped by both), so each sum is set once.
        due[row["customer_id"]][row["kind"]] = row["total"] - row["paid"]
    # Members whose own credit notes carry no VAT while the invoices they receive do.
    vat_free_providers = set(
        Document.objects.filter(
            host_id=host_id,
            customer_id__in=ids,
            kind=DocumentKind.CREDIT_NOTE,
            corrects__isnull=True,
            vat_total=0,
        ).values_list("customer_id", flat=True)
    )
    # The VAT on invoices that were (or are still to be) repaid by services: open ones and
    # those with a compensation among their payments.
    repaid_by_services = (
        Document.objects.filter(
            host_id=host_id,
            customer_id__in=vat_free_providers,
            kind=DocumentKind.INVOICE,
            vat_total__gt=0,
        )
        .filter(
            Q(status=DocumentStatus.OPEN)
            | Q(
                pk__in=DocumentPayment.objects.filter(method=PaymentMethod.COMPENSATION).values(
                    "document_id"
                )
            )
        )
        .values("customer_id")
        .annotate(vat=Sum("vat_total"))
        .order_by()
    )
    # In cents: SQLite's sum drops trailing zeros (10.5), PostgreSQL's keeps them (10.50).
    vat = {row["customer_id"]: row["vat"].quantize(ZERO) for row in repaid_by_services}
    result = {}
    for customer_id in ids:
        invoices = due[customer_id][DocumentKind.INVOICE]
        notes = due[customer_id][DocumentKind.CREDIT_NOTE]
        amount = invoices - notes
        result[customer_id] = NetPosition(
            amount=amount,
            open_invoices=invoices,
            open_credit_notes=notes,
            vat_not_offset=min(vat.get(customer_id, ZERO), max(amount, ZERO)),
        )
    return result


def net_position(host: Any, customer: Any) -> NetPosition:
    """One member's net position with one host (see ``net_positions``)."""
    return net_positions(host.pk, [customer.pk])[customer.pk]
