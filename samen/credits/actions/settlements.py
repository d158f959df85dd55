"""Settlements in euros: what a member's credit debt costs, and its payment."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.audit.actions import audit_record
from samen.credits.actions._common import _credits_text, _require_admin
from samen.credits.actions.schemes import issuance
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import CreditScheme, Settlement
from samen.invoicing.actions import LineInput, document_payment_record, vat_breakdown
from samen.invoicing.models import Document, DocumentKind, DocumentStatus, PaymentMethod
from samen.ledger.actions import ledger_post
from samen.ledger.models import Account, AccountPurpose, TransactionKind, Unit
from samen.ledger.queries import balance
from samen.lib.money import to_decimal


def settlement_euros(unit: Unit, credits: int, *, includes_vat: bool = False) -> Decimal:
    """What ``credits`` cost in euros, VAT included, computed as on an invoice: one line at
    the unit's euro value, VAT rounded once on the total (added to it, or taken out of it
    when the scheme's euro value ``includes_vat``). This is what the member's page asks for
    a debt of ``credits``."""
    rows = vat_breakdown(
        [
            LineInput(
                unit.code,
                to_decimal(credits, unit.decimals),
                Decimal(unit.euro_value or 0),
                unit.vat_rate,
                price_includes_vat=includes_vat,
            )
        ]
    )
    return sum((taxable + vat for _cat, _rate, taxable, vat in rows), Decimal("0.00"))


def settlement_credits(unit: Unit, cents: int, *, includes_vat: bool = False) -> int:
    """The credits ``cents`` euro cents buy back, in the unit's smallest step, rounded down:
    euros / (euro value x (1 + VAT rate)), or euros / euro value when it includes VAT.

    Exactly: the most credits whose price computed as on an invoice (``settlement_euros``)
    the payment covers. The two agree but for the cent rounding of the net and the VAT,
    which is why the quotient is only the starting point: paying exactly the euros shown
    for a debt always settles all of it.
    """
    value_cents = int(Decimal(unit.euro_value or 0) * 100)
    if cents <= 0 or value_cents <= 0:
        return 0
    # The VAT rate in hundredths of a percent, so the quotient stays in integers.
    rate = 0 if includes_vat else int(Decimal(unit.vat_rate or 0) * 100)
    credits = cents * 10**unit.decimals * 10_000 // (value_cents * (10_000 + rate))
    limit = to_decimal(cents, 2)

    def price(amount: int) -> Decimal:
        return settlement_euros(unit, amount, includes_vat=includes_vat)

    while credits > 0 and price(credits) > limit:
        credits -= 1
    while price(credits + 1) <= limit:
        credits += 1
    return credits


def _euro_text(cents: int | Decimal) -> str:
    from samen.invoicing.templatetags.euros import euros

    return euros(to_decimal(cents, 2) if isinstance(cents, int) else cents)


@dataclass(frozen=True)
class Settled:
    """What a member's earlier settlements in a scheme add up to: euro cents and credits."""

    cents: int = 0
    credits: int = 0


def settled_by(scheme: CreditScheme, member_ids: Sequence[int]) -> dict[int, Settled]:
    """Per member: the sum of their settlements in the scheme so far. One query."""
    rows = (
        Settlement.objects.filter(scheme=scheme, member_id__in=list(member_ids))
        .values("member_id")
        .annotate(cents=Sum("amount"), credits=Sum("credits"))
        .order_by()
    )
    return {r["member_id"]: Settled(int(r["cents"]), int(r["credits"])) for r in rows}


def settlement_due(
    unit: Unit, debt: int, settled: Settled = Settled(), *, includes_vat: bool = False
) -> Decimal:
    """The euros that settle a debt of ``debt`` now.

    Each settlement buys back what all of the member's settlements together are worth,
    less the credits the earlier ones restored, so the cents a partial payment's rounding
    down left over are never lost: the next payment needs that much less. Without earlier
    settlements this is ``settlement_euros(unit, debt)``.
    """
    total = settlement_euros(unit, settled.credits + debt, includes_vat=includes_vat)
    return total - to_decimal(settled.cents, 2)


@dataclass(frozen=True)
class SettlementCheck:
    """What a payment would do now: the debt, the euros that settle it, the open invoices
    still due, and the credits the payment buys back."""

    debt: int
    due: Decimal
    open_invoices: Decimal
    credits: int


