"""Compensation: open invoices and credit notes of one member and host set off, oldest first,
each set-off two payments naming each other; refused across hosts or members; the net
position with the VAT a VAT-free provider's credit notes do not offset."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum

from samen.audit.models import AuditEntry
from samen.invoicing.actions import LineInput, document_correct, document_payment_record
from samen.invoicing.compensation import (
    NetPosition,
    document_compensate,
    documents_compensate,
    net_position,
    net_positions,
)
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


def test_a_set_off_names_its_actor_and_is_audited_with_both_numbers(anna, chloe):
    """Each set-off is recorded by the person who made it, dated when the later of the two
    documents was issued (here the invoice), and audited with both numbers and the amount."""
    host = make_host()
    note = issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=HALF, issue_date=_day(2))
    invoice = issue(host, chloe, issue_date=_day(4))

    assert document_compensate(actor=anna, invoice=invoice, credit_note=note) == D("30.25")

    payments = DocumentPayment.objects.filter(method=PaymentMethod.COMPENSATION)
    assert sorted((p.document_id, p.recorded_by_id, p.paid_on) for p in payments) == sorted(
        [(invoice.pk, anna.pk, _day(4)), (note.pk, anna.pk, _day(4))]
    )
    entry = AuditEntry.objects.get(action="invoicing.compensation")
    assert (entry.actor_id, entry.target_id, entry.host_id) == (anna.pk, str(invoice.pk), host.pk)
    assert entry.data == {
        "invoice": invoice.number,
        "credit_note": note.number,
        "amount": "30.25",
        "paid_on": _day(4).isoformat(),
    }


def test_a_chosen_amount_is_in_cents_and_positive(chloe):
    host = make_host()
    invoice = issue(host, chloe)
    note = issue(host, chloe, DocumentKind.CREDIT_NOTE)
    for amount in (D("0"), D("-1.00"), D("0.004")):  # the last rounds to no cent at all
        with pytest.raises(InvoicingError) as caught:
            document_compensate(actor=None, invoice=invoice, credit_note=note, amount=amount)
        assert caught.value.code == InvoicingErrorCode.BAD_AMOUNT
    assert not DocumentPayment.objects.exists()

    assert document_compensate(actor=None, invoice=invoice, credit_note=note, amount=D("0.5")) == D(
        "0.50"
    )
    # Without an amount, what is left on both sides.
    assert document_compensate(actor=None, invoice=invoice, credit_note=note) == D("60.00")
    invoice.refresh_from_db()
    note.refresh_from_db()
    assert invoice.payment_state == note.payment_state == PaymentState.COMPENSATED


def test_three_invoices_and_three_credit_notes_are_set_off_pair_by_pair(chloe):
    host = make_host()
    documents = [
        issue(host, chloe, kind, lines=HALF, issue_date=_day(day))
        for day in (1, 2, 3)
        for kind in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)
    ]
    assert documents_compensate(actor=None, host=host, customer=chloe) == D("90.75")
    for document in documents:
        document.refresh_from_db()
        assert document.payment_state == PaymentState.COMPENSATED
    # Each invoice is set off against the credit note of its own day.
    pairs = DocumentPayment.objects.filter(document__kind=DocumentKind.INVOICE)
    assert sorted((p.document_id, p.offsets_id) for p in pairs) == [
        (documents[i].pk, documents[i + 1].pk) for i in (0, 2, 4)
    ]


@pytest.mark.parametrize(
    ("note_price", "invoice_price", "owes", "vat_not_offset"),
    [
        # The whole VAT of the invoice is not offset: she owes more than that.
        (D("20.00"), D("50.00"), D("40.50"), D("10.50")),
        # She owes less than the VAT: only what she owes is VAT not offset.
        (D("55.00"), D("50.00"), D("5.50"), D("5.50")),
        # A few cents of VAT count as well.
        (D("1.00"), D("2.00"), D("1.42"), D("0.42")),
    ],
)
def test_vat_not_offset_before_and_after_compensation(
    chloe, note_price, invoice_price, owes, vat_not_offset
):
    """A VAT-free credit note and an invoice at 21 %: open or set off, the VAT on the invoice
    is not offset, up to what the member owes."""
    host = make_host()
    note_lines = [LineInput("Advice", D("1"), note_price, None)]
    issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=note_lines, issue_date=_day(1))
    invoice = issue(
        host, chloe, lines=[LineInput("Session", D("1"), invoice_price, D(21))], issue_date=_day(2)
    )

    before = net_position(host, chloe)
    assert (before.amount, before.open_invoices, before.open_credit_notes) == (
        owes,
        invoice.gross_total,
        note_price,
    )
    assert before.vat_not_offset == vat_not_offset

    documents_compensate(actor=None, host=host, customer=chloe)
    after = net_position(host, chloe)
    # The statement's snapshot (compared as numbers: SQLite's sums may drop trailing zeros).
    assert {key: D(value) for key, value in after.as_data().items()} == {
        "net": owes,
        "open_invoices": owes,
        "open_credit_notes": 0,
        "vat_not_offset": vat_not_offset,
    }


def test_vat_not_offset_counts_invoices_already_set_off(chloe):
    """Two €50.00 VAT-free credit notes against two €60.50 sessions: the first session is
    paid by compensation, the second partly; both sessions' VAT (€21.00) is not offset."""
    host = make_host()
    for day in (1, 2):
        issue(host, chloe, DocumentKind.CREDIT_NOTE, lines=EXEMPT_SESSION, issue_date=_day(day))
    first = issue(host, chloe, lines=SESSION, issue_date=_day(3))
    issue(host, chloe, lines=SESSION, issue_date=_day(4))

    assert documents_compensate(actor=None, host=host, customer=chloe) == D("100.00")
    first.refresh_from_db()
    assert first.status == DocumentStatus.PAID
    position = net_position(host, chloe)
    assert (position.amount, position.vat_not_offset) == (D("21.00"), D("21.00"))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_compensations_never_set_off_a_euro_twice(chloe, settings):
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


