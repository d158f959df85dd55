from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.db import transaction
from stdnum.be import ogm_vcs

from samen.audit.models import AuditEntry
from samen.banking.epc import epc_qr
from samen.invoicing.actions import (
    LineInput,
    billing_profile_save,
    document_correct,
    document_mark_paid,
    document_render_files,
    vat_breakdown,
)
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.models import Document, DocumentKind, DocumentStatus
from samen.invoicing.rendering import document_html, document_ubl, epc_transfer
from samen.invoicing.tests.factories import issue, make_company_profile, make_host
from samen.invoicing.tests.peppol import fatal_findings
from samen.lib.testing import epc_payload

pytestmark = pytest.mark.django_db


def test_vat_is_rounded_once_per_rate_on_the_total():
    # Three lines of 0.333 credit at 10.01 €: per-line VAT rounding would give 3 x 0.70 = 2.10;
    # on the total (10.00 €) it is 2.10 too, so use amounts where the two differ.
    lines = [LineInput("a", Decimal("1"), Decimal("0.10"), Decimal(21))] * 3
    (row,) = vat_breakdown(lines)
    assert row[2] == Decimal("0.30")
    assert row[3] == Decimal("0.06")  # per line it would be 3 x 0.02 = 0.06 ... and
    lines = [LineInput("a", Decimal("1"), Decimal("0.12"), Decimal(21))] * 3
    (row,) = vat_breakdown(lines)
    assert row[3] == Decimal("0.08")  # 0.36 x 21 % = 0.0756 -> 0.08, not 3 x 0.03 = 0.09


def test_vat_rounds_half_up_and_groups_rates():
    lines = [
        LineInput("a", Decimal("0.5"), Decimal("50.00"), Decimal(21)),
        LineInput("b", Decimal("1"), Decimal("0.50"), Decimal(21)),  # 25.50 x 21 % = 5.355
        LineInput("c", Decimal("1"), Decimal("10.00"), Decimal(6)),
        LineInput("d", Decimal("1"), Decimal("10.00"), None),
    ]
    rows = vat_breakdown(lines)
    assert rows == [
        ("S", Decimal("21.00"), Decimal("25.50"), Decimal("5.36")),
        ("S", Decimal("6.00"), Decimal("10.00"), Decimal("0.60")),
        ("E", Decimal("0.00"), Decimal("10.00"), Decimal("0.00")),
    ]


