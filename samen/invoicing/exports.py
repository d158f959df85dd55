"""The accounting export of a period: a journal CSV, every UBL document and every PDF.

Accounts follow the Belgian minimum chart (PCMN): 400000 trade receivables (the member),
700000 turnover, 451000 VAT payable. A credit note reverses the sides of an invoice.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.storage import storages

from samen.invoicing.actions import document_render_files
from samen.invoicing.models import CATEGORIES_WITHOUT_RATE, Document
from samen.invoicing.queries import host_documents
from samen.lib.spreadsheet import csv_writer

RECEIVABLES, TURNOVER, VAT_PAYABLE = "400000", "700000", "451000"
JOURNAL_HEADER = ["date", "number", "account", "debit", "credit", "vat_code", "party"]


def vat_code(category: str, rate: Decimal) -> str:
    """``S21``, ``S6``, ``Z0``, ``E``, ``AE`` or ``O``: category and rate, as accounting
    packages map them."""
    if category in CATEGORIES_WITHOUT_RATE:
        return category
    return f"{category}{rate.normalize():f}"


def _row(document: Document, account: str, amount: Decimal, debit: bool, code: str) -> list[str]:
    return [
        document.issue_date.isoformat(),
        document.number,
        account,
        f"{amount:.2f}" if debit else "",
        "" if debit else f"{amount:.2f}",
        code,
        # A guest's purchase has no member number: the party is the buyer's sale itself.
        f"M{document.customer_id}" if document.customer_id else f"S{document.number}",
    ]


def journal_rows(documents: list[Document]) -> Iterator[list[str]]:
    """Receivable against turnover and VAT; a credit note swaps debit and credit."""
    for document in documents:
        invoice = document.is_invoice
        yield _row(document, RECEIVABLES, document.gross_total, invoice, "")
        for vat in document.vat_rows.all():
            code = vat_code(vat.category, vat.rate)
            yield _row(document, TURNOVER, vat.taxable, not invoice, code)
            if vat.amount:
                yield _row(document, VAT_PAYABLE, vat.amount, not invoice, code)


def period_documents(host: Any, start: dt.date, end: dt.date) -> list[Document]:
    """The period's documents with their files rendered (rendering what is still missing)."""
    documents = list(host_documents(host, start=start, end=end).prefetch_related("vat_rows"))
    for document in documents:
        if not document.pdf_path or (document.has_ubl and not document.ubl_path):
            document_render_files(document=document)
    return documents


def journal_csv(documents: list[Document]) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(JOURNAL_HEADER)
    writer.writerows(journal_rows(documents))
    return buffer.getvalue()


def export_files(host: Any, start: dt.date, end: dt.date) -> Iterator[tuple[str, bytes]]:
    """(name, content) of every file of the export."""
    documents = period_documents(host, start, end)
    yield f"journal-{start:%Y-%m}.csv", journal_csv(documents).encode("utf-8")
    storage = storages["private"]
    for document in documents:
        with storage.open(document.pdf_path) as handle:
            yield f"pdf/{document.number}.pdf", handle.read()
        if document.ubl_path:
            with storage.open(document.ubl_path) as handle:
                yield f"ubl/{document.number}.xml", handle.read()


def write_export(host: Any, start: dt.date, end: dt.date, out: Path) -> list[Path]:
    written = []
    for name, content in export_files(host, start, end):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def export_zip(host: Any, start: dt.date, end: dt.date) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_files(host, start, end):
            archive.writestr(name, content)
    return buffer.getvalue()
