"""Bank statement parsers: Belgian CODA and ISO 20022 camt.053, to one neutral shape.

Pure functions without database access, so they are easy to test with real files. Both
parsers return a :class:`ParsedFile` of one :class:`ParsedStatement` per account statement;
amounts are signed integers in cents (credit positive, debit negative). Any malformed input
raises :class:`BankFileError` with a user-facing message (and the file's line number where
it helps), never an AssertionError or an arithmetic error from deep inside a parser.

Every line keeps its place in the statement (entry, and detail within the entry), so two
real movements never collapse into one even when the bank gives them the same reference;
a statement whose opening balance plus its lines is not its closing balance is refused.
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

from samen.banking.rules import find_structured_communication

FORMAT_CODA = "coda"
FORMAT_CAMT053 = "camt053"

#: The largest amount a statement may carry, in cents (ten thousand billion euros): far
#: above any real account, far below what the database's 64-bit amounts hold.
MAX_CENTS = 10**15

# ISO 20022 amounts are plain decimals: digits, an optional point and at most five
# fraction digits; no sign, no exponent, no NaN or Infinity.
_CAMT_AMOUNT = re.compile(r"^\d{1,18}(?:\.\d{1,5})?$")

#: The largest statement file accepted, by the page and the API alike.
MAX_STATEMENT_BYTES = 10 * 1024 * 1024
STATEMENT_TOO_LARGE = _("This file is too large (10 MB at most).")

#: Entry statuses that are booked on the account (camt.053 ``Sts``); pending (PDNG) and
#: information-only (INFO) entries may still change or vanish.
BOOKED = "BOOK"


class BankFileError(ValueError):
    """The file is not a statement we can read; ``message`` is shown to the host admin."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _at_line(line_number: int | None, reason: Any) -> BankFileError:
    if line_number is None:
        return BankFileError(reason)
    return BankFileError(_("Line %(line)s: %(reason)s") % {"line": line_number, "reason": reason})


@dataclass(frozen=True)
class ParsedLine:
    """One movement on the account, as the bank reported it.

    ``entry`` and ``detail`` are its place in the statement: the bank's entry (a CODA
    movement, a camt ``Ntry``) and the transaction within it (camt ``TxDtls``, 0 if none).
    """

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
    entry: int = 0
    detail: int = 0


@dataclass
class ParsedStatement:
    """One account's statement: the account, its balances and its booked lines in order."""

    account_iban: str = ""
    reference: str = ""
    currency: str = ""
    opening_balance: int | None = None  # cents
    closing_balance: int | None = None
    lines: list[ParsedLine] = field(default_factory=list)

    def check_balances(self) -> None:
        """Refuse a statement whose lines do not lead from its opening to its closing
        balance: a line was lost, invented or misread."""
        if self.opening_balance is None or self.closing_balance is None:
            return
        total = sum(line.amount for line in self.lines)
        if self.opening_balance + total != self.closing_balance:
            raise BankFileError(
                _(
                    "The statement %(reference)s of account %(account)s does not add up: "
                    "opening balance %(opening)s plus its lines (%(total)s) is not its "
                    "closing balance %(closing)s. The file may be incomplete; ask your bank "
                    "for it again."
                )
                % {
                    "reference": self.reference or "?",
                    "account": self.account_iban or "?",
                    "opening": _euros(self.opening_balance),
                    "total": _euros(total),
                    "closing": _euros(self.closing_balance),
                }
            )


