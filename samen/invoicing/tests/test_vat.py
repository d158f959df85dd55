"""VAT categories by issuer and customer (issue 10, items 8 and 9): a host without a VAT number,
reverse charge for EU businesses, foreign VAT numbers and Peppol endpoints, all validated with
the official Peppol rules."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest

from samen.communities.models import Host
from samen.invoicing.actions import LineInput, billing_profile_save, document_correct
from samen.invoicing.errors import InvoicingError, InvoicingErrorCode
from samen.invoicing.exports import vat_code
from samen.invoicing.models import Document, NumberCounter, VatCategory
from samen.invoicing.rendering import document_html, document_ubl
from samen.invoicing.tests.factories import issue, make_company_profile, make_host
from samen.invoicing.tests.peppol import fatal_findings

pytestmark = pytest.mark.django_db

CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
SESSION_21 = LineInput("Coaching session", Decimal("1"), Decimal("50.00"), Decimal(21))
SESSION_EXEMPT = LineInput("Coaching session", Decimal("1"), Decimal("50.00"), None)


def _no_vat_host(status: str) -> Host:
    """A small non-profit with an enterprise number and no VAT number."""
    return make_host(slug=f"vzw-{status}", vat_number="", vat_status=status)


def _endpoint(xml: bytes, party: str) -> tuple[str | None, str | None]:
    root = ET.fromstring(xml)
    element = root.find(f"{CAC}{party}/{CAC}Party/{CBC}EndpointID")
    assert element is not None
    return element.get("schemeID"), element.text


@pytest.mark.parametrize("rate", [Decimal(21), Decimal(6), Decimal(0)])
def test_host_without_vat_number_cannot_charge_vat(anna, rate):
    host = _no_vat_host("small")
    line = LineInput("Coaching session", Decimal("1"), Decimal("50.00"), rate)
    with pytest.raises(InvoicingError) as err:
        issue(host, anna, lines=[line])
    assert err.value.code == InvoicingErrorCode.HOST_CANNOT_CHARGE_VAT
    assert not Document.objects.exists()
    assert not NumberCounter.objects.filter(last__gt=0).exists()  # no number taken


@pytest.mark.parametrize(
    ("status", "category", "mention"),
    [
        ("small", "E", "article 56bis"),
        ("exempt", "E", "article 44"),
        ("subject", "E", "Exempt from VAT"),
        ("not_subject", "O", "Not subject to VAT"),
    ],
)
def test_host_without_vat_number_issues_exempt_documents_that_pass_peppol(
    anna, tmp_path, status, category, mention
):
    host = _no_vat_host(status)
    make_company_profile(host, anna)
    invoice = issue(host, anna, lines=[SESSION_EXEMPT, SESSION_EXEMPT])
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("100.00"),
        Decimal("0.00"),
        Decimal("100.00"),
    )
    (row,) = invoice.vat_rows.all()
    assert row.category == category
    assert mention in row.exemption_reason
    assert {line.vat_category for line in invoice.lines.all()} == {category}
    assert mention in document_html(invoice)
    note = document_correct(actor=None, invoice=invoice, reason="Cancelled", idempotency_key="c")
    assert note.vat_rows.get().category == category
    for document in (invoice, note):
        assert document.has_ubl
        xml = document_ubl(document)
        assert fatal_findings(xml, tmp_path, f"{document.number}.xml") == []
        assert mention.encode() in xml
        # The host's enterprise number stands in for the missing VAT number (BT-32).
        assert b"<cbc:CompanyID>0403170701</cbc:CompanyID>" in xml
        if category == "O":  # no buyer VAT number outside the scope of VAT (BR-O-02)
            assert b"BE0202239951" not in xml


def test_exempt_mention_is_in_the_members_language(make_user):
    sophie = make_user("sophie@example.org", "Sophie", language="fr")
    invoice = issue(_no_vat_host("small"), sophie, lines=[SESSION_EXEMPT])
    assert "Régime particulier de franchise des petites entreprises" in (
        invoice.vat_rows.get().exemption_reason
    )


def _french_customer(host, user):
    return billing_profile_save(
        actor=user,
        host=host,
        user=user,
        company_name="Atelier Lumière SARL",
        vat_number="FR 40 303 265 045",
        address="12 rue de la Paix\n75002 Paris",
        country="fr",
    )


def test_eu_business_customer_is_reverse_charged_with_a_valid_ubl(anna, tmp_path):
    host = make_host()
    profile = _french_customer(host, anna)
    assert (profile.country, profile.vat_number, profile.enterprise_number) == (
        "FR",
        "FR40303265045",
        "",
    )
    invoice = issue(host, anna, lines=[SESSION_21, SESSION_EXEMPT])
    rows = {row.category: row for row in invoice.vat_rows.all()}
    assert set(rows) == {"AE", "E"}
    assert rows["AE"].amount == Decimal("0.00")
    assert "Reverse charge" in rows["AE"].exemption_reason
    assert invoice.gross_total == Decimal("100.00")
    assert "Reverse charge" in document_html(invoice)
    note = document_correct(actor=None, invoice=invoice, reason="Cancelled", idempotency_key="c")
    assert {row.category for row in note.vat_rows.all()} == {"AE", "E"}
    for document in (invoice, note):
        assert document.has_ubl
        xml = document_ubl(document)
        assert fatal_findings(xml, tmp_path, f"{document.number}.xml") == []
        assert _endpoint(xml, "AccountingCustomerParty") == ("9957", "FR40303265045")
        assert _endpoint(xml, "AccountingSupplierParty") == ("0208", "0403170701")
        assert b"VATEX-EU-AE" in xml
    assert vat_code(VatCategory.REVERSE_CHARGE, Decimal("0.00")) == "AE"


def test_belgian_business_and_private_customers_abroad_pay_belgian_vat(anna, bram):
    host = make_host()
    make_company_profile(host, anna)
    billing_profile_save(
        actor=bram, host=host, user=bram, address="Rue X 1\n75002 Paris", country="FR"
    )
    for person in (anna, bram):
        invoice = issue(host, person, lines=[SESSION_21])
        assert invoice.vat_rows.get().category == "S"
        assert invoice.vat_total == Decimal("10.50")
    assert not Document.objects.get(customer=bram).has_ubl  # a private person: PDF only


@pytest.mark.parametrize(
    ("country", "number", "scheme", "endpoint"),
    [
        ("DE", "DE136695976", "9930", "DE136695976"),
        ("NL", "NL004495445B01", "9944", "NL004495445B01"),
        ("GR", "EL094259216", "9933", "EL094259216"),
        ("IT", "IT00743110157", "0211", "IT00743110157"),
        ("DK", "DK13585628", "0184", "13585628"),
        ("SE", "SE556188840401", "0007", "5561888404"),
        ("FI", "FI20774740", "0216", "003720774740"),
    ],
)
def test_eu_customers_get_their_countrys_peppol_scheme(
    anna, tmp_path, country, number, scheme, endpoint
):
    host = make_host()
    billing_profile_save(
        actor=anna,
        host=host,
        user=anna,
        company_name="Customer Ltd",
        vat_number=number[2:],  # typed without the country prefix
        address="Hauptstraße 1\n10115 City",
        country=country,
    )
    xml = document_ubl(issue(host, anna, lines=[SESSION_21]))
    assert _endpoint(xml, "AccountingCustomerParty") == (scheme, endpoint)
    assert fatal_findings(xml, tmp_path) == []


@pytest.mark.parametrize(
    ("country", "number"),
    [
        ("FR", "FR40303265046"),  # wrong check digits
        ("FR", "DE136695976"),  # a valid number of another country
        ("DE", "DE13669597"),  # too short
    ],
)
def test_foreign_vat_numbers_are_validated(anna, country, number):
    host = make_host()
    with pytest.raises(InvoicingError) as err:
        billing_profile_save(actor=anna, host=host, user=anna, vat_number=number, country=country)
    assert err.value.code == InvoicingErrorCode.BAD_VAT_NUMBER


def test_outside_the_eu_the_vat_number_is_kept_without_separators(anna):
    host = make_host()
    profile = billing_profile_save(
        actor=anna, host=host, user=anna, vat_number="che-123.456.788", country="CH"
    )
    assert profile.vat_number == "CHE123456788"
    with pytest.raises(InvoicingError) as err:  # longer than any VAT number (and the column)
        billing_profile_save(
            actor=anna, host=host, user=anna, vat_number="CHE-123.456.788 MWST", country="CH"
        )
    assert err.value.code == InvoicingErrorCode.BAD_VAT_NUMBER
    assert not issue(host, anna, lines=[SESSION_21]).has_ubl
