"""Compensation: open invoices and credit notes of one member and host set off, oldest first,
each set-off two payments naming each other; refused across hosts or members; the net
position with the VAT a VAT-free provider's credit notes do not offset."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from samen.invoicing.actions import LineInput, document_correct
from samen.invoicing.compensation import document_compensate, documents_compensate, net_position
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.models import (
    Document,
    DocumentKind,
    DocumentPayment,
    DocumentStatus,
    PaymentMethod,
    PaymentState,
)
from samen.invoicing.tests.factories import issue, make_host

pytestmark = pytest.mark.django_db

D = Decimal
SESSION = [LineInput("Session", D("1"), D("50.00"), D(21))]  # €60.50
HALF = [LineInput("Workshop", D("0.5"), D("50.00"), D(21))]  # €30.25
EXEMPT_SESSION = [LineInput("Session", D("1"), D("50.00"), None)]  # €50.00, no VAT


def _day(n: int) -> dt.date:
    return dt.date(2026, 3, 1) + dt.timedelta(days=n)


def test_oldest_first_with_the_rest_left_open(chloe):
    host = make_host()
    old = issue(host, chloe, lines=HALF, issue_date=_day(1))
    new = issue(host, chloe, lines=SESSION, issue_date=_day(3))
    note = issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=SESSION, issue_date=_day(5))

    assert documents_compensate(actor=None, host=host, customer=chloe) == D("60.50")

    old.refresh_from_db()
    new.refresh_from_db()
    note.refresh_from_db()
    assert old.payment_state == PaymentState.COMPENSATED
    assert note.payment_state == PaymentState.COMPENSATED
    assert (new.status, new.amount_paid, new.amount_due) == (
        DocumentStatus.OPEN,
        D("30.25"),
        D("30.25"),
    )
    assert new.payment_state == PaymentState.PARTLY_PAID
    # Each set-off is two payments of the same amount naming each other, dated when the
    # later of the two documents was issued.
    pairs = DocumentPayment.objects.filter(method=PaymentMethod.COMPENSATION)
    assert sorted((p.document_id, p.offsets_id, p.amount, p.paid_on) for p in pairs) == sorted(
        [
            (old.pk, note.pk, D("30.25"), _day(5)),
            (note.pk, old.pk, D("30.25"), _day(5)),
            (new.pk, note.pk, D("30.25"), _day(5)),
            (note.pk, new.pk, D("30.25"), _day(5)),
        ]
    )
    position = net_position(host, chloe)
    assert (position.amount, position.owes, position.owed) == (D("30.25"), D("30.25"), 0)
    # Nothing more to set off: a second run writes nothing.
    assert documents_compensate(actor=None, host=host, customer=chloe) == 0
    assert pairs.count() == 4


def test_the_network_owes_what_the_credit_notes_exceed(chloe):
    host = make_host()
    issue(host, chloe, lines=HALF, issue_date=_day(1))
    issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=SESSION, issue_date=_day(2))
    issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=SESSION, issue_date=_day(3))
    documents_compensate(actor=None, host=host, customer=chloe)
    position = net_position(host, chloe)
    assert (position.amount, position.owed, position.open_credit_notes) == (
        D("-90.75"),
        D("90.75"),
        D("90.75"),
    )
    assert position.open_invoices == 0


def test_two_hosts_are_never_set_off(chloe):
    mine, other = make_host(), make_host("ander", name="Ander netwerk")
    invoice = issue(mine, chloe)
    note = issue(other, chloe, DocumentKind.CREDIT_NOTE)

    with pytest.raises(InvoicingError) as caught:
        document_compensate(actor=None, invoice=invoice, credit_note=note)
    assert caught.value.code == InvoicingErrorCode.BAD_COMPENSATION
    assert documents_compensate(actor=None, host=mine, customer=chloe) == 0
    assert not DocumentPayment.objects.exists()
    assert net_position(mine, chloe).amount == D("60.50")
    assert net_position(other, chloe).amount == D("-60.50")


def test_two_members_are_never_set_off(bram, chloe):
    host = make_host()
    invoice = issue(host, chloe)
    note = issue(host, bram, DocumentKind.CREDIT_NOTE)
    with pytest.raises(InvoicingError) as caught:
        document_compensate(actor=None, invoice=invoice, credit_note=note)
    assert caught.value.code == InvoicingErrorCode.BAD_COMPENSATION
    assert documents_compensate(actor=None, host=host, customer=chloe) == 0
    assert not DocumentPayment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0


def test_two_invoices_or_a_settled_document_are_refused(chloe):
    host = make_host()
    first, second = issue(host, chloe), issue(host, chloe)
    note = issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=HALF)
    for invoice, credit_note in ((first, second), (note, first)):
        with pytest.raises(InvoicingError) as caught:
            document_compensate(actor=None, invoice=invoice, credit_note=credit_note)
        assert caught.value.code == InvoicingErrorCode.BAD_COMPENSATION
    with pytest.raises(InvoicingError) as caught:
        document_compensate(actor=None, invoice=first, credit_note=note, amount=D("40"))
    assert caught.value.code == InvoicingErrorCode.OVERPAID
    assert document_compensate(actor=None, invoice=first, credit_note=note) == D("30.25")
    with pytest.raises(InvoicingError) as caught:
        document_compensate(actor=None, invoice=second, credit_note=note)
    assert caught.value.code == InvoicingErrorCode.BAD_COMPENSATION
    assert DocumentPayment.objects.count() == 2


def test_a_correcting_credit_note_cancels_and_is_not_set_off(anna, chloe):
    host = make_host()
    wrong = issue(host, chloe)
    keep = issue(host, chloe, lines=HALF)
    correction = document_correct(
        actor=anna, invoice=wrong, reason="Wrong member", idempotency_key="fix-1"
    )
    with pytest.raises(InvoicingError):
        document_compensate(actor=None, invoice=keep, credit_note=correction)
    assert documents_compensate(actor=None, host=host, customer=chloe) == 0
    assert net_position(host, chloe).amount == D("30.25")


def test_vat_not_offset_for_a_provider_who_charges_none(chloe):
    """Chloé charges no VAT: her credit note is €50.00; the session she received is €60.50.
    Her credits are even, yet she owes the €10.50 VAT, and the page says why."""
    host = make_host()
    issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=EXEMPT_SESSION, issue_date=_day(1))
    issue(host, chloe, lines=SESSION, issue_date=_day(2))
    documents_compensate(actor=None, host=host, customer=chloe)
    position = net_position(host, chloe)
    assert (position.amount, position.vat_not_offset) == (D("10.50"), D("10.50"))


def test_the_same_vat_treatment_leaves_nothing_unexplained(chloe):
    host = make_host()
    issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=SESSION, issue_date=_day(1))
    issue(host, chloe, lines=SESSION, issue_date=_day(2))
    documents_compensate(actor=None, host=host, customer=chloe)
    position = net_position(host, chloe)
    assert (position.amount, position.vat_not_offset) == (0, 0)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_compensations_never_set_off_a_euro_twice(chloe, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; row-lock concurrency needs PostgreSQL")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    host = make_host()
    for day in range(4):
        issue(host, chloe, lines=HALF if day % 2 else SESSION, issue_date=_day(day))
        issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=SESSION, issue_date=_day(day))
    threads = 6
    barrier = threading.Barrier(threads)

    def run(_: int) -> Decimal:
        try:
            barrier.wait(timeout=10)
            return documents_compensate(actor=None, host=host, customer=chloe)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        totals = list(pool.map(run, range(threads)))

    # Invoices come to 2 x 60.50 + 2 x 30.25 = 181.50, credit notes to 242.00: one run sets
    # off the 181.50 and finds nothing left, the others wait for its locks and find nothing.
    assert sorted(totals) == [0] * (threads - 1) + [D("181.50")]
    compensation = DocumentPayment.objects.filter(method=PaymentMethod.COMPENSATION)
    by_kind = dict(
        compensation.values("document__kind")
        .annotate(total=Sum("amount"))
        .values_list("document__kind", "total")
    )
    assert by_kind == {DocumentKind.INVOICE: D("181.50"), DocumentKind.CREDIT_NOTE: D("181.50")}
    for document in Document.objects.all():
        assert document.amount_paid == document.amount_compensated <= document.gross_total
    assert net_position(host, chloe).amount == D("-60.50")
