"""Two unit settings of a scheme: whether the euro value includes VAT (a network may price
one credit at €50 all-in), and what happens to a member's positive net position at the end
of the year (kept as credit, or paid out through a SEPA payout batch)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.communities.models import Host
from samen.credits.actions import (
    delivery_confirm,
    delivery_record,
    scheme_update,
    settlement_credits,
    settlement_euros,
    wallet,
    year_end_close,
    year_ends_close,
)
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import YearEndClose, YearEndPolicy
from samen.credits.tests.factories import make_scheme
from samen.expenses.actions import payout_method_create
from samen.expenses.models import PayoutBatch
from samen.invoicing.actions import LineInput, billing_profile_save, vat_breakdown
from samen.invoicing.compensation import net_position
from samen.invoicing.models import Document, DocumentKind, PaymentMethod, PaymentState
from samen.invoicing.rendering import document_ubl
from samen.invoicing.tests.peppol import fatal_findings
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db
D = Decimal
ALL_IN = (D("41.32"), D("8.68"), D("50.00"))
PLUS_VAT = (D("50.00"), D("10.50"), D("60.50"))
SMALL = {"enterprise_number": "0712345630", "vat_number": "BE0712345630"}


def _status(community: Any, status: str) -> None:
    registered = status == "registered"
    billing_profile_save(
        actor=community.anna,
        host=community.host,
        user=community.chloe,
        company_name="Lambert Conseil" if registered else "",
        enterprise_number=SMALL["enterprise_number"] if registered else "",
        vat_number=SMALL["vat_number"] if registered else "",
        address="Rue Haute 5\n1000 Bruxelles",
        vat_status=status,
    )


def _session(scheme: Any, giver: Any, receiver: Any, on: dt.date | None = None) -> None:
    delivery = delivery_record(
        actor=giver,
        scheme=scheme,
        service_code="session",
        on=on or timezone.localdate(),
        member=receiver,
    )
    delivery_confirm(actor=receiver, delivery=delivery, confirmed_on=on)


def _totals(document: Document) -> tuple[Decimal, Decimal, Decimal]:
    return document.net_total, document.vat_total, document.gross_total


# --- the euro value includes VAT ------------------------------------------------------------


def test_vat_is_taken_out_of_an_all_in_price_once_on_the_total():
    line = LineInput("Session", D("1"), D("50.00"), D(21), price_includes_vat=True)
    assert vat_breakdown([line]) == [("S", D("21.00"), D("41.32"), D("8.68"))]
    # Three lines of €0.10 all-in: rounded per line the VAT would be 3 x 0.02; on the
    # total of €0.30 it is €0.05.
    tenth = LineInput("Step", D("0.002"), D("50.00"), D(21), price_includes_vat=True)
    assert vat_breakdown([tenth] * 3) == [("S", D("21.00"), D("0.25"), D("0.05"))]
    # Excluding VAT, as before: €50 + 21 %.
    plain = LineInput("Session", D("1"), D("50.00"), D(21))
    assert vat_breakdown([plain]) == [("S", D("21.00"), D("50.00"), D("10.50"))]


@pytest.mark.parametrize(
    ("includes_vat", "invoice", "note", "settles"),
    [
        (True, (D("41.32"), D("8.68"), D("50.00")), (D("41.32"), D("8.68"), D("50.00")), "50.00"),
        (
            False,
            (D("50.00"), D("10.50"), D("60.50")),
            (D("50.00"), D("10.50"), D("60.50")),
            "60.50",
        ),
    ],
)
def test_documents_follow_the_units_vat_setting(
    community, tmp_path, includes_vat, invoice, note, settles
):
    """Chloé (VAT-registered) gives Bram a session: his invoice and her credit note carry
    the amounts of the unit's setting, and both UBL files pass the Peppol rules."""
    scheme = make_scheme(community, euro_value_includes_vat=includes_vat)
    _status(community, "registered")
    _session(scheme, community.chloe, community.bram)
    bram_invoice = Document.objects.get(customer=community.bram, kind=DocumentKind.INVOICE)
    chloe_note = Document.objects.get(customer=community.chloe, kind=DocumentKind.CREDIT_NOTE)
    assert _totals(bram_invoice) == invoice
    assert _totals(chloe_note) == note
    (line,) = bram_invoice.lines.all()
    assert line.line_net == invoice[0]
    for document in (bram_invoice, chloe_note):
        xml = document_ubl(document)
        assert fatal_findings(xml, tmp_path, f"{document.number}.xml") == []
    price = ET.fromstring(document_ubl(bram_invoice)).findtext(".//{*}Price/{*}PriceAmount")
    assert price == ("41.32" if includes_vat else "50.00")
    # Bram's debt of one credit is settled by exactly the invoice's total.
    assert settlement_euros(scheme.unit, 1000, includes_vat=includes_vat) == D(settles)
    cents = int(D(settles) * 100)
    assert settlement_credits(scheme.unit, cents, includes_vat=includes_vat) == 1000