def test_issue_invoice_numbers_totals_and_audit(anna):
    host = make_host()
    doc = issue(
        host, anna, lines=[LineInput("Session", Decimal("1"), Decimal("50.00"), Decimal(21))]
    )
    assert doc.number == f"INV-{doc.year}-000001"
    assert (doc.net_total, doc.vat_total, doc.gross_total) == (
        Decimal("50.00"),
        Decimal("10.50"),
        Decimal("60.50"),
    )
    assert doc.issuer_name == "Innovatienetwerk vzw"
    assert doc.issuer_enterprise_number == "0403170701"
    assert ogm_vcs.is_valid(doc.structured_communication)
    assert re.fullmatch(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", doc.communication_display)
    assert AuditEntry.objects.filter(action="invoicing.invoice_issue", host=host).count() == 1


def test_numbers_are_per_host_series_and_year(anna, bram):
    host, other = make_host(), make_host("andere")
    import datetime as dt

    first = issue(host, anna)
    second = issue(host, bram)
    credit = issue(host, anna, kind=DocumentKind.CREDIT_NOTE)
    elsewhere = issue(other, anna)
    next_year = issue(host, anna, issue_date=dt.date(first.year + 1, 1, 2))
    assert [first.sequence, second.sequence, credit.sequence, elsewhere.sequence] == [1, 2, 1, 1]
    assert credit.number.startswith("CN-")
    assert next_year.sequence == 1
    assert next_year.year == first.year + 1
    assert credit.structured_communication != first.structured_communication


def test_same_idempotency_key_issues_once(anna, bram):
    host = make_host()
    first = issue(host, anna, idempotency_key="k1")
    assert issue(host, anna, idempotency_key="k1") == first
    with pytest.raises(InvoicingError) as err:
        issue(host, bram, idempotency_key="k1")
    assert err.value.code == InvoicingErrorCode.IDEMPOTENCY_CONFLICT


@pytest.mark.parametrize(
    "change",
    [
        {"lines": [LineInput("Coaching session", Decimal("1"), Decimal("55.00"), Decimal(21))]},
        {"lines": [LineInput("Coaching session", Decimal("2"), Decimal("50.00"), Decimal(21))]},
        {"lines": [LineInput("Coaching session", Decimal("1"), Decimal("50.00"), Decimal(6))]},
        {"lines": [LineInput("Coaching session", Decimal("1"), Decimal("50.00"), None)]},
        {"lines": [LineInput("Workshop", Decimal("1"), Decimal("50.00"), Decimal(21))]},
        {
            "lines": [
                LineInput("Coaching session", Decimal("1"), Decimal("50.00"), Decimal(21)),
                LineInput("Coaching session", Decimal("1"), Decimal("50.00"), Decimal(21)),
            ]
        },
        {"kind": DocumentKind.CREDIT_NOTE},
        {"delivery_date": dt.date(2026, 3, 28)},
        {"note": "Another note"},
    ],
    ids=["price", "quantity", "rate", "exempt", "text", "more-lines", "kind", "date", "note"],
)
def test_same_key_with_other_content_is_a_conflict(anna, change):
    host = make_host()
    first = issue(host, anna, idempotency_key="k1")
    assert len(first.content_hash) == 64
    # The same content is a retry, also written with other but equal decimals.
    same = [LineInput("Coaching session", Decimal("1.000"), Decimal("50.0"), Decimal("21.00"))]
    assert issue(host, anna, idempotency_key="k1", lines=same) == first
    with pytest.raises(InvoicingError) as err:
        issue(host, anna, idempotency_key="k1", **change)
    assert err.value.code == InvoicingErrorCode.IDEMPOTENCY_CONFLICT
    assert Document.objects.count() == 1


def test_documents_without_a_hash_are_compared_on_parties_and_kind(anna, bram):
    host = make_host()
    first = issue(host, anna, idempotency_key="old")
    Document.objects.filter(pk=first.pk).update(content_hash="")
    assert issue(host, anna, idempotency_key="old", note="whatever") == first
    with pytest.raises(InvoicingError):
        issue(host, bram, idempotency_key="old")


def test_rolled_back_issue_leaves_no_gap(anna):
    host = make_host()
    issue(host, anna)
    with pytest.raises(InvoicingError):
        issue(host, anna, lines=[])
    taken = []

    def fail_after_numbering() -> None:
        with transaction.atomic():
            taken.append(issue(host, anna).sequence)
            raise RuntimeError("the caller fails after the number was taken")

    with pytest.raises(RuntimeError):
        fail_after_numbering()
    assert taken == [2]
    assert issue(host, anna).sequence == 2


def test_credit_note_corrects_an_invoice(anna, bram):
    host = make_host()
    invoice = issue(host, anna)
    note = document_correct(
        actor=None, invoice=invoice, reason="Session cancelled", idempotency_key="c1"
    )
    invoice.refresh_from_db()
    assert note.kind == DocumentKind.CREDIT_NOTE
    assert note.corrects == invoice
    assert note.gross_total == invoice.gross_total
    assert invoice.status == DocumentStatus.CREDITED
    assert document_correct(actor=None, invoice=invoice, reason="x", idempotency_key="c1") == note
    with pytest.raises(InvoicingError):
        document_correct(actor=None, invoice=invoice, reason="again", idempotency_key="c2")
    other_invoice = issue(host, bram)
    with pytest.raises(InvoicingError) as err:
        issue(host, anna, kind=DocumentKind.CREDIT_NOTE, corrects=other_invoice)
    assert err.value.code == InvoicingErrorCode.BAD_CORRECTION


def test_mark_paid_once(anna):
    doc = issue(make_host(), anna)
    document_mark_paid(actor=None, document=doc)
    with pytest.raises(InvoicingError):
        document_mark_paid(actor=None, document=doc)


def test_billing_profile_validates_belgian_numbers(anna):
    host = make_host()
    with pytest.raises(InvoicingError) as err:
        billing_profile_save(actor=anna, host=host, user=anna, enterprise_number="0403170702")
    assert err.value.code == InvoicingErrorCode.BAD_ENTERPRISE_NUMBER
    profile = billing_profile_save(
        actor=anna,
        host=host,
        user=anna,
        enterprise_number="BE 0202.239.951",
        vat_number="0202239951",
    )
    assert (profile.enterprise_number, profile.vat_number) == ("0202239951", "BE0202239951")


def test_pdf_is_in_the_members_language_with_legal_mentions(make_user):
    host = make_host()
    sophie = make_user("sophie@example.org", "Sophie", language="fr")
    doc = issue(
        host, sophie, lines=[LineInput("Atelier", Decimal("2.5"), Decimal("50.00"), Decimal(21))]
    )
    html = document_html(doc)
    assert '<html lang="fr">' in html
    assert "Communication structurée" in html  # the French catalogue (compiled by make)
    assert "125,00\u00a0€" in html
    assert "151,25\u00a0€" in html
    for mention in (
        "0403170701",
        "BE0403170701",
        "Kunstlaan 1",
        doc.number,
        doc.communication_display,
    ):
        assert mention in html
    # The EPC QR code ("scan to pay") on the PDF, read back field by field.
    transfer = epc_transfer(doc)
    assert transfer is not None
    qr = epc_qr(transfer)
    assert qr is not None
    assert qr.svg_data_uri(scale=3, border=4) in html
    assert epc_payload(qr) == {
        "service": "BCD",
        "version": "002",
        "charset": "2",  # ISO 8859-1: segno picks the smallest that fits
        "identification": "SCT",
        "bic": "",
        "name": "Innovatienetwerk vzw",
        "iban": "BE68539007547034",
        "amount": "EUR151.25",
        "purpose": "",
        "reference": doc.structured_communication,
        "text": "",
    }
    credit = issue(host, sophie, kind=DocumentKind.CREDIT_NOTE)
    assert "data:image/svg+xml" not in document_html(credit)


def test_render_files_stores_pdf_and_ubl_once(anna, bram):
    host = make_host()
    make_company_profile(host, anna)
    with_ubl, without = issue(host, anna), issue(host, bram)
    document_render_files(document=with_ubl)
    document_render_files(document=without)
    storage = storages["private"]
    assert storage.open(with_ubl.pdf_path).read(5) == b"%PDF-"
    assert storage.open(with_ubl.ubl_path).read().startswith(b"<?xml")
    assert without.pdf_path
    assert not without.ubl_path
    path = with_ubl.pdf_path
    document_render_files(document=with_ubl)
    assert with_ubl.pdf_path == path


def test_ubl_invoice_and_credit_note_pass_peppol(anna, tmp_path):
    host = make_host()
    make_company_profile(host, anna)
    invoice = issue(
        host,
        anna,
        lines=[
            LineInput("Coaching session", Decimal("1"), Decimal("50.00"), Decimal(21)),
            LineInput("Workshop", Decimal("0.5"), Decimal("50.00"), Decimal(6)),
            LineInput("Article", Decimal("0.5"), Decimal("50.00"), None),
        ],
    )
    note = document_correct(actor=None, invoice=invoice, reason="Cancelled", idempotency_key="c")
    assert fatal_findings(document_ubl(invoice), tmp_path, "invoice.xml") == []
    assert fatal_findings(document_ubl(note), tmp_path, "credit-note.xml") == []
    xml = document_ubl(note).decode()
    assert f"<cbc:ID>{invoice.number}</cbc:ID>" in xml
    assert 'schemeID="0208">0202239951<' in xml


def test_ubl_validator_catches_a_broken_document(anna, tmp_path):
    host = make_host()
    make_company_profile(host, anna)
    xml = document_ubl(issue(host, anna)).replace(b"<cbc:PayableAmount", b"<cbc:PayableAmountX")
    xml = xml.replace(b"</cbc:PayableAmount>", b"</cbc:PayableAmountX>")
    assert fatal_findings(xml, tmp_path) != []
