"""A member in debt sees what settles it in euros, when the scheme allows it, and what
the page offers when their open invoices ask less than the debt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from stdnum.be import ogm_vcs

from samen.audit.models import AuditEntry
from samen.credits.actions import (
    delivery_confirm,
    delivery_record,
    issuance,
    scheme_update,
    settlement_credits,
    settlement_euros,
    settlement_record,
    wallet,
)
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import Settlement
from samen.credits.queries import settlement
from samen.credits.tests.factories import chloe_owes_one_and_a_half, make_scheme
from samen.invoicing.actions import document_mark_paid, settlement_communication
from samen.invoicing.models import (
    Document,
    DocumentPayment,
    DocumentStatus,
    PaymentMethod,
    format_communication,
)
from samen.ledger.models import TransactionKind
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db


def _chloe_owes_one_and_a_half(community, scheme):
    session = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=session)
    workshop = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="workshop", on=timezone.localdate()
    )
    delivery_confirm(actor=community.anna, delivery=workshop)


def test_the_debt_in_euros_with_vat_and_the_communication(community):
    scheme = make_scheme(community)
    _chloe_owes_one_and_a_half(community, scheme)
    result = settlement(scheme, community.chloe, -1500)
    assert result is not None
    assert (result["net"], result["vat"], result["gross"]) == (
        Decimal("75.00"),
        Decimal("15.75"),
        Decimal("90.75"),
    )
    digits = result["communication"].strip("+").replace("/", "")
    assert digits.startswith("3")
    assert ogm_vcs.is_valid(digits)
    other = format_communication(settlement_communication(community.bram.pk))
    assert other != result["communication"]
    # Bram has no open invoice: there is nothing a settlement could pay.
    assert settlement(scheme, community.bram, -1000) is None
    assert settlement(scheme, community.bram, 0) is None


def test_member_page_shows_the_settlement_only_in_debt_and_when_allowed(client, community):
    scheme = make_scheme(community)
    _chloe_owes_one_and_a_half(community, scheme)
    url = reverse("credits:home", args=[community.host.slug])
    client.force_login(community.chloe)
    page = client.get(url).content.decode()
    assert 'id="settle-in-euros"' in page
    assert "€90.75" in page
    expected = settlement(scheme, community.chloe, -1500)
    assert expected is not None
    assert expected["communication"] in page
    assert "BE68 5390 0754 7034".replace(" ", "") in page.replace(" ", "")
    client.force_login(community.bram)  # earned a credit: nothing to settle
    assert 'id="settle-in-euros"' not in client.get(url).content.decode()
    scheme_update(actor=community.anna, scheme=scheme, settle_in_euros=False)
    client.force_login(community.chloe)
    assert 'id="settle-in-euros"' not in client.get(url).content.decode()


def test_exempt_units_settle_without_vat(community):
    scheme = make_scheme(community, vat_rate=None)
    workshop = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="workshop", on=timezone.localdate()
    )
    delivery_confirm(actor=community.anna, delivery=workshop)
    result = settlement(scheme, community.chloe, -500)
    assert result is not None
    assert (result["net"], result["vat"], result["gross"]) == (
        Decimal("25.00"),
        Decimal("0.00"),
        Decimal("25.00"),
    )


# --- booking a settlement ---------------------------------------------------------------------


def _book(community, scheme, cents, **extra):
    return settlement_record(
        actor=extra.pop("actor", community.anna),
        scheme=scheme,
        member=extra.pop("member", community.chloe),
        amount=cents,
        paid_on=extra.pop("paid_on", timezone.localdate()),
        **extra,
    )


def _balance(scheme, person):
    return balance(wallet(scheme, person))


def test_paying_the_debt_pays_the_invoices_oldest_first_and_restores_the_credits(community):
    scheme = make_scheme(community)
    workshop_invoice, session_invoice = chloe_owes_one_and_a_half(community, scheme)
    assert (workshop_invoice.gross_total, session_invoice.gross_total) == (
        Decimal("30.25"),
        Decimal("60.50"),
    )
    assert workshop_invoice.pk > session_invoice.pk  # oldest by date, not by id
    paid_on = timezone.localdate() - dt.timedelta(days=1)

    booked = _book(community, scheme, 9075, paid_on=paid_on)

    assert (booked.amount, booked.credits, booked.euros) == (9075, 1500, Decimal("90.75"))
    assert _balance(scheme, community.chloe) == 0
    for invoice in (workshop_invoice, session_invoice):
        invoice.refresh_from_db()
        assert invoice.status == DocumentStatus.PAID
        assert invoice.paid_on == paid_on
    payments = list(booked.payments.order_by("pk"))
    assert [(p.document_id, p.amount, p.method) for p in payments] == [
        (workshop_invoice.pk, Decimal("30.25"), PaymentMethod.SETTLEMENT),
        (session_invoice.pk, Decimal("60.50"), PaymentMethod.SETTLEMENT),
    ]
    assert all(p.bank_line is None and p.recorded_by == community.anna for p in payments)
    txn = booked.transaction
    assert txn.kind == TransactionKind.CREDIT_SETTLED
    assert txn.effective_date == timezone.localdate()
    assert txn.cause == booked
    assert not txn.is_public
    assert sorted(txn.entries.values_list("account_id", "amount")) == sorted(
        [(wallet(scheme, community.chloe).pk, 1500), (issuance(scheme).pk, -1500)]
    )
    # No document is issued for a settlement: the invoices exist already.
    assert Document.objects.filter(customer=community.chloe).count() == 2
    audit = AuditEntry.objects.get(action="credits.settlement_record")
    assert audit.actor == community.anna
    assert audit.data["invoices"] == [workshop_invoice.number, session_invoice.number]
    assert (audit.data["amount"], audit.data["credits"]) == ("90.75", 1500)
    # Nothing left to settle: the page says nothing about euros any more.
    assert settlement(scheme, community.chloe, 0) is None
    call_command("ledger_verify")


def test_a_partial_payment_restores_what_it_buys_rounded_down(community):
    scheme = make_scheme(community)
    workshop_invoice, session_invoice = chloe_owes_one_and_a_half(community, scheme)

    # €10.00 at €60.50 a credit (VAT included) is 0.16528... SIF: 0.165 is booked, and
    # the 0.16 cents of the rounding are not lost.
    first = _book(community, scheme, 1000)
    # €33.33 is 0.55090... SIF; with the remainder of the first, both together buy
    # 0.71619... SIF: 0.716, of which 0.165 were restored already.
    second = _book(community, scheme, 3333)

    assert (first.credits, second.credits) == (165, 551)
    assert _balance(scheme, community.chloe) == -1500 + 165 + 551
    workshop_invoice.refresh_from_db()
    session_invoice.refresh_from_db()
    assert workshop_invoice.status == DocumentStatus.PAID  # 10.00 + 20.25
    assert (session_invoice.status, session_invoice.amount_paid) == (
        DocumentStatus.OPEN,
        Decimal("13.08"),
    )
    assert [(p.document_id, p.amount) for p in second.payments.order_by("pk")] == [
        (workshop_invoice.pk, Decimal("20.25")),
        (session_invoice.pk, Decimal("13.08")),
    ]
    # What is still owed is offered on the member's page, and paying it settles all.
    rest = settlement(scheme, community.chloe, _balance(scheme, community.chloe))
    assert rest is not None
    assert (rest["credits"], rest["partial"]) == (784, False)
    assert rest["gross"] == Decimal("47.42") == Decimal("90.75") - Decimal("43.33")
    _book(community, scheme, 4742)
    assert _balance(scheme, community.chloe) == 0
    call_command("ledger_verify")


@pytest.mark.parametrize(("vat_rate", "euro_value"), [(Decimal(21), "50.00"), (None, "7.30")])
def test_the_euros_shown_for_any_debt_buy_back_exactly_that_debt(vat_rate, euro_value):
    from samen.ledger.models import Unit

    unit = Unit(code="SIF", decimals=3, euro_value=Decimal(euro_value), vat_rate=vat_rate)
    for debt in range(1, 3001):
        due = settlement_euros(unit, debt)
        assert settlement_credits(unit, int(due * 100)) >= debt, debt
        # A cent less never buys the whole debt back.
        assert settlement_credits(unit, int(due * 100) - 1) < debt, debt


def test_more_than_the_debt_no_debt_or_too_little_is_refused_and_writes_nothing(community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    refusals = [
        (9076, {}, CreditsErrorCode.MORE_THAN_DEBT, "which €90.75 settles"),
        (1, {}, CreditsErrorCode.TOO_SMALL, "less than 0.001 SIF"),
        (0, {}, CreditsErrorCode.INVALID, "above zero"),
        (1000, {"member": community.bram}, CreditsErrorCode.NO_DEBT, "Bram has no credit debt"),
        (
            1000,
            {"paid_on": timezone.localdate() + dt.timedelta(days=1)},
            CreditsErrorCode.FUTURE_DATE,
            "future",
        ),
        (1000, {"actor": community.chloe}, CreditsErrorCode.NOT_ALLOWED, ""),
        (1000, {"actor": community.femke}, CreditsErrorCode.NOT_ALLOWED, ""),
    ]
    for cents, extra, code, words in refusals:
        with pytest.raises(CreditsError) as err:
            _book(community, scheme, cents, **extra)
        assert err.value.code == code, cents
        assert words in err.value.message
    assert not Settlement.objects.exists()
    assert not DocumentPayment.objects.exists()
    assert _balance(scheme, community.chloe) == -1500
    scheme_update(actor=community.anna, scheme=scheme, settle_in_euros=False)
    with pytest.raises(CreditsError) as err:
        _book(community, scheme, 1000)
    assert err.value.code == CreditsErrorCode.SETTLEMENT_OFF


def test_never_more_than_the_open_invoices_ask(community, client):
    scheme = make_scheme(community)
    _workshop_invoice, session_invoice = chloe_owes_one_and_a_half(community, scheme)
    # Chloé paid the session's invoice directly; the debt in credits stays.
    document_mark_paid(actor=community.anna, document=session_invoice)

    with pytest.raises(CreditsError) as err:
        _book(community, scheme, 9075)
    assert err.value.code == CreditsErrorCode.MORE_THAN_INVOICES
    assert "€30.25" in err.value.message

    offered = settlement(scheme, community.chloe, -1500)
    assert offered is not None
    assert (offered["partial"], offered["payable"], offered["credits"]) == (
        True,
        Decimal("30.25"),
        500,
    )
    client.force_login(community.chloe)
    page = client.get(reverse("credits:home", args=[community.host.slug])).content.decode()
    assert "that is what your open invoices still ask" in page
    assert "€30.25" in page
    _book(community, scheme, 3025)
    assert _balance(scheme, community.chloe) == -1000
    assert settlement(scheme, community.chloe, -1000) is None  # nothing left to pay


def test_booking_again_with_the_same_key_books_once(community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    first = _book(community, scheme, 2000, idempotency_key="form-1")
    again = _book(community, scheme, 2000, idempotency_key="form-1")
    assert again.pk == first.pk
    with pytest.raises(CreditsError) as err:
        _book(community, scheme, 2500, idempotency_key="form-1")
    assert err.value.code == CreditsErrorCode.IDEMPOTENCY_CONFLICT
    assert Settlement.objects.count() == 1
    assert _balance(scheme, community.chloe) == -1500 + first.credits


def test_the_members_page_shows_the_settlement_among_the_movements(community, client):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    _book(community, scheme, 9075)
    client.force_login(community.chloe)
    page = client.get(reverse("credits:home", args=[community.host.slug])).content.decode()
    assert "Settlement in euros (€90.75 paid)" in page
    assert 'id="settle-in-euros"' not in page
    movements = client.get(f"/api/v1/credits/{community.host.slug}/movements").json()["items"]
    assert movements[0]["amount_units"] == 1500
    assert movements[0]["settlement_id"] == Settlement.objects.get().pk
    # In Dutch, too.
    community.chloe.language = "nl"
    community.chloe.save(update_fields=["language"])
    page = client.get(reverse("credits:home", args=[community.host.slug])).content.decode()
    assert "Vereffening in euro (90,75\u00a0€ betaald)" in page