def settlement_check(
    scheme: CreditScheme,
    member: Any,
    amount: int,
    debt: int,
    open_invoices: Decimal,
    settled: Settled = Settled(),
) -> SettlementCheck:
    """Refuse (``CreditsError``) what a settlement of ``amount`` cents may not book, with a
    sentence naming the numbers; otherwise say what it would restore. Pure: callers read
    the debt, the open invoices and the earlier settlements (under locks when they book, in
    bulk when they explain bank lines)."""
    unit = scheme.unit
    name = member.public_name
    if not scheme.settle_in_euros or not unit.euro_value:
        raise CreditsError(CreditsErrorCode.SETTLEMENT_OFF)
    if amount <= 0:
        raise CreditsError(CreditsErrorCode.INVALID, _("Enter an amount above zero."))
    if debt <= 0:
        raise CreditsError(
            CreditsErrorCode.NO_DEBT,
            _("%(name)s has no credit debt to settle.") % {"name": name},
        )
    includes_vat = scheme.euro_value_includes_vat
    due = settlement_due(unit, debt, settled, includes_vat=includes_vat)
    if to_decimal(amount, 2) > due:
        raise CreditsError(
            CreditsErrorCode.MORE_THAN_DEBT,
            _("%(name)s owes %(credits)s, which %(due)s settles: %(amount)s is more than that.")
            % {
                "name": name,
                "credits": _credits_text(debt, unit),
                "due": _euro_text(due),
                "amount": _euro_text(amount),
            },
        )
    if to_decimal(amount, 2) > open_invoices:
        raise CreditsError(
            CreditsErrorCode.MORE_THAN_INVOICES,
            _(
                "The open invoices of %(name)s come to %(open)s: %(amount)s is more than that, "
                "so part of it would pay nothing."
            )
            % {"name": name, "open": _euro_text(open_invoices), "amount": _euro_text(amount)},
        )
    bought = settlement_credits(unit, settled.cents + amount, includes_vat=includes_vat)
    credits = min(bought - settled.credits, debt)
    if credits <= 0:
        raise CreditsError(
            CreditsErrorCode.TOO_SMALL,
            _("%(amount)s buys back less than %(step)s.")
            % {"amount": _euro_text(amount), "step": _credits_text(1, unit)},
        )
    return SettlementCheck(debt=debt, due=due, open_invoices=open_invoices, credits=credits)


def _open_invoices(scheme: CreditScheme, member: Any, *, lock: bool) -> list[Document]:
    """The member's invoices of the host still open, oldest first (locked in id order)."""
    rows = Document.objects.filter(
        host_id=scheme.host_id,
        customer_id=member.pk,
        kind=DocumentKind.INVOICE,
        status=DocumentStatus.OPEN,
    )
    if lock:
        rows = rows.select_for_update()
    invoices = list(rows.order_by("pk"))
    return sorted(invoices, key=lambda d: (d.issue_date, d.pk))


def _locked_bank_line(bank_line: Any, scheme: CreditScheme, amount: int, paid_on: dt.date) -> Any:
    """The bank line, locked, if it is this amount in euros received by the scheme's host
    on this day."""
    from samen.funding.models import BankLine

    bank_line = BankLine.objects.select_for_update().get(pk=bank_line.pk)
    if (
        bank_line.host_id != scheme.host_id
        or bank_line.currency != "EUR"
        or bank_line.amount != amount
        or bank_line.booking_date != paid_on
    ):
        raise CreditsError(CreditsErrorCode.BAD_BANK_LINE)
    return bank_line


def _pay_oldest_first(
    actor: Any, invoices: list[Any], euros: Decimal, paid_on: dt.date
) -> list[Any]:
    """Pay the open invoices oldest first with ``euros``, the last one possibly in part."""
    payments = []
    for invoice in invoices:
        part = min(euros, invoice.amount_due)
        if part <= 0:
            break
        payments.append(
            document_payment_record(
                actor=actor,
                document=invoice,
                amount=part,
                paid_on=paid_on,
                method=PaymentMethod.SETTLEMENT,
            )
        )
        euros -= part
    return payments