def _euros(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


@dataclass
class ParsedFile:
    """A whole file: one statement per account (and per day or period) in file order."""

    format: str
    statements: list[ParsedStatement] = field(default_factory=list)

    @property
    def lines(self) -> list[ParsedLine]:
        return [line for statement in self.statements for line in statement.lines]

    @property
    def account_iban(self) -> str:
        return self.statements[0].account_iban if self.statements else ""


def _to_cents(value: Decimal, line_number: int | None = None) -> int:
    if not value.is_finite():
        raise _at_line(line_number, _("An amount is not a number."))
    cents = value * 100
    if cents != cents.to_integral_value():
        raise _at_line(line_number, _("An amount has more than two decimals."))
    if abs(cents) >= MAX_CENTS:
        raise _at_line(line_number, _("An amount is too large to be real."))
    return int(cents)


def detect_format(data: bytes) -> str:
    """CODA files start with a "0000" header record; camt.053 files are XML."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    if head.startswith(b"<"):
        return FORMAT_CAMT053
    if head.startswith(b"0000"):
        return FORMAT_CODA
    raise BankFileError(_("This file is neither a CODA nor a camt.053 statement."))


def parse_statement(data: bytes) -> ParsedFile:
    """Parse ``data`` in whichever supported format it is in, and check its balances."""
    parsed = parse_coda(data) if detect_format(data) == FORMAT_CODA else parse_camt053(data)
    for statement in parsed.statements:
        statement.check_balances()
    return parsed


# CODA ----------------------------------------------------------------------------------------

# Where each CODA record keeps its amount (0-based slices: a sign digit and 15 digits with
# three decimals), checked before febelfin-coda reads them.
_CODA_AMOUNTS = {"1": slice(42, 58), "21": slice(31, 47), "8": slice(41, 57)}


def _check_coda_amounts(text: str) -> None:
    for number, record in enumerate(text.splitlines(), start=1):
        where = _CODA_AMOUNTS.get(record[:2]) or _CODA_AMOUNTS.get(record[:1])
        if where is None or record[:2] == "22":
            continue
        field_ = record[where]
        if len(field_) != 16 or field_[0] not in "01" or not field_[1:].isdigit():
            raise _at_line(
                number,
                _("The amount “%(amount)s” is not a CODA amount.") % {"amount": field_.strip()},
            )


def parse_coda(data: bytes) -> ParsedFile:
    """Parse a CODA 2.x file (febelfin-coda does the record layout)."""
    try:
        text = data.decode("windows-1252")
    except UnicodeDecodeError as exc:
        raise BankFileError(_("This CODA file is damaged or incomplete.")) from exc
    _check_coda_amounts(text)
    try:
        parsed = coda.CODA(io.StringIO(text))
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
    result = ParsedFile(format=FORMAT_CODA)
    for statement in parsed.statements:
        if statement.number_records is None:
            # No trailer record: the file was cut off, so its totals were never checked.
            raise BankFileError(_("This CODA file is damaged or incomplete."))
        try:
            account = (statement.account or "").replace(" ", "")
            currency = (statement.account_currency or "EUR").strip() or "EUR"
            parsed_statement = ParsedStatement(
                account_iban=account,
                reference=f"{statement.new_balance_date}:{statement.new_sequence}",
                currency=currency,
                opening_balance=_to_cents(Decimal(statement.old_balance)),
                closing_balance=_to_cents(Decimal(statement.new_balance)),
            )
            for index, move in enumerate(statement.moves):
                parsed_statement.lines.append(_coda_line(move, index, currency))
        except (KeyError, TypeError, ArithmeticError, AttributeError) as exc:
            raise BankFileError(_("This CODA file is damaged or incomplete.")) from exc
        result.statements.append(parsed_statement)
    return result


def _coda_line(move: Any, index: int, currency: str) -> ParsedLine:
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
        currency=currency,
        counterparty_name=(move.counterparty_name or "").strip(),
        counterparty_iban=iban,
        communication=free,
        structured_communication=structured,
        end_to_end_id=(move.customer_reference or "").strip(),
        bank_reference=(move.bank_reference or "").strip(),
        entry=index,
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


def _amount(element: Element | None, line_number: int | None) -> tuple[int, str] | None:
    """An ``Amt`` element as (cents, currency); a sign, an exponent or NaN is refused."""
    if element is None or not (element.text or "").strip():
        return None
    raw = (element.text or "").strip()
    if not _CAMT_AMOUNT.match(raw):
        raise _at_line(
            line_number,
            _("The amount “%(amount)s” is not a positive decimal number.") % {"amount": raw[:40]},
        )
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise _at_line(line_number, _("An amount in this statement is not a number.")) from exc
    return _to_cents(value, line_number), element.get("Ccy", "EUR").strip().upper()


def _account_id(account: Element | None) -> str:
    """The IBAN of a camt ``Acct`` (or ``DbtrAcct``...), else its other identification."""
    iban = _text(account, "Id", "IBAN")
    return (iban or _text(account, "Id", "Othr", "Id")).replace(" ", "")


def _entry_line_numbers(data: bytes) -> list[int]:
    """The file line on which each ``Ntry`` element starts, in document order.

    ElementTree does not keep source positions; error messages name the line, so the
    host admin can find the entry in the file the bank sent."""
    text = data.decode("utf-8", errors="replace")
    return [
        text.count("\n", 0, match.start()) + 1
        for match in re.finditer(r"<(?:[\w.-]+:)?Ntry[\s>]", text)
    ]


def _signed_balance(balance: Element, line_number: int | None) -> int | None:
    amount = _amount(_child(balance, "Amt"), line_number)
    if amount is None:
        return None
    return amount[0] if _text(balance, "CdtDbtInd") != "DBIT" else -amount[0]


def _balances(statement: Element) -> tuple[int | None, int | None]:
    opening = closing = None
    for balance in _children(statement, "Bal"):
        code = _text(balance, "Tp", "CdOrPrtry", "Cd")
        if code in {"OPBD", "PRCD"} and opening is None:
            opening = _signed_balance(balance, None)
        elif code == "CLBD":
            closing = _signed_balance(balance, None)
    return opening, closing


def parse_camt053(data: bytes) -> ParsedFile:
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
    statements = _children(statement_parent, "Stmt")
    if not statements:
        raise BankFileError(_("This camt.053 file holds no statement."))
    entry_lines = iter(_entry_line_numbers(data))
    result = ParsedFile(format=FORMAT_CAMT053)
    for statement in statements:
        opening, closing = _balances(statement)
        parsed = ParsedStatement(
            account_iban=_account_id(_child(statement, "Acct")),
            reference=_text(statement, "Id"),
            currency=_text(statement, "Acct", "Ccy"),
            opening_balance=opening,
            closing_balance=closing,
        )
        for index, entry in enumerate(_children(statement, "Ntry")):
            line_number = next(entry_lines, None)
            status = _text(entry, "Sts") or _text(entry, "Sts", "Cd") or BOOKED
            if status != BOOKED:
                continue
            parsed.lines.extend(_camt_entry_lines(entry, index, line_number))
        result.statements.append(parsed)
    return result


def _camt_entry_lines(entry: Element, index: int, line_number: int | None) -> list[ParsedLine]:
    entry_amount = _amount(_child(entry, "Amt"), line_number)
    if entry_amount is None:
        raise _at_line(line_number, _("An entry in this statement has no amount."))
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in {"CRDT", "DBIT"}:
        raise _at_line(line_number, _("An entry does not say whether it is a credit or a debit."))
    credit = indicator == "CRDT"
    reversal = _text(entry, "RvslInd").lower() in {"true", "1"}
    booking = _date(entry, "BookgDt") or _date(entry, "ValDt")
    if booking is None:
        raise _at_line(line_number, _("An entry in this statement has no date."))
    value_date = _date(entry, "ValDt")
    entry_reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    details: list[Element | None] = [
        tx for d in _children(entry, "NtryDtls") for tx in _children(d, "TxDtls")
    ]
    if not details:
        details = [None]
    # The other party: for money in, the debtor; for money out, the creditor. A reversal
    # turns the direction around (a returned credit is a debit whose other party is still
    # the one who paid), so the account holder never becomes its own counterparty.
    paid_by_other = credit != reversal
    party, party_account = ("Dbtr", "DbtrAcct") if paid_by_other else ("Cdtr", "CdtrAcct")
    lines = []
    for detail_index, tx in enumerate(details):
        amount = entry_amount
        if tx is not None and len(details) > 1:
            amount = (
                _amount(_child(tx, "Amt"), line_number)
                or _amount(_child(tx, "AmtDtls", "TxAmt", "Amt"), line_number)
                or entry_amount
            )
        cents, currency = amount
        related = _child(tx, "RltdPties")
        name = _text(related, party, "Nm") or _text(related, party, "Pty", "Nm")
        iban = _account_id(_child(related, party_account))
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
        end_to_end = _text(tx, "Refs", "EndToEndId")
        lines.append(
            ParsedLine(
                booking_date=booking,
                value_date=value_date,
                amount=cents if credit else -cents,
                currency=currency,
                counterparty_name=name,
                counterparty_iban=iban,
                communication=unstructured or " ".join(r for r in structured_refs if r),
                structured_communication=structured,
                end_to_end_id="" if end_to_end == "NOTPROVIDED" else end_to_end,
                bank_reference=_text(tx, "Refs", "AcctSvcrRef") or entry_reference,
                entry=index,
                detail=detail_index,
            )
        )
    return lines
