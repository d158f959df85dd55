"""Settlements found by the bank import: real camt.053 and CODA files carrying a member's
settlement communication, lines left for a host admin with a reason, and importing twice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samen.banking import actions as bank
from samen.banking import matching
from samen.banking.tests.bankfiles import Line, camt053_file, coda_file
from samen.credits.actions import wallet
from samen.credits.matching import explain_lines, match_settlement, member_id_of
from samen.credits.models import Settlement
from samen.credits.tests.factories import chloe_owes_one_and_a_half, make_scheme
from samen.funding.models import BankLine, LineStatus
from samen.invoicing.actions import settlement_communication
from samen.invoicing.models import DocumentPayment, DocumentStatus, PaymentMethod
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db

PAYER = ("Chloé Janssens", "BE71096123456769")


def _line(community, cents: int, reference: str, person=None) -> Line:
    person = person or community.chloe
    return Line(
        cents,
        *PAYER,
        structured=settlement_communication(person.pk),
        reference=reference,
        booked=timezone.localdate(),
    )


def _import(community, data: bytes):
    return bank.bank_import(actor=community.anna, host=community.host, data=data)


@pytest.mark.parametrize("build", [camt053_file, coda_file])
def test_a_transfer_with_the_settlement_communication_settles_the_debt(community, build):
    scheme = make_scheme(community)
    invoices = chloe_owes_one_and_a_half(community, scheme)
    data = build([_line(community, 9075, "SETTLE-1")])

    result = _import(community, data)

    assert result.matched == 1
    settlement = Settlement.objects.get()
    line = BankLine.objects.get()
    assert (settlement.member, settlement.amount, settlement.credits) == (
        community.chloe,
        9075,
        1500,
    )
    assert (settlement.bank_line, settlement.paid_on, settlement.recorded_by) == (
        line,
        timezone.localdate(),
        None,
    )
    assert balance(wallet(scheme, community.chloe)) == 0
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.status == DocumentStatus.PAID
    payments = DocumentPayment.objects.order_by("pk")
    assert [p.method for p in payments] == [PaymentMethod.SETTLEMENT] * 2
    assert [p.document_id for p in payments] == [d.pk for d in invoices]
    assert line.status == LineStatus.MATCHED
    assert line.matched_type == ContentType.objects.get_for_model(Settlement)
    assert line.matched_id == str(settlement.pk)
    assert settlement.transaction is not None
    assert settlement.transaction.actor is None

    # The same file again, or the same line in an overlapping statement: nothing changes.
    assert _import(community, data).already_imported
    overlap = _import(community, build([_line(community, 9075, "SETTLE-1")], day=line.booking_date))
    assert overlap.matched == 0
    assert Settlement.objects.count() == 1
    assert DocumentPayment.objects.count() == 2
    assert balance(wallet(scheme, community.chloe)) == 0
    call_command("ledger_verify")


def test_a_part_of_the_debt_by_bank_restores_part_of_it(community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    _import(community, camt053_file([_line(community, 2000, "PART-1")], statement_id="A"))
    _import(community, camt053_file([_line(community, 2000, "PART-2")], statement_id="B"))
    # €20.00 buys 0.330 SIF, both together 0.661 (the first's rounding is carried).
    assert list(Settlement.objects.order_by("pk").values_list("credits", flat=True)) == [330, 331]
    assert balance(wallet(scheme, community.chloe)) == -1500 + 661


def test_the_matcher_is_safe_when_run_twice_on_a_line(community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    _import(community, camt053_file([_line(community, 3000, "TWICE")]))
    stale = BankLine.objects.get()
    stale.status = LineStatus.UNMATCHED  # as a matcher holding an old copy would see it
    assert match_settlement(stale) is True
    assert Settlement.objects.count() == 1
    assert balance(wallet(scheme, community.chloe)) == -1500 + 495


def test_more_than_the_debt_or_no_debt_stays_unmatched_with_a_reason(community, client):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    data = camt053_file(
        [
            _line(community, 9076, "TOO-MUCH"),
            _line(community, 1000, "NO-DEBT", person=community.bram),
        ]
    )

    result = _import(community, data)

    assert result.matched == 0
    assert not Settlement.objects.exists()
    assert not DocumentPayment.objects.exists()
    assert balance(wallet(scheme, community.chloe)) == -1500
    too_much, no_debt = BankLine.objects.order_by("position")
    assert {too_much.status, no_debt.status} == {LineStatus.UNMATCHED}
    notes = matching.explain_lines([too_much, no_debt])
    (note,) = notes[too_much.pk]
    assert "Chloé owes 1.500 SIF, which €90.75 settles: €90.76 is more than that." in note.text
    assert note.url == (
        reverse("credits:settlements", args=[community.host.slug])
        + f"?member={community.chloe.pk}&line={too_much.pk}#settle"
    )
    (note,) = notes[no_debt.pk]
    assert "Bram has no credit debt to settle." in note.text
    client.force_login(community.anna)
    page = client.get(reverse("funding:dashboard_bank", args=[community.host.slug]))
    assert "Not booked as a credit settlement of Chloé" in page.content.decode()


def test_other_lines_are_not_settlements(community, make_user):
    from samen.invoicing.tests.factories import make_host

    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    assert member_id_of(settlement_communication(community.chloe.pk)) == community.chloe.pk
    wrong_check = settlement_communication(community.chloe.pk)[:10] + "00"
    assert member_id_of(wrong_check) is None
    assert member_id_of("1" + settlement_communication(community.chloe.pk)[1:]) is None
    # Another host without a scheme, an outgoing line, another currency.
    elsewhere = make_host("elders")
    data = camt053_file([_line(community, 9075, "ELSEWHERE")])
    assert bank.bank_import(actor=None, host=elsewhere, data=data).matched == 0
    assert explain_lines(list(BankLine.objects.filter(host=elsewhere))) == {}
    outgoing = camt053_file([_line(community, -9075, "OUT")], statement_id="OUT")
    assert _import(community, outgoing).matched == 0
    line = BankLine.objects.get(host=community.host)
    line.amount, line.currency = 9075, "USD"
    assert match_settlement(line) is False
    assert "in euros only" in explain_lines([line])[line.pk].text
    assert not Settlement.objects.exists()
    assert balance(wallet(scheme, community.chloe)) == -1500


def test_a_debt_that_came_later_can_be_booked_from_the_reason(community):
    scheme = make_scheme(community)
    _import(community, camt053_file([_line(community, 9075, "EARLY")]))  # no debt yet
    chloe_owes_one_and_a_half(community, scheme)
    line = BankLine.objects.get()
    (note,) = matching.explain_lines([line])[line.pk]
    assert note.text == "Could settle the credit debt of Chloé."
    assert Decimal(line.amount) == 9075


def test_a_host_admin_books_a_waiting_line_from_its_note(community, client):
    """The note's link opens the settlement form on that line: its amount and date are the
    bank's (a changed amount in the POST is ignored), and booking matches the line."""
    scheme = make_scheme(community)
    _import(community, camt053_file([_line(community, 9075, "EARLY")]))  # no debt yet
    chloe_owes_one_and_a_half(community, scheme)
    line = BankLine.objects.get()
    (note,) = matching.explain_lines([line])[line.pk]
    client.force_login(community.anna)
    page = client.get(note.url.split("#")[0])
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="bank-line"' in body
    assert "€90.75" in body
    token = page.context["form"].initial["token"]
    response = client.post(
        reverse("credits:settlements", args=[community.host.slug]),
        {"member": community.chloe.pk, "amount": "1", "token": token, "line": line.pk},
    )
    assert response.status_code == 302
    settlement = Settlement.objects.get()
    assert (settlement.amount, settlement.paid_on) == (9075, line.booking_date)
    line.refresh_from_db()
    assert line.status == LineStatus.MATCHED
    assert settlement.bank_line_id == line.pk
    assert balance(wallet(scheme, community.chloe)) == 0
    # The line is no longer waiting: the form falls back to booking by hand.
    assert 'id="bank-line"' not in client.get(note.url.split("#")[0]).content.decode()
