"""Bank statement parsers: Belgian CODA and ISO 20022 camt.053, to one neutral shape.

Pure functions without database access, so they are easy to test with real files. Both
parsers return :class:`ParsedStatement`; amounts are signed integers in cents (credit
positive, debit negative). Any malformed input raises :class:`BankFileError` with a
user-facing message, never an AssertionError or a KeyError from deep inside a parser.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# Only the type: parsing itself goes through defusedxml.
from xml.etree.ElementTree import Element

import coda
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.utils.translation import gettext_lazy as _
from stdnum.be import ogm_vcs

FORMAT_CODA = "coda"
FORMAT_CAMT053 = "camt053"

# A 12-digit Belgian structured communication, with or without +++ / *** and slashes, not
# part of a longer number (an account number, a phone number).
_OGM_RE = re.compile(r"(?<!\d)(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})(?!\d)")


class BankFileError(ValueError):
    """The file is not a statement we can read; ``message`` is shown to the host admin."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ParsedLine:
    """One movement on the account, as the bank reported it."""

    booking_date: date
    amount: int  # cents, signed: positive is money in
    currency: str = "EUR"
    value_date: date | None = None
    counterparty_name: str = ""
    counterparty_iban: str = ""
    communication: str = ""
    structured_communication: str = ""  # 12 digits when present and valid
    end_to_end_id: str = ""
    bank_reference: str = ""


@dataclass
class ParsedStatement:
    """A whole file: the account it is about and its lines in file order."""

    format: str
    account_iban: str = ""
    reference: str = ""
    lines: list[ParsedLine] = field(default_factory=list)


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


def _to_cents(value: Decimal) -> int:
    cents = value * 100
    if cents != cents.to_integral_value():
        raise BankFileError(_("An amount has more than two decimals."))
    return int(cents)


