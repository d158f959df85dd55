"""Expense test helpers: plain functions calling the real actions."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from samen.expenses import actions
from samen.expenses.models import Expense, ExpenseType, PayoutMethod

# A tiny but well-formed PDF: header, one empty page, cross-reference table, trailer.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)

CHLOE_IBAN = "BE71 0961 2345 6769"


def pdf_upload(name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_upload(name: str = "ticket.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fund(collective: Any, amount: int) -> None:
    """Give the collective ``amount`` cents through the ledger (a contribution)."""
    from samen.ledger.actions import account_for, ledger_post
    from samen.ledger.models import AccountPurpose, TransactionKind, Unit

    eur = Unit.eur()
    outside = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur)
    balance = account_for(
        purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=collective
    )
    ledger_post(
        actor=None,
        kind=TransactionKind.CONTRIBUTION,
        description="Test gift",
        lines=[(outside, -amount), (balance, amount)],
        idempotency_key=f"test-fund-{uuid.uuid4().hex}",
    )


def collective_balance(collective: Any) -> int:
    from samen.ledger.actions import account_for
    from samen.ledger.models import AccountPurpose, Unit
    from samen.ledger.queries import balance

    return balance(
        account_for(
            purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=Unit.eur(), collective=collective
        )
    )


def payout_method(user: Any, iban: str = CHLOE_IBAN) -> PayoutMethod:
    return actions.payout_method_create(actor=user, iban=iban, account_holder=user.public_name)


def make_expense(
    user: Any,
    collective: Any,
    *,
    amount: int = 4250,
    title: str = "Paint for the mural",
    submit: bool = True,
    type: str = ExpenseType.RECEIPT,
    attachments: list[Any] | None = None,
    iban: str = CHLOE_IBAN,
    **extra: Any,
) -> Expense:
    return actions.expense_create(
        actor=user,
        collective=collective,
        type=type,
        title=title,
        # Never after "today": tests that travel in time stay inside the money date window.
        items=[actions.ItemInput("Paint", min(date(2026, 11, 2), timezone.localdate()), amount)],
        payout_method=payout_method(user, iban),
        attachments=attachments if attachments is not None else [pdf_upload()],
        submit=submit,
        **extra,
    )


def approved_expense(community: Any, *, amount: int = 4250, fund_first: bool = True) -> Expense:
    if fund_first:
        fund(community.collective, amount)
    expense = make_expense(community.chloe, community.collective, amount=amount)
    return actions.expense_approve(actor=community.bram, expense=expense)


def camt053_payouts(
    payouts: list[tuple[str, int, str]],
    *,
    account_iban: str = "BE68539007547034",
    booked: date = date(2026, 11, 24),
    statement_id: str = "EXP-STMT-1",
) -> bytes:
    """A camt.053.001.02 statement of the host's account with one debit entry per
    ``(end_to_end_id, amount in cents, creditor name)``, as a bank sends it back."""
    entries = "".join(
        f"""
      <Ntry>
        <Amt Ccy="EUR">{amount // 100}.{amount % 100:02d}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{booked.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>{statement_id}-{n}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>{e2e}</EndToEndId></Refs>
          <RltdPties>
            <Cdtr><Nm>{name}</Nm></Cdtr>
            <CdtrAcct><Id><IBAN>BE71096123456769</IBAN></Id></CdtrAcct>
          </RltdPties>
          <RmtInf><Ustrd>Samen expense</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""
        for n, (e2e, amount, name) in enumerate(payouts, start=1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>{booked.isoformat()}T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>{booked.isoformat()}T18:00:00</CreDtTm>
      <Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()
