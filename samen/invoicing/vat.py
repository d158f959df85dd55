"""VAT rules of the documents: which category a line gets, which legal mention goes with it,
whose VAT numbers are valid and how a party is reached on Peppol.

One place decides, so that the issuing action, the PDF and the UBL file never disagree:

- a host without a VAT number is not identified for VAT and cannot charge it: its lines are
  exempt (category E, with the mention of its status) or, when the host is not subject to VAT
  at all, outside the scope of VAT (category O);
- a VAT-registered host selling services to a business in another EU member state with a valid
  VAT number does not charge Belgian VAT: the customer reverse-charges it (category AE,
  article 196 of Directive 2006/112/EC, article 21 § 2 of the Belgian VAT Code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from samen.invoicing.models import VatCategory

#: EU member states by ISO country code (Greece writes EL in its VAT numbers).
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip
#: Peppol EAS codes for a VAT number, per country (the code list's "<country>:VAT" schemes).
VAT_ENDPOINT_SCHEMES = {
    "AT": "9914", "BE": "9925", "BG": "9926", "CY": "9928", "CZ": "9929", "DE": "9930",
    "EE": "9931", "ES": "9920", "FR": "9957", "GR": "9933", "HR": "9934", "HU": "9910",
    "IE": "9935", "LT": "9937", "LU": "9938", "LV": "9939", "MT": "9943", "NL": "9944",
    "PL": "9945", "PT": "9946", "RO": "9947", "SI": "9949", "SK": "9950",
}  # fmt: skip
#: ISO 6523 scheme of the Belgian enterprise number (KBO/BCE) in Peppol.
SCHEME_KBO = "0208"

#: The legal mention per host VAT status (``communities.VatStatus`` values) for lines without
#: VAT; a host subject to VAT but without a number yet uses the caller's reason.
STATUS_MENTIONS = {
    "small": _("Small business exemption scheme (article 56bis of the Belgian VAT Code)"),
    "exempt": _("Exempt from VAT under article 44 of the Belgian VAT Code"),
    "not_subject": _("Not subject to VAT"),
}
REVERSE_CHARGE_MENTION = _(
    "Reverse charge: VAT to be paid by the customer (article 196 of Directive 2006/112/EC)"
)
#: VATEX codes of the CEF code list, for the categories that have exactly one.
EXEMPTION_CODES: dict[str, str] = {
    VatCategory.REVERSE_CHARGE: "VATEX-EU-AE",
    VatCategory.NOT_SUBJECT: "VATEX-EU-O",
}


def vat_country(country: str) -> str:
    """The prefix a country's VAT numbers start with (Greece: EL)."""
    country = (country or "").upper()
    return "EL" if country == "GR" else country


def normalize_eu_vat_number(value: str, country: str) -> str | None:
    """The compact VAT number (``FR40303265045``) of a business in ``country``, or None when it
    is not a valid number of that member state (check digits and format, as VIES checks them
    before it asks the member state). An empty value stays empty."""
    text = (value or "").strip()
    if not text:
        return ""
    prefix = vat_country(country)
    compact = re.sub(r"[\s.\-/]", "", text).upper()
    if compact[:2].isdigit():  # typed without the country prefix
        compact = prefix + compact
    try:
        compact = eu_vat.compact(compact)
    except StdnumError:
        return None
    if compact[:2] != prefix or not eu_vat.is_valid(compact):
        return None
    return compact


def peppol_endpoint(*, country: str, enterprise: str, vat_number: str) -> tuple[str, str] | None:
    """(scheme, identifier) of a party on Peppol: the Belgian enterprise number, else the VAT
    number in its country's scheme (or the national register number derived from it where the
    code list has no VAT scheme for the country); None when the party cannot be reached."""
    country = (country or "").upper()
    if country == "BE" and enterprise:
        return SCHEME_KBO, enterprise
    if not vat_number or country not in EU_COUNTRIES:
        return None
    digits = vat_number[2:]
    if country in VAT_ENDPOINT_SCHEMES:
        return VAT_ENDPOINT_SCHEMES[country], vat_number
    if country == "IT":  # partita IVA
        return "0211", f"IT{digits}"
    if country == "DK":  # CVR number
        return "0184", digits
    if country == "SE":  # organisation number: the VAT number without SE and the final 01
        return "0007", digits[:10]
    if country == "FI":  # OVT code: 0037 and the business ID
        return "0216", f"0037{digits}"
    return None