def detect_format(data: bytes) -> str:
    """CODA files start with a "0000" header record; camt.053 files are XML."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    if head.startswith(b"<"):
        return FORMAT_CAMT053
    if head.startswith(b"0000"):
        return FORMAT_CODA
    raise BankFileError(_("This file is neither a CODA nor a camt.053 statement."))


def parse_statement(data: bytes) -> ParsedStatement:
    """Parse ``data`` in whichever supported format it is in."""
    if detect_format(data) == FORMAT_CODA:
        return parse_coda(data)
    return parse_camt053(data)


# CODA ----------------------------------------------------------------------------------------


def parse_coda(data: bytes) -> ParsedStatement:
    """Parse a CODA 2.x file (febelfin-coda does the record layout)."""
    try:
        text = data.decode("windows-1252")
        parsed = coda.CODA(io.StringIO(text))
    # ArithmeticError: a movement's amount that is not a number (decimal.InvalidOperation).
    except (
        AssertionError,
        ArithmeticError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
    ) as exc:
        raise BankFileError(_("This CODA file is damaged or incomplete.")) from exc
    if not parsed.statements:
        raise BankFileError(_("This CODA file holds no statement."))
    result = ParsedStatement(format=FORMAT_CODA)
    for statement in parsed.statements:
        if statement.number_records is None:
            # No trailer record: the file was cut off, so its totals were never checked.
            raise BankFileError(_("This CODA file is damaged or incomplete."))
        try:
            account = statement.account or ""
        except (KeyError, TypeError) as exc:
            raise BankFileError(_("This CODA file is damaged or incomplete.")) from exc
        result.account_iban = result.account_iban or account.replace(" ", "")
        result.reference = result.reference or f"{statement.new_balance_date}:{statement}"
        for move in statement.moves:
            result.lines.append(_coda_line(move))
    return result


def _coda_line(move: Any) -> ParsedLine:
    structured = ""
    free = ""
    communication = move.communication or ""
    if move.communication_type in {"101", "102"}:
        digits = re.sub(r"\D", "", communication)
        structured = digits if ogm_vcs.is_valid(digits) else ""
        free = digits
    else:
        free = communication.strip()
        structured = find_structured_communication(free)
    counterparty_account = (move.counterparty_account or "").strip()
    # The counterparty field holds the IBAN followed by a currency code.
    iban = counterparty_account.split(" ")[0] if counterparty_account else ""
    return ParsedLine(
        booking_date=move.entry_date or move.value_date,
        value_date=move.value_date,
        amount=_to_cents(Decimal(move.amount)),
        counterparty_name=(move.counterparty_name or "").strip(),
        counterparty_iban=iban,
        communication=free,
        structured_communication=structured,
        end_to_end_id=(move.customer_reference or "").strip(),
        bank_reference=(move.bank_reference or "").strip(),
    )


# camt.053 ------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element | None, *path: str) -> Element | None:
    """Follow ``path`` by local names, whatever camt.053 version namespace the bank used."""
    current = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if _local(c.tag) == name), None)
    return current


def _children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [c for c in element if _local(c.tag) == name]


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _date(element: Element | None, *path: str) -> date | None:
    holder = _child(element, *path)
    if holder is None:
        return None
    value = _text(holder, "Dt") or _text(holder, "DtTm")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).date()
    except ValueError as exc:
        raise BankFileError(_("A date in this statement is not valid.")) from exc


def _amount(element: Element | None) -> tuple[int, str] | None:
    if element is None or not (element.text or "").strip():
        return None
    try:
        value = Decimal(element.text.strip())  # type: ignore[union-attr]
    except InvalidOperation as exc:
        raise BankFileError(_("An amount in this statement is not a number.")) from exc
    return _to_cents(value), element.get("Ccy", "EUR")


def parse_camt053(data: bytes) -> ParsedStatement:
    """Parse an ISO 20022 camt.053 (any 001.xx version) bank-to-customer statement.

    defusedxml refuses DTDs, external entities and entity expansion, so a hostile file
    cannot read server files or exhaust memory.
    """
    try:
        root = safe_fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise BankFileError(_("This XML file cannot be read.")) from exc
    statement_parent = _child(root, "BkToCstmrStmt")
    if _local(root.tag) != "Document" or statement_parent is None:
        raise BankFileError(_("This XML file is not a camt.053 bank statement."))
    result = ParsedStatement(format=FORMAT_CAMT053)
    for statement in _children(statement_parent, "Stmt"):
        result.account_iban = result.account_iban or _text(statement, "Acct", "Id", "IBAN")
        result.reference = result.reference or _text(statement, "Id")
        for entry in _children(statement, "Ntry"):
            result.lines.extend(_camt_entry_lines(entry))
    return result


def _camt_entry_lines(entry: Element) -> list[ParsedLine]:
    entry_amount = _amount(_child(entry, "Amt"))
    if entry_amount is None:
        raise BankFileError(_("An entry in this statement has no amount."))
    credit = _text(entry, "CdtDbtInd") == "CRDT"
    booking = _date(entry, "BookgDt") or _date(entry, "ValDt")
    if booking is None:
        raise BankFileError(_("An entry in this statement has no date."))
    value_date = _date(entry, "ValDt")
    entry_reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    details = [tx for d in _children(entry, "NtryDtls") for tx in _children(d, "TxDtls")]
    if not details:
        details = [None]  # type: ignore[list-item]
    lines = []
    for index, tx in enumerate(details):
        amount = entry_amount
        if tx is not None and len(details) > 1:
            amount = (
                _amount(_child(tx, "Amt"))
                or _amount(_child(tx, "AmtDtls", "TxAmt", "Amt"))
                or entry_amount
            )
        cents, currency = amount
        # For money in the other party is the debtor; for money out, the creditor.
        party, party_account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        related = _child(tx, "RltdPties")
        name = _text(related, party, "Nm") or _text(related, party, "Pty", "Nm")
        iban = _text(related, party_account, "Id", "IBAN")
        remittance = _child(tx, "RmtInf")
        unstructured = " ".join(
            (u.text or "").strip() for u in _children(remittance, "Ustrd") if u.text
        )
        structured_refs = [_text(s, "CdtrRefInf", "Ref") for s in _children(remittance, "Strd")]
        structured = ""
        for ref in structured_refs:
            structured = find_structured_communication(ref)
            if structured:
                break
        if not structured:
            structured = find_structured_communication(unstructured)
        tx_reference = _text(tx, "Refs", "AcctSvcrRef")
        reference = tx_reference or (
            f"{entry_reference}/{index}"
            if entry_reference and len(details) > 1
            else entry_reference
        )
        lines.append(
            ParsedLine(
                booking_date=booking,
                value_date=value_date,
                amount=cents if credit else -cents,
                currency=currency,
                counterparty_name=name,
                counterparty_iban=iban.replace(" ", ""),
                communication=unstructured or " ".join(r for r in structured_refs if r),
                structured_communication=structured,
                end_to_end_id=""
                if _text(tx, "Refs", "EndToEndId") == "NOTPROVIDED"
                else _text(tx, "Refs", "EndToEndId"),
                bank_reference=reference,
            )
        )
    return lines
