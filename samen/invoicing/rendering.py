"""Turn an issued document into files: a PDF in the member's language, a Peppol UBL 2.1 XML."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TypedDict
from xml.etree import ElementTree as ET

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from samen.banking.epc import Transfer, epc_qr_data_uri
from samen.invoicing.models import CATEGORIES_WITHOUT_RATE, Document, DocumentKind, VatCategory
from samen.invoicing.vat import (
    EXEMPTION_CODES,
    SCHEME_KBO,
    SELF_BILLING_CUSTOMIZATION,
    SELF_BILLING_MENTION,
    SELF_BILLING_PROFILE,
    peppol_endpoint,
)

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
_POSTCODE_LINE = re.compile(r"^\s*(?:[A-Z]{1,2}-)?(\d{4,5})\s+(.+?)\s*$")


def epc_transfer(document: Document) -> Transfer | None:
    """What the invoice's "scan to pay" QR code asks the member's bank to prefill; None when
    the member has no euros to pay."""
    if document.kind != DocumentKind.INVOICE or document.gross_total <= 0 or document.is_sale:
        return None
    return Transfer(
        name=document.issuer_name,
        iban=document.issuer_iban,
        amount_cents=int(document.gross_total * 100),
        reference=document.structured_communication,
        text=document.communication_display,
        bic=document.issuer_bic,
    )


def epc_qr_svg(document: Document) -> str:
    """An EPC ("scan to pay") QR code as an SVG data URI, when the member has euros to pay."""
    transfer = epc_transfer(document)
    return epc_qr_data_uri(transfer) if transfer else ""


def document_html(document: Document) -> str:
    """The document as HTML for the PDF, in the member's language."""
    with translation.override(document.language or settings.LANGUAGE_CODE):
        return render_to_string(
            "invoicing/pdf/document.html",
            {
                "document": document,
                "lines": list(document.lines.all()),
                "vat_rows": list(document.vat_rows.all()),
                "qr": epc_qr_svg(document),
                "issuer_address_lines": document.issuer_address.splitlines(),
                "customer_address_lines": document.customer_address.splitlines(),
                "self_billing_mention": SELF_BILLING_MENTION,
            },
        )


def document_pdf(document: Document) -> bytes:
    """The document as a PDF (WeasyPrint), in the member's language."""
    from weasyprint import HTML

    return bytes(HTML(string=document_html(document)).write_pdf())