@transaction.atomic
def settlement_record(
    *,
    actor: Any,
    scheme: CreditScheme,
    member: Any,
    amount: int,
    paid_on: dt.date,
    bank_line: Any = None,
    idempotency_key: str = "",
) -> Settlement:
    """Book euros a member in debt paid for credits back: ``amount`` in cents, received on
    ``paid_on``, by hand (a host admin) or from a bank line (the import, no actor).

    In one transaction, under the member's wallet lock: pay their open invoices oldest first
    (``document_payment_record``, the last one possibly in part), post the credits the
    amount buys back (``settlement_check``: rounded down, the remainder of earlier partial
    payments counted) from the host's issuance account to the wallet, mark the bank line
    matched and write the audit row. Refused, with nothing written: more than the euros that
    settle the debt or than the open invoices still due, no debt, an amount that buys less
    than one step, a date in the future. Booking again with the same ``idempotency_key``,
    or the same bank line, returns the first settlement.
    """
    from samen.banking.actions import bank_line_mark_matched
    from samen.funding.models import LineStatus

    if actor is not None or bank_line is None:
        _require_admin(actor, scheme.host)
    # The rules as they are now (settle in euros may have been switched off meanwhile).
    scheme = CreditScheme.objects.select_related("unit", "host").get(pk=scheme.pk)
    if bank_line is not None:
        # Lock order: the bank line, the wallet, the invoices (as invoice payments do).
        bank_line = _locked_bank_line(bank_line, scheme, amount, paid_on)
        idempotency_key = f"bank-line-{bank_line.pk}"
    idempotency_key = idempotency_key or f"manual-{uuid.uuid4()}"
    if paid_on > timezone.localdate():
        raise CreditsError(
            CreditsErrorCode.FUTURE_DATE, _("A payment cannot be dated in the future.")
        )
    account = (
        Account.objects.select_for_update()
        .filter(unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET, user=member)
        .first()
    )
    earlier = Settlement.objects.filter(idempotency_key=idempotency_key).first()
    if earlier is not None:
        if (earlier.scheme_id, earlier.member_id, earlier.amount, earlier.paid_on) != (
            (scheme.pk, member.pk, amount, paid_on)
        ):
            raise CreditsError(CreditsErrorCode.IDEMPOTENCY_CONFLICT)
        return earlier
    if bank_line is not None and bank_line.status != LineStatus.UNMATCHED:
        raise CreditsError(CreditsErrorCode.BAD_BANK_LINE)
    invoices = _open_invoices(scheme, member, lock=True)
    check = settlement_check(
        scheme,
        member,
        amount,
        -balance(account) if account is not None else 0,
        sum((d.amount_due for d in invoices), Decimal("0.00")),
        settled_by(scheme, [member.pk]).get(member.pk, Settled()),
    )
    assert account is not None  # a debt means a wallet
    settlement = Settlement.objects.create(
        scheme=scheme,
        member=member,
        amount=amount,
        credits=check.credits,
        paid_on=paid_on,
        bank_line=bank_line,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        idempotency_key=idempotency_key,
    )
    payments = _pay_oldest_first(actor, invoices, to_decimal(amount, 2), paid_on)
    settlement.payments.set(payments)
    # Credits move on the day the settlement is booked, like a delivery's on its
    # confirmation day: a statement already sent for an earlier month never changes.
    settlement.transaction = ledger_post(
        actor=actor,
        kind=TransactionKind.CREDIT_SETTLED,
        description="Settlement in euros",
        lines=[(account, check.credits), (issuance(scheme), -check.credits)],
        idempotency_key=f"credits-settlement-{settlement.pk}",
        effective_date=timezone.localdate(),
        cause=settlement,
        is_public=False,
    )
    settlement.save(update_fields=["transaction"])
    if bank_line is not None:
        bank_line_mark_matched(line=bank_line, target=settlement, actor=actor)
    audit_record(
        actor=actor,
        action="credits.settlement_record",
        target=settlement,
        host=scheme.host,
        data={
            "member": member.pk,
            "amount": str(settlement.euros),
            "credits": check.credits,
            "debt": check.debt,
            "paid_on": paid_on.isoformat(),
            "bank_line": bank_line.pk if bank_line is not None else None,
            "invoices": [p.document.number for p in payments],
            "transaction": settlement.transaction.pk,
        },
    )
    return settlement
