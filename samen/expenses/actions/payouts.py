"""Payout methods, payment, SEPA payout batches and bank reconciliation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN

from samen.audit.actions import audit_record
from samen.banking.rules import (
    InvalidBankDetail,
    bic_of,
    bic_required,
    iban_in_sepa,
    parse_bic,
    parse_iban,
)
from samen.banking.sepa import SCHEMA_V03, SCHEMA_V09, Payment, SepaFileError, pain001
from samen.communities.models import Collective, Host
from samen.expenses.actions._common import _lock, _move, _notify, _require, _require_payer
from samen.expenses.actions.review import _collective_account
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import Expense, ExpenseStatus, PayoutBatch, PayoutMethod
from samen.lib.dates import check_money_date
from samen.lib.money import AmountKind, check_amount

if TYPE_CHECKING:
    from samen.accounts.models import User

# --- payout methods ----------------------------------------------------------------------------


def normalise_iban(text: str) -> IBAN:
    """Parse an IBAN (spaces allowed) or raise ExpenseError(bad_iban)."""
    try:
        return parse_iban(text)
    except InvalidBankDetail:
        raise ExpenseError(ExpenseErrorCode.BAD_IBAN) from None


@transaction.atomic
def payout_method_create(
    *, actor: User, iban: str, account_holder: str, bic: str = ""
) -> PayoutMethod:
    """Store a bank account of ``actor`` (validated with schwifty); it stays private.

    The host pays by SEPA transfer, so the account must be in the SEPA area, and outside
    the EEA (Switzerland, the United Kingdom...) the BIC is needed too: from ``bic`` or,
    when schwifty's bank registry knows the bank, from the IBAN itself.
    """
    parsed = normalise_iban(iban)
    if not iban_in_sepa(parsed):
        raise ExpenseError(ExpenseErrorCode.NOT_SEPA)
    holder = account_holder.strip()
    if not holder:
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("Enter the account holder's name.")))
    try:
        bic = str(parse_bic(bic).compact) if bic.strip() else bic_of(parsed)
    except InvalidBankDetail:
        raise ExpenseError(ExpenseErrorCode.BIC_REQUIRED) from None
    if not bic and bic_required(parsed):
        raise ExpenseError(ExpenseErrorCode.BIC_REQUIRED)
    method, _created = PayoutMethod.objects.get_or_create(
        owner=actor,
        iban=parsed.compact,
        account_holder=holder[:70],
        defaults={"bic": bic},
    )
    # Never the IBAN itself in the audit log: it is personal data.
    audit_record(actor=actor, action="payout_method.create", target=None, data={"id": method.pk})
    return method


# --- payment -----------------------------------------------------------------------------------


def payment_idempotency_key(expense: Expense) -> str:
    """One ledger payment per expense, whoever asks and however often."""
    return f"expense:{expense.pk}:payment"


def _post_payment(*, actor: Any, expense: Expense, paid_on: date, fee: int) -> int:
    from samen.ledger.actions import account_for, ledger_post
    from samen.ledger.errors import LedgerError
    from samen.ledger.models import AccountPurpose, TransactionKind, Unit

    host = expense.collective.host
    assert host is not None
    clearing = account_for(purpose=AccountPurpose.BANK_CLEARING, unit=Unit.eur(), host=host)
    lines = [
        (_collective_account(expense.collective), -(expense.amount + fee)),
        (clearing, expense.amount),
    ]
    if fee:
        fees = account_for(purpose=AccountPurpose.PROCESSOR_FEES, unit=Unit.eur(), host=host)
        lines.append((fees, fee))
    try:
        tx = ledger_post(
            actor=actor,
            kind=TransactionKind.EXPENSE,
            description=f"Expense #{expense.pk}: {expense.title}",
            lines=lines,
            idempotency_key=payment_idempotency_key(expense),
            effective_date=paid_on,
            cause=expense,
            counterparty_name=expense.payee_public_name,
        )
    except LedgerError as exc:
        raise ExpenseError(ExpenseErrorCode.INSUFFICIENT_BALANCE, str(exc.message)) from exc
    return int(tx.pk)


@transaction.atomic
def expense_pay(
    *,
    actor: User | None,
    expense: Expense,
    paid_on: date,
    bank_reference: str = "",
    fee: int = 0,
    from_statement: bool = False,
) -> Expense:
    """A host admin marks an approved or scheduled expense paid: collective balance -> bank
    clearing in the ledger (and the bank's ``fee``, if any, from the collective to the host's
    fee account). Under the expense's row lock a second payer finds it paid.

    ``from_statement``: the bank statement shows the money left, so a hold no longer applies.
    """
    expense = _lock(expense)
    if actor is not None:
        _require_payer(actor, expense)
    if expense.status == ExpenseStatus.PAID:
        raise ExpenseError(ExpenseErrorCode.ALREADY_PAID)
    _require(expense, ExpenseStatus.APPROVED, ExpenseStatus.SCHEDULED)
    if expense.on_hold and not from_statement:
        raise ExpenseError(ExpenseErrorCode.ON_HOLD)
    if fee < 0:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    check_amount(fee, 2, kind=AmountKind.FEE, allow_zero=True)
    if not from_statement:  # a statement's booking date is the bank's fact, not a typo
        check_money_date(paid_on, field="paid_on")
    expense.on_hold = False
    expense.payment_fee = fee
    expense.ledger_transaction_id = _post_payment(
        actor=actor, expense=expense, paid_on=paid_on, fee=fee
    )
    expense.paid_on = paid_on
    expense.bank_reference = bank_reference.strip()[:140]
    _move(
        expense,
        actor=actor,
        to=ExpenseStatus.PAID,
        action="pay",
        amount=expense.amount,
        fee=fee,
        bank_reference=expense.bank_reference,
    )
    _notify(expense, "paid", [expense.submitter], actor)
    return expense


def end_to_end_id(expense: Expense) -> str:
    """The id the bank echoes back on the statement line (max 35 characters, ASCII)."""
    return f"SAMEN-EXP-{expense.pk}"


@transaction.atomic
def payout_batch_create(
    *, actor: User, host: Host, expense_ids: Sequence[int], execution_date: date
) -> PayoutBatch:
    """Schedule approved expenses of the host's collectives in one SEPA credit transfer file
    (both pain.001.001.03 and pain.001.001.09, each validated against sepaxml's XSD)."""
    from samen.communities.queries import is_host_admin

    check_money_date(execution_date, field="execution_date")
    if not is_host_admin(actor, host):
        raise ExpenseError(ExpenseErrorCode.WRONG_HOST, str(_("You may not do this.")))
    ids = sorted(set(expense_ids))
    if not ids:
        raise ExpenseError(ExpenseErrorCode.EMPTY_BATCH)
    rows = Expense.objects.filter(pk__in=ids).values_list("collective_id", flat=True)
    collective_ids = sorted(set(rows))
    list(Collective.objects.select_for_update().filter(pk__in=collective_ids).order_by("pk"))
    expenses = list(
        Expense.objects.select_for_update(of=("self",))
        .select_related("collective", "payout_method", "submitter")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(expenses) != len(ids) or any(e.collective.host_id != host.pk for e in expenses):
        raise ExpenseError(ExpenseErrorCode.WRONG_HOST)
    for e in expenses:
        if e.status != ExpenseStatus.APPROVED:
            raise ExpenseError(
                ExpenseErrorCode.INVALID_TRANSITION,
                str(_("“%(title)s” is not approved.")) % {"title": e.title},
            )
        if e.on_hold:
            raise ExpenseError(ExpenseErrorCode.ON_HOLD)
        e.end_to_end_id = end_to_end_id(e)
    message_id = f"SAMEN-{host.pk}-{timezone.now():%Y%m%d%H%M%S}-{expenses[0].pk}"[:35]
    # Both versions carry the same message id so the bank and the host speak of one batch.
    v03, v09 = (
        _payout_file(host, expenses, execution_date, schema, message_id)
        for schema in (SCHEMA_V03, SCHEMA_V09)
    )
    batch = PayoutBatch.objects.create(
        host=host,
        created_by=actor,
        execution_date=execution_date,
        message_id=message_id,
        total=sum(e.amount for e in expenses),
        xml_v03=v03,
        xml_v09=v09,
    )
    for e in expenses:
        e.batch = batch
        _move(e, actor=actor, to=ExpenseStatus.SCHEDULED, action="schedule", batch=batch.pk)
        _notify(e, "scheduled", [e.submitter], actor)
    audit_record(
        actor=actor,
        action="payout_batch.create",
        target=batch,
        host=host,
        data={"expenses": ids, "total": batch.total},
    )
    return batch


@transaction.atomic
def payments_batch_create(
    *,
    actor: Any,
    host: Host,
    payments: Sequence[Payment],
    execution_date: date,
    action: str,
    data: dict[str, Any],
) -> PayoutBatch:
    """A payout batch for money out that is not an expense (another app's payments, such
    as credits paid out at year end): the same two pain.001 files and batch row as
    ``payout_batch_create``, audited as ``action``. The caller checks who may pay what,
    and gives each payment an end-to-end id of its own."""
    if not payments:
        raise ExpenseError(ExpenseErrorCode.EMPTY_BATCH)
    first = payments[0].end_to_end_id
    message_id = f"SAMEN-{host.pk}-{timezone.now():%Y%m%d%H%M%S}-{first}"[:35]
    v03, v09 = (
        _sepa_file(host, payments, execution_date, schema, message_id)
        for schema in (SCHEMA_V03, SCHEMA_V09)
    )
    batch = PayoutBatch.objects.create(
        host=host,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        execution_date=execution_date,
        message_id=message_id,
        total=sum(payment.amount_cents for payment in payments),
        xml_v03=v03,
        xml_v09=v09,
    )
    audit_record(actor=actor, action=action, target=batch, host=host, data=data)
    return batch


def _payout_file(
    host: Host, expenses: Sequence[Expense], execution_date: date, schema: str, message_id: str
) -> str:
    """One pain.001 version paying ``expenses`` (which carry their end-to-end ids)."""
    payments = [
        Payment(
            name=e.payout_method.account_holder,
            iban=e.payout_method.iban,
            bic=e.payout_method.bic,
            amount_cents=e.amount,
            description=f"{e.title} (Samen {e.pk})",
            end_to_end_id=e.end_to_end_id,
        )
        for e in expenses
    ]
    return _sepa_file(host, payments, execution_date, schema, message_id)


def _sepa_file(
    host: Host, payments: Sequence[Payment], execution_date: date, schema: str, message_id: str
) -> str:
    """One pain.001 version of a batch, from the host's own (valid) account."""
    try:
        parse_iban(host.iban)
    except InvalidBankDetail:
        raise ExpenseError(ExpenseErrorCode.NO_HOST_IBAN) from None
    try:
        return pain001(
            host=host,
            payments=payments,
            execution_date=execution_date,
            schema=schema,
            message_id=message_id,
        )
    except SepaFileError as exc:
        raise ExpenseError(ExpenseErrorCode.INVALID, exc.message) from exc


@transaction.atomic
def expense_unschedule(*, actor: User, expense: Expense) -> Expense:
    """scheduled -> approved, out of its batch (the bank refused the file, or the host will
    pay it differently). The end-to-end id stays: if the bank executed the transfer after
    all, the statement line still finds the expense."""
    expense = _lock(expense)
    _require_payer(actor, expense)
    _require(expense, ExpenseStatus.SCHEDULED)
    batch_id = expense.batch_id
    expense.batch = None
    _move(expense, actor=actor, to=ExpenseStatus.APPROVED, action="unschedule", batch=batch_id)
    return expense


@transaction.atomic
def expense_reconcile_line(
    *, host: Host, end_to_end: str, amount: int, booked_on: date, reference: str
) -> Expense | None:
    """A bank statement line paying out a scheduled expense: mark it paid.

    ``amount`` is the line's signed amount (negative for money out). Returns the expense
    when the line matched one, None otherwise (the import then leaves the line unmatched).
    A line that matched before matches again harmlessly: the expense is already paid.
    """
    e2e = (end_to_end or "").strip()
    if not e2e:
        return None
    expense = Expense.objects.filter(end_to_end_id=e2e, collective__host=host).first()
    if expense is None or -amount != expense.amount:
        return None
    expense = _lock(expense)
    if expense.status == ExpenseStatus.PAID:
        return expense
    if expense.status not in (ExpenseStatus.SCHEDULED, ExpenseStatus.APPROVED):
        return None
    return expense_pay(
        actor=None,
        expense=expense,
        paid_on=booked_on,
        bank_reference=reference,
        from_statement=True,
    )