def split_address(text: str) -> dict[str, str]:
    """Street, postcode and city from a free-text Belgian address (street first, then city)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    street, postcode, city = "", "", ""
    for line in lines:
        match = _POSTCODE_LINE.match(line)
        if match and not postcode:
            postcode, city = match.group(1), match.group(2)
        elif not street:
            street = line
    return {"street": street, "postcode": postcode, "city": city}


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _price(value: Decimal) -> str:
    """A unit price: two places, or up to four when a price including VAT needs them."""
    text = f"{value:.4f}"
    return text[:-2] if text.endswith("00") else text.rstrip("0")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    ns, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{CAC if ns == 'cac' else CBC}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


class _PartyFields(TypedDict):
    name: str
    address: str
    country: str
    enterprise: str
    vat_number: str


def _party(
    parent: ET.Element,
    *,
    name: str,
    address: str,
    country: str,
    enterprise: str,
    vat_number: str,
    tax_registration: bool = True,
    show_vat_number: bool = True,
) -> None:
    """A supplier or customer party. ``tax_registration``: a party without a VAT number shows
    its enterprise number as its tax registration (BT-32), which exempt lines need (BR-E-02);
    ``show_vat_number`` False leaves the VAT number out (BR-O-02 forbids the customer's on a
    document outside the scope of VAT)."""
    party = _sub(parent, "cac:Party")
    endpoint = peppol_endpoint(country=country, enterprise=enterprise, vat_number=vat_number)
    if endpoint is not None:
        _sub(party, "cbc:EndpointID", endpoint[1], schemeID=endpoint[0])
    _sub(_sub(party, "cac:PartyName"), "cbc:Name", name)
    parts = split_address(address)
    postal = _sub(party, "cac:PostalAddress")
    if parts["street"]:
        _sub(postal, "cbc:StreetName", parts["street"])
    if parts["city"]:
        _sub(postal, "cbc:CityName", parts["city"])
    if parts["postcode"]:
        _sub(postal, "cbc:PostalZone", parts["postcode"])
    _sub(_sub(postal, "cac:Country"), "cbc:IdentificationCode", country or "BE")
    if vat_number and show_vat_number:
        tax = _sub(party, "cac:PartyTaxScheme")
        _sub(tax, "cbc:CompanyID", vat_number)
        _sub(_sub(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    elif not vat_number and enterprise and tax_registration:
        tax = _sub(party, "cac:PartyTaxScheme")
        _sub(tax, "cbc:CompanyID", enterprise)
        _sub(_sub(tax, "cac:TaxScheme"), "cbc:ID", "TAX")
    legal = _sub(party, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", name)
    if enterprise and (country or "BE") == "BE":
        _sub(legal, "cbc:CompanyID", enterprise, schemeID=SCHEME_KBO)


def _tax_category(parent: ET.Element, tag: str, category: str, rate: Decimal) -> ET.Element:
    element = _sub(parent, tag)
    _sub(element, "cbc:ID", category)
    # Outside the scope of VAT there is no rate at all (BR-O-05, BR-O-09).
    if category != VatCategory.NOT_SUBJECT:
        _sub(element, "cbc:Percent", f"{rate:.2f}")
    return element


def document_ubl(document: Document) -> bytes:
    """Peppol BIS Billing 3.0 (UBL 2.1) XML for a member with a Belgian enterprise number.

    A self-billed invoice is a Peppol BIS Self-Billing 3.0 invoice of type 389: the member
    is the seller (AccountingSupplierParty) and the host, which issued it on their behalf,
    the buyer.
    """
    self_billed = document.self_billed
    is_invoice = document.kind == DocumentKind.INVOICE or self_billed
    ET.register_namespace("cac", CAC)
    ET.register_namespace("cbc", CBC)
    namespace = UBL_INVOICE if is_invoice else UBL_CREDIT_NOTE
    # The root's default namespace is written as a plain attribute: registering "" globally
    # would race between threads rendering invoices and credit notes at the same time.
    root = ET.Element("Invoice" if is_invoice else "CreditNote", {"xmlns": namespace})
    _sub(root, "cbc:CustomizationID", SELF_BILLING_CUSTOMIZATION if self_billed else CUSTOMIZATION)
    _sub(root, "cbc:ProfileID", SELF_BILLING_PROFILE if self_billed else PROFILE)
    _sub(root, "cbc:ID", document.number)
    _sub(root, "cbc:IssueDate", document.issue_date.isoformat())
    if is_invoice:
        _sub(root, "cbc:DueDate", document.due_date.isoformat())
        _sub(root, "cbc:InvoiceTypeCode", "389" if self_billed else "380")
    else:
        _sub(root, "cbc:CreditNoteTypeCode", "381")
    with translation.override(document.language or settings.LANGUAGE_CODE):
        if self_billed:
            _sub(root, "cbc:Note", str(SELF_BILLING_MENTION))
        if document.note:
            _sub(root, "cbc:Note", document.note)
        exemption_text = gettext("Exempt from VAT")
    _sub(root, "cbc:DocumentCurrencyCode", "EUR")
    # Peppol requires a buyer reference or an order reference; the member's own number is the
    # reference both sides know; a guest's purchase has only the document's own number.
    _sub(
        root,
        "cbc:BuyerReference",
        f"M{document.customer_id}" if document.customer_id else document.number,
    )
    if document.corrects_id:
        corrected = document.corrects
        assert corrected is not None
        reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(reference, "cbc:ID", corrected.number)
        _sub(reference, "cbc:IssueDate", corrected.issue_date.isoformat())
    vat_rows = list(document.vat_rows.all())
    outside_scope = any(row.category == VatCategory.NOT_SUBJECT for row in vat_rows)
    host_party: _PartyFields = {
        "name": document.issuer_name,
        "address": document.issuer_address,
        "country": document.issuer_country,
        "enterprise": document.issuer_enterprise_number,
        "vat_number": document.issuer_vat_number,
    }
    member_party: _PartyFields = {
        "name": document.customer_name,
        "address": document.customer_address,
        "country": document.customer_country,
        "enterprise": document.customer_enterprise_number,
        "vat_number": document.customer_vat_number,
    }
    if self_billed:
        _party(_sub(root, "cac:AccountingSupplierParty"), **member_party)
        _party(_sub(root, "cac:AccountingCustomerParty"), **host_party, tax_registration=False)
    else:
        _party(_sub(root, "cac:AccountingSupplierParty"), **host_party)
        _party(
            _sub(root, "cac:AccountingCustomerParty"),
            **member_party,
            tax_registration=False,
            show_vat_number=not outside_scope,
        )
    if document.delivery_date:
        _sub(
            _sub(root, "cac:Delivery"), "cbc:ActualDeliveryDate", document.delivery_date.isoformat()
        )
    if document.kind == DocumentKind.INVOICE and document.issuer_iban and not document.is_sale:
        means = _sub(root, "cac:PaymentMeans")
        _sub(means, "cbc:PaymentMeansCode", "30")
        _sub(means, "cbc:PaymentID", document.communication_display)
        account = _sub(means, "cac:PayeeFinancialAccount")
        _sub(account, "cbc:ID", document.issuer_iban)
        _sub(account, "cbc:Name", document.issuer_name)
    tax_total = _sub(root, "cac:TaxTotal")
    _sub(tax_total, "cbc:TaxAmount", _amount(document.vat_total), currencyID="EUR")
    for row in vat_rows:
        subtotal = _sub(tax_total, "cac:TaxSubtotal")
        _sub(subtotal, "cbc:TaxableAmount", _amount(row.taxable), currencyID="EUR")
        _sub(subtotal, "cbc:TaxAmount", _amount(row.amount), currencyID="EUR")
        category = _tax_category(subtotal, "cac:TaxCategory", row.category, row.rate)
        if row.category in CATEGORIES_WITHOUT_RATE:
            if row.category in EXEMPTION_CODES:
                _sub(category, "cbc:TaxExemptionReasonCode", EXEMPTION_CODES[row.category])
            _sub(category, "cbc:TaxExemptionReason", row.exemption_reason or exemption_text)
        _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    totals = _sub(root, "cac:LegalMonetaryTotal")
    _sub(totals, "cbc:LineExtensionAmount", _amount(document.net_total), currencyID="EUR")
    _sub(totals, "cbc:TaxExclusiveAmount", _amount(document.net_total), currencyID="EUR")
    _sub(totals, "cbc:TaxInclusiveAmount", _amount(document.gross_total), currencyID="EUR")
    if document.is_sale:  # paid with the purchase (or refunded with it): nothing left to pay
        _sub(totals, "cbc:PrepaidAmount", _amount(document.gross_total), currencyID="EUR")
    payable = Decimal("0.00") if document.is_sale else document.gross_total
    _sub(totals, "cbc:PayableAmount", _amount(payable), currencyID="EUR")
    line_tag = "cac:InvoiceLine" if is_invoice else "cac:CreditNoteLine"
    quantity_tag = "cbc:InvoicedQuantity" if is_invoice else "cbc:CreditedQuantity"
    for line in document.lines.all():
        element = _sub(root, line_tag)
        _sub(element, "cbc:ID", str(line.position))
        _sub(element, quantity_tag, f"{line.quantity.normalize():f}", unitCode="C62")
        _sub(element, "cbc:LineExtensionAmount", _amount(line.line_net), currencyID="EUR")
        item = _sub(element, "cac:Item")
        _sub(item, "cbc:Name", line.description[:100])
        category = _tax_category(
            item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate
        )
        _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
        price = _sub(element, "cac:Price")
        _sub(price, "cbc:PriceAmount", _price(line.unit_price), currencyID="EUR")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
