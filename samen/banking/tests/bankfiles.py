"""Builders for real bank statement files (CODA 2 and camt.053.001.02) used by the tests.

They write the files byte for byte the way a bank does, so the real parsers read them; the
expenses tests can use them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape


@dataclass
class Line:
    amount: int  # cents, signed
    name: str = ""
    iban: str = ""
    structured: str | None = ""  # 12 digits
    text: str = ""
    end_to_end: str = ""
    reference: str = ""
    booked: date = date(2026, 11, 20)
    currency: str = "EUR"
    status: str = "BOOK"
    amount_text: str = ""  # the <Amt> text as written, to try what a bank should never send
    without_reference: bool = False  # some banks give no AcctSvcrRef at all


def _field(value: str, width: int) -> str:
    return value[:width].ljust(width)


def _coda_amount(cents: int, width: int = 16) -> str:
    sign = "1" if cents < 0 else "0"
    return sign + str(abs(cents) * 10).rjust(width - 1, "0")


def coda_file(
    lines: list[Line],
    *,
    iban: str = "BE68539007547034",
    day: date = date(2026, 11, 20),
    old_balance: int = 0,
    sequence: str = "001",
) -> bytes:
    """A one-statement CODA 2 file for ``iban`` holding ``lines``."""
    d = day.strftime("%d%m%y")
    account = _field(iban, 34) + "EUR"
    records = []
    records.append(
        "0"
        + "0000"
        + d
        + "725"
        + "05"
        + " "
        + " " * 7
        + _field("SAMENTEST", 10)
        + _field("SAMEN HOST", 26)
        + _field("GKCCBEBB", 11)
        + "00000000000"
        + " "
        + "00000"
        + _field("", 16)
        + " "
        + _field("", 15)
        + " " * 7
        + "2"
    )
    records.append(
        "1"
        + "2"
        + sequence
        + account
        + _coda_amount(old_balance)
        + d
        + _field("SAMEN HOST", 26)
        + _field("Current account", 35)
        + "001"
    )
    for number, line in enumerate(lines, start=1):
        seq = str(number).rjust(4, "0")
        if line.structured:
            communication = "1" + "101" + line.structured + " " * 38
        else:
            communication = "0" + line.text
        communication = _field(communication, 54 + 53 + 43)
        ref = _field(line.reference or f"REF{number:06d}", 21)
        records.append(
            "21"
            + seq
            + "0000"
            + ref
            + _coda_amount(line.amount)
            + line.booked.strftime("%d%m%y")
            + "00150000"
            + communication[:54]
            + line.booked.strftime("%d%m%y")
            + "001"
            + "0"
            + "1"
            + " "
            + "0"
        )
        records.append(
            "22"
            + seq
            + "0000"
            + communication[54:107]
            + _field(line.end_to_end, 35)
            + _field("", 11)
            + "   "
            + " "
            + "    "
            + "    "
            + "    "
            + "1"
            + " "
            + "0"
        )
        records.append(
            "23"
            + seq
            + "0000"
            + _field(line.iban + " EUR" if line.iban else "", 37)
            + _field(line.name, 35)
            + communication[107:150]
            + "000"
        )
    total_credit = sum(line.amount for line in lines if line.amount > 0)
    total_debit = -sum(line.amount for line in lines if line.amount < 0)
    new_balance = old_balance + total_credit - total_debit
    records.append("8" + sequence + account + _coda_amount(new_balance) + d + " " * 65)
    records.append(
        "9"
        + " " * 15
        + str(len(records) - 1).rjust(6, "0")
        + _coda_amount(total_debit, 15)
        + _coda_amount(total_credit, 15)
        + " " * 75
        + "2"
    )
    for record in records:
        assert len(record) == 128, (len(record), record)
    return ("\r\n".join(records) + "\r\n").encode("windows-1252")


def _reference(line: Line, default: str) -> str:
    if line.without_reference:
        return ""
    return f"<AcctSvcrRef>{escape(line.reference or default)}</AcctSvcrRef>"


def _decimal(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def camt053_file(
    lines: list[Line],
    *,
    iban: str = "BE68539007547034",
    statement_id: str = "STMT-2026-11-20",
    day: date = date(2026, 11, 20),
) -> bytes:
    """A camt.053.001.02 document with one statement holding ``lines`` (one entry each)."""
    entries = []
    for number, line in enumerate(lines, start=1):
        credit = line.amount > 0
        party, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        if line.structured:
            remittance = (
                "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
                f"<Ref>{line.structured}</Ref></CdtrRefInf></Strd>"
            )
        else:
            remittance = f"<Ustrd>{escape(line.text)}</Ustrd>"
        entries.append(f"""
      <Ntry>
        <Amt Ccy="{line.currency}">{line.amount_text or _decimal(line.amount)}</Amt>
        <CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
        <Sts>{line.status}</Sts>
        <BookgDt><Dt>{line.booked.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{line.booked.isoformat()}</Dt></ValDt>
        {_reference(line, f"{statement_id}-{number}")}
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>{escape(line.end_to_end or "NOTPROVIDED")}</EndToEndId></Refs>
          <RltdPties>
            <{party}><Nm>{escape(line.name)}</Nm></{party}>
            <{account}><Id><IBAN>{line.iban}</IBAN></Id></{account}>
          </RltdPties>
          <RmtInf>{remittance}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>{day.isoformat()}T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>{day.isoformat()}T18:00:00</CreDtTm>
      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()