def test_vat_not_offset_counts_only_this_hosts_vat_free_credit_notes_and_vat_invoices(
    make_user,
):
    """Every member below owes the host €60.50 for a session with €10.50 VAT (and some a
    VAT-free credit note of €20.00). Only a member whose own credit notes at this host carry
    no VAT and do not correct an invoice is a VAT-free provider, and only the VAT of this
    host's invoices that are open or repaid by services is not offset."""
    host, elsewhere = make_host(), make_host(slug="elders", vat_number="BE0403170799")
    fee = [LineInput("Advice", D("1"), D("20.00"), None)]
    people = {
        name: make_user(f"{name}@example.org", name.title())
        for name in ("provider", "abroad", "corrected", "exempt", "charged", "banked", "mixed")
    }
    for person in people.values():
        issue(host, person, lines=SESSION, issue_date=_day(5))
    # A VAT-free provider here: her VAT is not offset (€60.50 + €60.50 elsewhere - €20.00).
    issue(host, people["provider"], DocumentKind.CREDIT_NOTE, lines=fee, issue_date=_day(1))
    issue(elsewhere, people["provider"], lines=SESSION, issue_date=_day(2))
    # A VAT-free provider at the other host only.
    issue(elsewhere, people["abroad"], DocumentKind.CREDIT_NOTE, lines=fee, issue_date=_day(1))
    # A VAT-free credit note here that corrects a VAT-free invoice: no service given.
    mistake = issue(host, people["corrected"], lines=EXEMPT_SESSION, issue_date=_day(1))
    document_correct(actor=None, invoice=mistake, reason="Not hers", idempotency_key="fix-2")
    # A VAT-free invoice here, not a credit note.
    issue(host, people["exempt"], lines=EXEMPT_SESSION, issue_date=_day(1))
    # A credit note here that charges VAT (€24.20): the same treatment on both sides.
    charged = [LineInput("Advice", D("1"), D("20.00"), D(21))]
    issue(host, people["charged"], DocumentKind.CREDIT_NOTE, lines=charged, issue_date=_day(1))
    # A VAT-free provider with an earlier session paid by bank: its VAT was paid in money.
    issue(host, people["banked"], DocumentKind.CREDIT_NOTE, lines=fee, issue_date=_day(1))
    paid = issue(host, people["banked"], lines=SESSION, issue_date=_day(2))
    document_payment_record(actor=None, document=paid, method=PaymentMethod.BANK)
    # A VAT-free provider who also has a credit note with VAT: only invoices' VAT counts.
    issue(host, people["mixed"], DocumentKind.CREDIT_NOTE, lines=fee, issue_date=_day(1))
    issue(host, people["mixed"], DocumentKind.CREDIT_NOTE, lines=charged, issue_date=_day(2))

    ids = [person.pk for person in people.values()]
    positions = net_positions(host.pk, ids)
    assert {
        name: (positions[person.pk].amount, positions[person.pk].vat_not_offset)
        for name, person in people.items()
    } == {
        "provider": (D("40.50"), D("10.50")),
        "abroad": (D("60.50"), 0),
        "corrected": (D("60.50"), 0),
        "exempt": (D("110.50"), 0),
        "charged": (D("36.30"), 0),
        "banked": (D("40.50"), D("10.50")),
        "mixed": (D("16.30"), D("10.50")),
    }
    assert net_positions(elsewhere.pk, ids)[people["provider"].pk] == NetPosition(
        amount=D("60.50"), open_invoices=D("60.50"), vat_not_offset=D(0)
    )
