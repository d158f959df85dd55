"""Incoming bank statement lines that pay invoices, found by the invoice's structured
communication (the shared import lives in ``samen.banking``).

Only invoices are payable by the member: their communications start with 1, credit notes'
with 2 (``models.COMMUNICATION_DIGIT``). A line that carries an invoice's communication and
no more than the amount still due is booked as a payment; anything else stays among the
host's unmatched lines, where ``explain_lines`` tells the host admin why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from samen.banking.matching import LineNote, line_pays
from samen.invoicing.actions import document_payment_record
from samen.invoicing.errors import InvoicingError
from samen.invoicing.models import Document, DocumentKind, DocumentStatus
from samen.invoicing.templatetags.euros import euros


def _documents_by_communication(host_id: int, communications: set[str]) -> dict[str, Document]:
    """The host's documents with these communications (the newest, should a century wrap)."""
    found: dict[str, Document] = {}
    documents = Document.objects.filter(
        host_id=host_id, structured_communication__in=communications
    ).order_by("year", "pk")
    for document in documents:
        found[document.structured_communication] = document
    return found


def match_invoice_payment(line: Any) -> bool:
    """The matcher registered with the shared bank import.

    Claims an incoming euro line whose structured communication is an open invoice's of the
    same host and whose amount is at most what is still due: the payment is recorded, the
    invoice is paid once its payments reach its total, and the line is marked matched, all in
    the import's transaction. Safe to run twice on a line: the second run finds the payment.
    """
    if not line.structured_communication or not line_pays(line, incoming=True):
        return False
    document = _documents_by_communication(line.host_id, {line.structured_communication}).get(
        line.structured_communication
    )
    if document is None or document.kind != DocumentKind.INVOICE:
        return False
    try:
        document_payment_record(actor=None, document=document, bank_line=line)
    except InvoicingError:
        # Overpaid, already paid or credited: the line waits for a host admin, who is told
        # why by ``explain_lines``.
        return False
    return True


def explain_lines(lines: Sequence[Any]) -> dict[int, LineNote]:
    """Why unmatched lines that name one of the host's documents were not booked.

    Registered with the shared bank import, whose list of lines to look at shows the reason
    next to each line. One query per host (the page shows one host's lines).
    """
    incoming = [line for line in lines if line.amount > 0 and line.structured_communication]
    if not incoming:
        return {}
    wanted: dict[int, set[str]] = defaultdict(set)
    for line in incoming:
        wanted[line.host_id].add(line.structured_communication)
    documents = {
        (host_id, communication): document
        for host_id, communications in wanted.items()
        for communication, document in _documents_by_communication(host_id, communications).items()
    }
    notes: dict[int, LineNote] = {}
    for line in incoming:
        document = documents.get((line.host_id, line.structured_communication))
        if document is not None:
            url = reverse("invoicing:document", args=[document.pk])
            notes[line.pk] = LineNote(text=_reason(line, document), url=url)
    return notes


def _reason(line: Any, document: Document) -> str:
    number = document.number
    if document.kind != DocumentKind.INVOICE:
        return _(
            "The communication is that of credit note %(number)s, which the host owes the "
            "member; it was not booked as an invoice payment."
        ) % {"number": number}
    if line.currency != "EUR":
        return _("Invoice %(number)s is payable in euros only.") % {"number": number}
    if document.status == DocumentStatus.PAID:
        return _("Invoice %(number)s is already paid; this payment may need a refund.") % {
            "number": number
        }
    if document.status == DocumentStatus.CREDITED:
        return _(
            "Invoice %(number)s was cancelled with a credit note; this payment may need a refund."
        ) % {"number": number}
    due = document.amount_due
    if line.amount > due * 100:
        return _(
            "More than the %(due)s still due on invoice %(number)s: refund the difference "
            "or mark the invoice paid by hand, then set this line aside."
        ) % {"number": number, "due": euros(due)}
    return _("Could pay invoice %(number)s (%(due)s still due).") % {
        "number": number,
        "due": euros(due),
    }