@dataclass(frozen=True)
class VatTreatment:
    """How a document's lines are taxed: may the issuer charge VAT, the category of lines
    without VAT and the mention that explains it (code and text, as EN 16931 asks)."""

    may_charge: bool
    exempt_category: str
    exempt_mention: str
    reverse_charge: bool


def issuer_treatment(host: Any, customer_country: str, customer_vat_number: str) -> VatTreatment:
    """The treatment of a document of ``host`` to a customer (see the module's rules)."""
    status = getattr(host, "vat_status", "") or ""
    registered = bool(getattr(host, "vat_number", "") or "")
    if not registered:
        category = VatCategory.NOT_SUBJECT if status == "not_subject" else VatCategory.EXEMPT
        return VatTreatment(False, category, str(STATUS_MENTIONS.get(status, "")), False)
    reverse = bool(
        customer_vat_number
        and (customer_country or "").upper() in EU_COUNTRIES
        and (customer_country or "").upper() != (getattr(host, "country", "") or "BE").upper()
    )
    return VatTreatment(True, VatCategory.EXEMPT, "", reverse)


#: The legal mention on the document of a member's services when the member charges no VAT.
PROVIDER_MENTIONS = {
    "private": _(
        "Service given by a private person, who is not a taxable person: no VAT "
        "(article 4 of the Belgian VAT Code)"
    ),
    "small": _("Small business exemption scheme (article 56bis of the Belgian VAT Code)"),
}
#: The mention a self-billed invoice must carry (article 53 § 2 of the Belgian VAT Code,
#: article 226 (10a) of Directive 2006/112/EC).
SELF_BILLING_MENTION = _("Self-billing: invoice issued by the customer on behalf of the supplier")
#: Peppol BIS Self-Billing 3.0 (UBL 2.1): the customization and profile of a self-billed
#: invoice.
SELF_BILLING_CUSTOMIZATION = (
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0"
)
SELF_BILLING_PROFILE = "urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0"


@dataclass(frozen=True)
class ProviderTreatment:
    """VAT on a member's services, as their billing profile's status says: do they charge
    VAT, and else which category and mention apply (``ProviderVatStatus``)."""

    charges_vat: bool
    category: str = ""
    mention: str = ""


def provider_treatment(status: str) -> ProviderTreatment:
    """A private person gives services outside the scope of VAT (O); an exempt small
    enterprise's are exempt (E, article 56bis); a VAT-registered member and a member whose
    status is not chosen yet charge the unit's rate."""
    if status == "private":
        return ProviderTreatment(False, VatCategory.NOT_SUBJECT, str(PROVIDER_MENTIONS[status]))
    if status == "small":
        return ProviderTreatment(False, VatCategory.EXEMPT, str(PROVIDER_MENTIONS[status]))
    return ProviderTreatment(True)


def return_grids(*, kind: str, corrects: bool, category: str, rate: Any) -> tuple[str, str]:
    """The grids of the Belgian periodic VAT return where a VAT row of the host's document
    lands: (grid of the taxable amount, grid of the VAT), "" where it is not reported.

    An invoice is the host's sale: 01/02/03 by rate (6, 12, 21 %), 00 for zero-rated and
    exempt sales, 44 for services reverse-charged to EU businesses, VAT in 54. A credit note
    that corrects an invoice reduces the sale: 48 for a reverse-charged one, else 49 with
    the VAT in 64. Any other credit note (or self-billed invoice) pays a member for services
    the host received: a purchase, 82 and its deductible VAT 59; 88 when the member is a
    business elsewhere in the EU (the host accounts for the VAT itself, article 51 § 2 1°).
    Outside the scope of VAT nothing is reported. docs/credits.md gives the legal basis.
    """
    if category == VatCategory.NOT_SUBJECT:
        return "", ""
    reverse = category == VatCategory.REVERSE_CHARGE
    if kind == "credit_note":
        if corrects:
            return ("48", "") if reverse else ("49", "64")
        return ("88", "") if reverse else ("82", "59")
    if reverse:
        return "44", ""
    if category == VatCategory.STANDARD:
        grid = {6: "01", 12: "02", 21: "03"}.get(int(rate), "03")
        return grid, "54"
    return "00", ""
