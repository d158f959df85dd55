"""The year end of a scheme: a member's positive net position (the network owes them euros,
after their invoices and credit notes were set off) is kept as credit or paid out, as the
host chose in the scheme (``CreditScheme.year_end_positive``)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from samen.audit.actions import audit_record
from samen.credits.actions.schemes import issuance, lock_wallets, wallet
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import CreditScheme, YearEndClose, YearEndPolicy
from samen.invoicing.models import Document, DocumentKind, PaymentMethod
from samen.ledger.models import TransactionKind

KEPT, PAID_OUT, NO_BANK_ACCOUNT = "kept", "paid_out", "no_bank_account"


def _owed_members(scheme: CreditScheme) -> list[tuple[Any, Decimal]]:
    """The members the host owes euros once their documents are set off, by id."""
    from samen.invoicing.actions import statements_compensate
    from samen.invoicing.compensation import compensable, net_positions

    statements_compensate(scheme=scheme)
    ids = sorted(set(compensable(scheme.host_id).values_list("customer_id", flat=True)))
    positions = net_positions(scheme.host_id, ids)
    owed = {user_id: positions[user_id].owed for user_id in ids if positions[user_id].owed > 0}
    users = get_user_model().objects.in_bulk(list(owed))
    return [(users[user_id], owed[user_id]) for user_id in sorted(owed)]


def _credits_of(scheme: CreditScheme, notes: list[Document]) -> int:
    """The credits the open part of ``notes`` stands for, in the unit's smallest step: each
    credit note's credits times the share of it still due, rounded down."""
    step = Decimal(10) ** scheme.unit.decimals
    total = Decimal(0)
    for note in notes:
        quantity = sum((line.quantity for line in note.lines.all()), Decimal(0))
        total += quantity * step * (note.gross_total - note.amount_paid) / note.gross_total
    return int(total.to_integral_value(rounding=ROUND_DOWN))


def _pay_out(
    scheme: CreditScheme, close: YearEndClose, member: Any, on: dt.date
) -> tuple[int, Decimal]:
    """Pay the member's open credit notes (method ``PAYOUT``) and take back the credits they
    stand for (at most the member's positive balance): (credits, euros)."""
    from samen.invoicing.actions import document_payment_record
    from samen.invoicing.compensation import compensable
    from samen.ledger.actions import ledger_post
    from samen.ledger.queries import balance

    account = wallet(scheme, member)
    notes = list(
        compensable(scheme.host_id, [member.pk])
        .filter(kind=DocumentKind.CREDIT_NOTE)
        .prefetch_related("lines")
        .order_by("issue_date", "sequence")
    )
    credits = min(_credits_of(scheme, notes), max(balance(account), 0))
    euros = Decimal("0.00")
    for note in notes:
        payment = document_payment_record(
            actor=None, document=note, paid_on=on, method=PaymentMethod.PAYOUT
        )
        euros += payment.amount
    if credits > 0:
        with translation.override(getattr(member, "language", "") or None):
            description = gettext("Credits paid out at the end of %(year)s") % {"year": close.year}
        ledger_post(
            actor=None,
            kind=TransactionKind.PAYOUT,
            description=description,
            lines=[(account, -credits), (issuance(scheme), credits)],
            idempotency_key=f"credits-year-end-{scheme.pk}-{close.year}-{member.pk}",
            effective_date=on,
            cause=close,
            counterparty_name=scheme.host.name,
            is_public=False,
        )
    return credits, euros


def _batch(scheme: CreditScheme, close: YearEndClose, paid: list[tuple[Any, Any, Decimal]]) -> Any:
    """One SEPA payout batch (the expenses app's) paying what ``paid`` lists."""
    from samen.banking.sepa import Payment
    from samen.expenses.actions import payments_batch_create

    payments = [
        Payment(
            name=method.account_holder,
            iban=method.iban,
            bic=method.bic,
            amount_cents=int(euros * 100),
            description=f"{scheme.host.name}: {scheme.unit.code} {close.year}",
            end_to_end_id=f"SAMEN-CRD-{close.pk}-{member.pk}"[:35],
        )
        for member, method, euros in paid
    ]
    return payments_batch_create(
        actor=None,
        host=scheme.host,
        payments=payments,
        execution_date=timezone.localdate(),
        action="credits.year_end_payout",
        data={"year_end": close.pk, "members": [member.pk for member, _m, _e in paid]},
    )


@transaction.atomic
def year_end_close(*, actor: Any, scheme: CreditScheme, year: int) -> YearEndClose:
    """Close ``year`` for the scheme, once: set off every member's open documents, then for
    each member the network still owes euros, keep that as credit or (policy ``PAY_OUT``)
    pay their open credit notes out in one SEPA payout batch and take back the credits
    they stand for. A member without a bank account for reimbursements keeps their credit.
    Closing a year again returns the first close and changes nothing; a year that has not
    ended is refused (``YEAR_NOT_ENDED``)."""
    from samen.expenses.models import PayoutMethod

    today = timezone.localdate()
    if year >= today.year:
        raise CreditsError(CreditsErrorCode.YEAR_NOT_ENDED)
    scheme = (
        CreditScheme.objects.select_for_update().select_related("unit", "host").get(pk=scheme.pk)
    )
    existing = YearEndClose.objects.filter(scheme=scheme, year=year).first()
    if existing is not None:
        return existing
    owed = _owed_members(scheme)
    close = YearEndClose.objects.create(scheme=scheme, year=year, policy=scheme.year_end_positive)
    rows, paid = [], []
    lock_wallets([wallet(scheme, member) for member, _euros in owed])
    for member, euros in owed:
        row = {"user_id": member.pk, "euros": str(euros), "credits": 0, "outcome": KEPT}
        if scheme.year_end_positive == YearEndPolicy.PAY_OUT:
            method = (
                PayoutMethod.objects.filter(owner=member, erased_at__isnull=True)
                .order_by("-created_at", "-pk")
                .first()
            )
            if method is None:
                row["outcome"] = NO_BANK_ACCOUNT
            else:
                credits, amount = _pay_out(scheme, close, member, today)
                row.update(credits=credits, euros=str(amount), outcome=PAID_OUT)
                paid.append((member, method, amount))
        rows.append(row)
    close.members = rows
    close.batch = _batch(scheme, close, paid) if paid else None
    close.save(update_fields=["members", "batch"])
    audit_record(
        actor=actor,
        action="credits.year_end_close",
        target=close,
        host=scheme.host,
        data={"year": year, "policy": close.policy, "members": rows},
    )
    return close


def year_ends_close(*, today: dt.date | None = None) -> int:
    """Close the previous year of every scheme that has not closed it yet (the daily task;
    it does the work on the first run of the year). Returns how many were closed now."""
    year = (today or timezone.localdate()).year - 1
    done = 0
    closed = YearEndClose.objects.filter(year=year).values("scheme_id")
    for scheme in CreditScheme.objects.exclude(pk__in=closed).order_by("pk"):
        year_end_close(actor=None, scheme=scheme, year=year)
        done += 1
    return done
