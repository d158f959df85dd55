"""Invoices paid through the bank import: real camt.053 and CODA files, partial payments,
lines left for a host admin with a reason, and what members and the host see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from samen.audit.models import AuditEntry
from samen.banking import actions as bank
from samen.banking import matching
from samen.banking.tests.bankfiles import Line, camt053_file, coda_file
from samen.funding.models import BankLine, LineStatus
from samen.invoicing.actions import document_mark_paid, document_payment_record
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.matching import explain_lines, match_invoice_payment
from samen.invoicing.models import (
    Document,
    DocumentKind,
    DocumentPayment,
    DocumentStatus,
    PaymentMethod,
    PaymentState,
)
from samen.invoicing.tests.factories import issue, session_cycle

pytestmark = pytest.mark.django_db

PAYER = ("Chloé Janssens", "BE71096123456769")
NOV_20 = dt.date(2026, 11, 20)
NOV_24 = dt.date(2026, 11, 24)


def _pay(community, invoice: Document, cents: int, **extra):
    """A camt.053 statement with one incoming line for ``invoice``, imported by Anna."""
    data = camt053_file(
        [Line(cents, *PAYER, structured=invoice.structured_communication, **extra)],
        statement_id=f"STMT-{cents}-{extra.get('reference', '')}",
    )
    return bank.bank_import(actor=community.anna, host=community.host, data=data)


@pytest.mark.parametrize("build", [camt053_file, coda_file])
def test_a_statement_line_pays_an_invoice(community, build) -> None:
    invoice = issue(community.host, community.chloe)
    assert invoice.gross_total == Decimal("60.50")
    data = build([Line(6050, *PAYER, structured=invoice.structured_communication, booked=NOV_20)])

    result = bank.bank_import(actor=community.anna, host=community.host, data=data)

    assert result.matched == 1
    invoice.refresh_from_db()
    assert invoice.status == DocumentStatus.PAID
    assert invoice.payment_state == PaymentState.PAID
    assert invoice.paid_on == NOV_20
    assert (invoice.amount_paid, invoice.amount_due) == (Decimal("60.50"), Decimal("0.00"))
    line = BankLine.objects.get()
    payment = DocumentPayment.objects.get()
    assert (payment.document, payment.bank_line, payment.amount) == (
        invoice,
        line,
        invoice.amount_paid,
    )
    assert payment.method == PaymentMethod.BANK
    assert payment.recorded_by is None
    assert line.status == LineStatus.MATCHED
    assert line.matched_type == ContentType.objects.get_for_model(Document)
    assert line.matched_id == str(invoice.pk)
    audit = AuditEntry.objects.filter(target_id=str(invoice.pk), action__startswith="invoicing.")
    paid = audit.get(action="invoicing.document_paid")
    assert paid.actor is None
    assert paid.data["paid_on"] == "2026-11-20"
    assert audit.filter(action="invoicing.document_payment").count() == 1


@pytest.mark.parametrize("build", [camt053_file, coda_file])
def test_importing_the_same_payment_twice_changes_nothing(community, build) -> None:
    invoice = issue(community.host, community.chloe)
    line = Line(6050, *PAYER, structured=invoice.structured_communication, reference="BANK-1")
    bank.bank_import(actor=community.anna, host=community.host, data=build([line]))
    again = bank.bank_import(actor=community.anna, host=community.host, data=build([line]))
    assert again.already_imported
    # The same bank line in another (overlapping) statement file is skipped (the same
    # statement) or held for the host admin (another one), and never booked again.
    overlap = bank.bank_import(
        actor=community.anna, host=community.host, data=build([line], day=NOV_24)
    )
    assert (overlap.skipped_duplicates + overlap.held, overlap.matched) == (1, 0)
    assert DocumentPayment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("60.50")
    assert AuditEntry.objects.filter(action="invoicing.document_payment").count() == 1


def test_the_matcher_is_safe_when_run_twice_on_a_line(community) -> None:
    invoice = issue(community.host, community.chloe)
    _pay(community, invoice, 2000)
    line = BankLine.objects.get()
    stale = BankLine.objects.get(pk=line.pk)
    stale.status = LineStatus.UNMATCHED  # as a matcher holding an old copy would see it
    assert match_invoice_payment(stale) is True
    assert document_payment_record(actor=None, document=invoice, bank_line=stale).amount == Decimal(
        "20.00"
    )
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("20.00")
    assert DocumentPayment.objects.count() == 1
    # A line that pays one invoice can never be booked on another.
    other = issue(community.host, community.chloe)
    with pytest.raises(InvoicingError) as err:
        document_payment_record(actor=None, document=other, bank_line=stale)
    assert err.value.code == InvoicingErrorCode.BAD_BANK_LINE


def test_partial_payments_add_up_to_paid(community) -> None:
    invoice = issue(community.host, community.chloe)
    _pay(community, invoice, 2000, booked=NOV_20, reference="A")
    invoice.refresh_from_db()
    assert invoice.status == DocumentStatus.OPEN
    assert invoice.payment_state == PaymentState.PARTLY_PAID
    assert (invoice.amount_paid, invoice.amount_due) == (Decimal("20.00"), Decimal("40.50"))
    assert invoice.paid_on is None

    result = _pay(community, invoice, 4050, booked=NOV_24, reference="B")

    assert result.matched == 1
    invoice.refresh_from_db()
    assert invoice.payment_state == PaymentState.PAID
    assert invoice.paid_on == NOV_24
    assert invoice.amount_due == Decimal("0.00")
    assert [p.amount for p in invoice.payments.all()] == [Decimal("20.00"), Decimal("40.50")]


def test_overpayment_waits_for_a_host_admin_with_a_reason(community, client) -> None:
    invoice = issue(community.host, community.chloe)
    _pay(community, invoice, 2000, reference="A")

    result = _pay(community, invoice, 5000, reference="B")  # 40.50 was still due

    assert result.matched == 0
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (DocumentStatus.OPEN, Decimal("20.00"))
    line = BankLine.objects.get(status=LineStatus.UNMATCHED)
    (note,) = matching.explain_lines([line])[line.pk]
    assert "€40.50" in note.text
    assert invoice.number in note.text
    assert note.url == reverse("invoicing:document", args=[invoice.pk])
    # The host admin sees the line and the reason among the lines to look at.
    client.force_login(community.anna)
    page = client.get(reverse("funding:dashboard_bank", args=[community.host.slug]))
    assert "More than the €40.50 still due on invoice" in page.content.decode()
    documents = client.get(reverse("invoicing:host_documents", args=[community.host.slug]))
    assert "1 bank line names an invoice" in documents.content.decode().replace("One", "1")


def test_a_line_for_a_paid_or_credited_invoice_stays_unmatched(community) -> None:
    from samen.invoicing.actions import document_correct

    paid = issue(community.host, community.chloe)
    _pay(community, paid, 6050, reference="A")
    again = _pay(community, paid, 6050, reference="B")
    cancelled = issue(community.host, community.chloe)
    document_correct(actor=None, invoice=cancelled, reason="Cancelled", idempotency_key="c")
    late = _pay(community, cancelled, 6050, reference="C")

    assert (again.matched, late.matched) == (0, 0)
    paid.refresh_from_db()
    assert paid.amount_paid == Decimal("60.50")
    lines = list(BankLine.objects.filter(status=LineStatus.UNMATCHED).order_by("pk"))
    notes = explain_lines(lines)
    assert "already paid" in notes[lines[0].pk].text
    assert "cancelled with a credit note" in notes[lines[1].pk].text
    assert not DocumentPayment.objects.filter(document=cancelled).exists()


def test_a_credit_note_communication_is_not_an_invoice_payment(community) -> None:
    note = issue(community.host, community.chloe, kind=DocumentKind.CREDIT_NOTE)
    assert note.structured_communication.startswith("2")

    result = _pay(community, note, 6050)

    assert result.matched == 0
    note.refresh_from_db()
    assert (note.status, note.amount_paid) == (DocumentStatus.OPEN, Decimal("0.00"))
    line = BankLine.objects.get()
    assert "credit note" in explain_lines([line])[line.pk].text


def test_lines_of_other_hosts_outgoing_or_in_another_currency_are_not_matched(
    community, make_user
) -> None:
    from samen.invoicing.tests.factories import make_host

    invoice = issue(community.host, community.chloe)
    elsewhere = make_host("elders")
    data = camt053_file([Line(6050, *PAYER, structured=invoice.structured_communication)])
    assert bank.bank_import(actor=None, host=elsewhere, data=data).matched == 0
    outgoing = camt053_file(
        [Line(-6050, *PAYER, structured=invoice.structured_communication)], statement_id="OUT"
    )
    assert bank.bank_import(actor=None, host=community.host, data=outgoing).matched == 0
    line = BankLine.objects.get(host=community.host)
    line.currency = "USD"
    line.amount = 6050
    assert match_invoice_payment(line) is False
    invoice.refresh_from_db()
    assert invoice.status == DocumentStatus.OPEN


def test_by_hand_records_the_rest_and_keeps_working_for_cash(community) -> None:
    invoice = issue(community.host, community.chloe)
    _pay(community, invoice, 2000)
    paid = document_mark_paid(actor=community.anna, document=invoice, paid_on=NOV_24)
    assert (paid.status, paid.paid_on, paid.amount_paid) == (
        DocumentStatus.PAID,
        NOV_24,
        Decimal("60.50"),
    )
    cash = paid.payments.get(method=PaymentMethod.MANUAL)
    assert (cash.amount, cash.bank_line, cash.recorded_by) == (
        Decimal("40.50"),
        None,
        community.anna,
    )
    with pytest.raises(InvoicingError) as err:
        document_mark_paid(actor=community.anna, document=invoice)
    assert err.value.code == InvoicingErrorCode.ALREADY_PAID
    other = issue(community.host, community.chloe)
    for amount, code in (
        (Decimal("0"), InvoicingErrorCode.BAD_AMOUNT),
        (Decimal("-1"), InvoicingErrorCode.BAD_AMOUNT),
        (Decimal("60.51"), InvoicingErrorCode.OVERPAID),
    ):
        with pytest.raises(InvoicingError) as err:
            document_payment_record(actor=community.anna, document=other, amount=amount)
        assert err.value.code == code
    assert not other.payments.exists()


def test_statements_list_only_invoices_still_open(community, client) -> None:
    from django.utils import timezone

    from samen.invoicing.actions import statements_run
    from samen.invoicing.models import Statement

    session_cycle(community)
    today = timezone.localdate()
    untouched = Document.objects.get(customer=community.chloe, kind=DocumentKind.INVOICE)
    paid = issue(community.host, community.chloe, issue_date=today)
    partly = issue(community.host, community.chloe, issue_date=today)
    _pay(community, paid, 6050, reference="A")
    _pay(community, partly, 1050, reference="B")

    statements_run(host=community.host, month=today)

    statement = Statement.objects.get(user=community.chloe)
    rows = statement.data["open_invoices"]
    assert sorted((r["number"], r["amount_due"]) for r in rows) == sorted(
        [(untouched.number, "60.50"), (partly.number, "50.00")]
    )
    client.force_login(community.chloe)
    page = client.get(reverse("invoicing:statement", args=[statement.pk])).content.decode()
    assert partly.number in page
    assert "€50.00 still due" in page
    assert paid.number not in page


def test_members_and_the_host_see_the_payment_state(community, client) -> None:
    invoice = issue(community.host, community.chloe)
    _pay(community, invoice, 2000, reference="BANKREF-77")
    line = BankLine.objects.get()

    client.force_login(community.chloe)
    mine = client.get(reverse("invoicing:mine")).content.decode()
    assert "partly paid" in mine
    assert "€40.50 still due" in mine
    detail = client.get(reverse("invoicing:document", args=[invoice.pk])).content.decode()
    assert 'id="amount-due">€40.50' in detail
    assert line.bank_reference not in detail  # for the host's books only
    api = client.get(f"/api/v1/invoicing/documents/{invoice.pk}").json()
    assert (api["payment_state"], api["amount_paid"], api["amount_due"]) == (
        "partly_paid",
        "20.00",
        "40.50",
    )
    assert api["payments"] == [
        {"amount": "20.00", "paid_on": "2026-11-20", "method": "bank", "bank_reference": None}
    ]
    listed = client.get("/api/v1/invoicing/documents").json()["items"]
    assert listed[0]["payments"][0]["bank_reference"] is None

    for person in (community.anna, community.femke):
        client.force_login(person)
        table = client.get(
            reverse("invoicing:host_documents", args=[community.host.slug])
        ).content.decode()
        assert "BANKREF-77" in table
        assert "€40.50 still due" in table
        detail = client.get(reverse("invoicing:document", args=[invoice.pk])).content.decode()
        assert "BANKREF-77" in detail
        hosted = client.get(f"/api/v1/invoicing/hosts/{community.host.slug}/documents").json()
        assert hosted["items"][0]["payments"][0]["bank_reference"] == "BANKREF-77"

    client.force_login(community.anna)
    response = client.post(
        reverse("invoicing:document_manage", args=[invoice.pk]), {"action": "paid"}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.payment_state == PaymentState.PAID
    paid = client.post(f"/api/v1/invoicing/documents/{invoice.pk}/paid")
    assert (paid.status_code, paid.json()["code"]) == (409, "already_paid")


def test_host_documents_query_count_does_not_grow_with_payments(
    community, client, django_assert_max_num_queries
) -> None:
    client.force_login(community.anna)
    url = reverse("invoicing:host_documents", args=[community.host.slug])
    _pay(community, issue(community.host, community.chloe), 1000, reference="R0")
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(1, 6):
        _pay(community, issue(community.host, community.chloe), 1000, reference=f"R{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
