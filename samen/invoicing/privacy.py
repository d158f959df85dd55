"""What invoicing holds about a person, for their data export and erasure (docs/privacy.md).

Invoices and credit notes are accounting documents: Belgian accounting law keeps them 7 years
and an issued document never changes, so they stay, with the customer snapshot taken when
they were issued (the name, company, address and numbers printed on them). What goes with
the account: the billing profiles (documents copy them, they never point at them) and the
monthly statements, which only repeat the credit ledger and the open invoices.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext

from samen.invoicing.models import Document, MemberBillingProfile, Statement
from samen.invoicing.queries import documents_of, statements_of

if TYPE_CHECKING:
    from samen.accounts.models import User


def _document_files(document: Document) -> dict[str, str]:
    """Paths in the export zip (``apps/invoicing/<name>``) of the document's rendered files."""
    files = {}
    if document.pdf_path:
        files["pdf"] = f"{document.host.slug}/{document.number}.pdf"
    if document.ubl_path:
        files["ubl"] = f"{document.host.slug}/{document.number}.xml"
    return files


def _statement_file(statement: Statement) -> str | None:
    if not statement.pdf_path:
        return None
    return f"{statement.host.slug}/statement-{statement.month:%Y-%m}.pdf"


def export_data(user: User) -> dict[str, Any]:
    """Billing profiles, every invoice and credit note (number, kind, dates, totals, payment
    state) and the monthly statements; the files are in the zip beside this JSON."""
    profiles = MemberBillingProfile.objects.filter(user=user).select_related("host")
    documents = documents_of(user).select_related("corrects").reverse()
    return {
        "billing_profiles": [
            {
                "host": p.host.slug,
                "company_name": p.company_name,
                "enterprise_number": p.enterprise_number,
                "vat_number": p.vat_number,
                "address": p.address,
                "country": p.country,
                "updated": p.updated_at.isoformat(),
            }
            for p in profiles.order_by("host__slug", "pk")
        ],
        "documents": [
            {
                "host": d.host.slug,
                "number": d.number,
                "kind": d.kind,
                "issue_date": d.issue_date.isoformat(),
                "due_date": d.due_date.isoformat(),
                "corrects": d.corrects.number if d.corrects else None,
                "customer_name": d.customer_name,
                "net_total": str(d.net_total),
                "vat_total": str(d.vat_total),
                "gross_total": str(d.gross_total),
                "amount_paid": str(d.amount_paid),
                "payment_state": d.payment_state,
                "paid_on": d.paid_on.isoformat() if d.paid_on else None,
                "files": _document_files(d),
            }
            for d in documents
        ],
        "statements": [
            {
                "host": s.host.slug,
                "month": f"{s.month:%Y-%m}",
                "opening": s.opening,
                "closing": s.closing,
                "movements": s.data.get("movements", []),
                "open_invoices": s.data.get("open_invoices", []),
                "file": _statement_file(s),
            }
            for s in statements_of(user).reverse()
        ],
    }


def export_files(user: User) -> Iterator[tuple[str, bytes]]:
    """The PDF (and Peppol UBL) of each document and the PDF of each statement, as rendered
    and sent; a file not rendered yet is left out (its JSON entry names no file)."""
    storage = storages["private"]

    def read(path: str) -> bytes | None:
        try:
            with storage.open(path, "rb") as handle:
                return bytes(handle.read())
        except FileNotFoundError:
            return None

    for document in documents_of(user).reverse():
        for kind, name in _document_files(document).items():
            content = read(document.pdf_path if kind == "pdf" else document.ubl_path)
            if content is not None:
                yield name, content
    for statement in statements_of(user).reverse():
        statement_name = _statement_file(statement)
        if statement_name and (content := read(statement.pdf_path)) is not None:
            yield statement_name, content


def must_keep(user: User) -> str | None:
    if Document.objects.filter(customer=user).exists():
        return gettext("invoices and credit notes (accounting records, kept 7 years)")
    return None


def erase_data(user: User) -> None:
    """Delete the billing profiles and the statements (their PDFs once committed); the
    invoices and credit notes stay as issued."""
    MemberBillingProfile.objects.filter(user=user).delete()
    statements = Statement.objects.filter(user=user)
    paths = [path for path in statements.values_list("pdf_path", flat=True) if path]
    statements.delete()
    storage = storages["private"]

    def delete_files() -> None:
        for path in paths:
            storage.delete(path)

    transaction.on_commit(delete_files)