def test_with_an_all_in_unit_a_private_provider_is_even_in_euros_too(community):
    """€50 all-in: a private person's credit note (no VAT) and the invoice she receives
    (VAT inside the €50) are equal, so a balance of zero owes nothing, VAT included."""
    scheme = make_scheme(community, euro_value_includes_vat=True)
    _status(community, "private")
    _session(scheme, community.chloe, community.bram)
    _session(scheme, community.bram, community.chloe)
    note = Document.objects.get(customer=community.chloe, kind=DocumentKind.CREDIT_NOTE)
    invoice = Document.objects.get(customer=community.chloe, kind=DocumentKind.INVOICE)
    assert _totals(note) == (D("50.00"), D("0.00"), D("50.00"))
    assert _totals(invoice) == (D("41.32"), D("8.68"), D("50.00"))
    position = net_position(community.host, community.chloe)
    assert (position.amount, position.vat_not_offset) == (D("0.00"), D("0.00"))
    assert balance(wallet(scheme, community.chloe)) == 0
    for document in (note, invoice):
        document.refresh_from_db()
        assert document.payment_state == PaymentState.COMPENSATED


def test_the_scheme_page_and_api_show_the_settings_and_the_form_changes_the_policy(
    client, community
):
    scheme = make_scheme(community, euro_value_includes_vat=True)
    slug = community.host.slug
    client.force_login(community.anna)
    shown = client.get(f"/api/v1/credits/{slug}/scheme").json()
    assert (shown["euro_value_includes_vat"], shown["year_end_positive"]) == (True, "keep")
    page = client.get(f"/credits/{slug}/dashboard/scheme/").content.decode()
    assert "The value includes VAT" in page
    response = client.post(
        f"/credits/{slug}/dashboard/scheme/",
        {
            "default_credit_limit": "2",
            "settle_in_euros": "on",
            "auto_confirm_days": "14",
            "year_end_positive": "pay_out",
        },
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.year_end_positive == YearEndPolicy.PAY_OUT
    assert scheme.euro_value_includes_vat  # part of the unit: the form does not change it


# --- a positive net position at the end of the year -------------------------------------------


def _last_year_chloe_gives_a_session(community: Any, policy: str) -> Any:
    """Last December Chloé (VAT-registered) gave Bram a session and received none: the
    network owes her €60.50 and her balance is +1 SIF."""
    last_year = timezone.localdate().year - 1
    with time_machine.travel(dt.datetime(last_year, 12, 10, 12, tzinfo=dt.UTC), tick=False):
        scheme = make_scheme(community, year_end_positive=policy)
        _status(community, "registered")
        _session(scheme, community.chloe, community.bram)
    Host.objects.filter(pk=community.host.pk).update(iban="BE68539007547034")
    scheme.host.refresh_from_db()
    return scheme


def test_kept_as_credit_nothing_is_paid(community):
    scheme = _last_year_chloe_gives_a_session(community, YearEndPolicy.KEEP)
    year = timezone.localdate().year - 1
    close = year_end_close(actor=None, scheme=scheme, year=year)
    assert close.members == [
        {"user_id": community.chloe.pk, "euros": "60.50", "credits": 0, "outcome": "kept"}
    ]
    assert close.batch is None
    note = Document.objects.get(customer=community.chloe)
    assert note.payment_state == PaymentState.OPEN
    assert balance(wallet(scheme, community.chloe)) == 1000


def test_paid_out_in_a_payout_batch_once(community):
    scheme = _last_year_chloe_gives_a_session(community, YearEndPolicy.PAY_OUT)
    payout_method_create(
        actor=community.chloe, iban="BE71 0961 2345 6769", account_holder="Chloé Lambert"
    )
    year = timezone.localdate().year - 1
    close = year_end_close(actor=None, scheme=scheme, year=year)
    assert close.members == [
        {"user_id": community.chloe.pk, "euros": "60.50", "credits": 1000, "outcome": "paid_out"}
    ]
    batch = PayoutBatch.objects.get()
    assert (close.batch, batch.total, batch.host) == (batch, 6050, community.host)
    assert "BE71096123456769" in batch.xml_v03
    assert "60.50" in batch.xml_v03
    note = Document.objects.get(customer=community.chloe)
    assert note.payment_state == PaymentState.PAID
    assert [p.method for p in note.payments.all()] == [PaymentMethod.PAYOUT]
    assert balance(wallet(scheme, community.chloe)) == 0
    assert net_position(community.host, community.chloe).amount == 0

    # Idempotent: again, or through the daily task, nothing more is paid.
    audits = AuditEntry.objects.count()
    assert year_end_close(actor=None, scheme=scheme, year=year) == close
    assert year_ends_close() == 0
    assert PayoutBatch.objects.count() == 1
    assert note.payments.count() == 1
    assert AuditEntry.objects.count() == audits


def test_without_a_bank_account_the_credit_is_kept(community):
    scheme = _last_year_chloe_gives_a_session(community, YearEndPolicy.PAY_OUT)
    assert year_ends_close() == 1
    close = YearEndClose.objects.get()
    assert close.members[0]["outcome"] == "no_bank_account"
    assert not PayoutBatch.objects.exists()
    assert Document.objects.get(customer=community.chloe).payment_state == PaymentState.OPEN
    assert balance(wallet(scheme, community.chloe)) == 1000


def test_a_year_that_has_not_ended_is_refused(community):
    scheme = make_scheme(community)
    scheme_update(actor=community.anna, scheme=scheme, year_end_positive=YearEndPolicy.PAY_OUT)
    with pytest.raises(CreditsError) as refused:
        year_end_close(actor=None, scheme=scheme, year=timezone.localdate().year)
    assert refused.value.code == CreditsErrorCode.YEAR_NOT_ENDED
    assert not YearEndClose.objects.exists()
