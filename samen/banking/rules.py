"""IBAN, BIC and OGM/VCS rules: the one place that knows what a valid bank detail is."""

from __future__ import annotations

import re

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.be import ogm_vcs

# Countries of the European Economic Area. EPC's SEPA rulebooks let a payer leave the BIC
# out only for a payee in the EEA; the SEPA countries outside it (Switzerland, the United
# Kingdom, Monaco, San Marino, Andorra, the Vatican and the Crown dependencies) need it.
EEA_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE",
        "SI", "SK",
        # Overseas parts of France and Finland's Åland, which have IBANs of their own.
        "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "AX",
    }
)  # fmt: skip

# A 12-digit Belgian structured communication, with or without +++ / *** and slashes, not
# part of a longer number (an account number, a phone number).
_OGM_RE = re.compile(r"(?<!\d)(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})(?!\d)")


class InvalidBankDetail(ValueError):
    """An IBAN or BIC that is not well formed or whose check digits are wrong."""


def parse_iban(text: str) -> IBAN:
    """The IBAN in ``text`` (spaces and lower case allowed), or ``InvalidBankDetail``."""
    try:
        return IBAN((text or "").replace(" ", "").upper())
    except (SchwiftyException, ValueError):
        raise InvalidBankDetail(text) from None


def parse_bic(text: str) -> BIC:
    """The BIC in ``text`` (spaces and lower case allowed), or ``InvalidBankDetail``."""
    try:
        return BIC((text or "").replace(" ", "").upper())
    except (SchwiftyException, ValueError):
        raise InvalidBankDetail(text) from None


def iban_in_sepa(iban: IBAN) -> bool:
    """Whether a SEPA credit transfer can reach ``iban`` (a Brazilian account cannot)."""
    return bool(iban.in_sepa_zone)


def bic_required(iban: IBAN) -> bool:
    """Whether a SEPA transfer to ``iban`` must name the payee's BIC (outside the EEA)."""
    return iban.country_code not in EEA_COUNTRIES


def bic_of(iban: IBAN) -> str:
    """The BIC that schwifty's bank registry knows for ``iban``, or ""."""
    try:
        return str(iban.bic.compact) if iban.bic else ""
    except SchwiftyException:
        return ""


def ogm_with_check_digits(base: str) -> str:
    """Ten digits followed by their two mod-97 check digits: a Belgian OGM/VCS."""
    return base + ogm_vcs.calc_check_digits(base)


def find_structured_communication(text: str) -> str:
    """The valid OGM/VCS in ``text`` (12 digits), or "" when there is none.

    People type the communication into the free field too, sometimes without the plus
    signs; only a number whose mod-97 check digits are right counts.
    """
    for match in _OGM_RE.finditer(text or ""):
        digits = "".join(match.groups())
        if ogm_vcs.is_valid(digits):
            return digits
    return ""


def format_ogm(digits: str) -> str:
    """``+++123/4567/89012+++``, the way Belgian banks print a structured communication."""
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++" if len(digits) == 12 else ""


def same_account(statement_account: str, iban: str) -> bool:
    """Whether a statement's account is ``iban``: the same IBAN, or (CODA files name Belgian
    accounts by their 12-digit number) the Belgian number inside a Belgian IBAN."""
    left = (statement_account or "").replace(" ", "").upper()
    right = (iban or "").replace(" ", "").upper()
    if not left or not right:
        return False
    if left == right:
        return True
    return right.startswith("BE") and left.isdigit() and len(left) == 12 and right[4:] == left
