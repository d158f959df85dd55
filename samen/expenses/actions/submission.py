"""Submission: a person files an expense with its items and attachments, edits and submits it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.audit.actions import audit_record
from samen.communities.models import Collective
from samen.communities.queries import host_suspension, is_collective_admin, is_collective_member
from samen.expenses.actions._common import _lock, _move, _notify, _require, _reviewers
from samen.expenses.actions.policies import host_settings_for, policy_for
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.files import sniff_attachment, stored_file_name
from samen.expenses.models import (
    AccountingCategory,
    Expense,
    ExpenseAttachment,
    ExpenseInvite,
    ExpenseItem,
    ExpenseStatus,
    ExpenseType,
    PayeeKind,
    PayoutMethod,
    SubmitPolicy,
    SubmitterRestriction,
)
from samen.lib.dates import check_money_date
from samen.lib.money import AmountKind, check_amount

if TYPE_CHECKING:
    from samen.accounts.models import User


@dataclass(frozen=True)
class ItemInput:
    """One expense line as parsed by a form or an API schema (amount in cents)."""

    description: str
    incurred_on: date
    amount: int


def may_submit(user: Any, collective: Collective) -> ExpenseErrorCode | None:
    """None when ``user`` may submit to ``collective``, else the reason why not."""
    if collective.host_id is None:
        return ExpenseErrorCode.NOT_HOSTED
    if SubmitterRestriction.objects.filter(user=user).exists():
        return ExpenseErrorCode.SUBMITTER_RESTRICTED
    if host_suspension(user, collective.host) is not None:
        return ExpenseErrorCode.HOST_SUSPENDED
    policy = policy_for(collective)
    if policy.submit_policy == SubmitPolicy.ANYONE:
        return None
    if policy.submit_policy == SubmitPolicy.MEMBERS and is_collective_member(user, collective):
        return None
    if policy.submit_policy == SubmitPolicy.INVITED and (
        is_collective_admin(user, collective)
        or ExpenseInvite.objects.filter(collective=collective, user=user).exists()
    ):
        return None
    return ExpenseErrorCode.SUBMIT_NOT_ALLOWED


def _check_content(
    *,
    collective: Collective,
    type: str,
    title: str,
    items: Sequence[ItemInput],
    payee_kind: str,
    payee_organisation: str,
    vat_amount: int,
    category: AccountingCategory | None,
) -> int:
    if type not in ExpenseType.values or payee_kind not in PayeeKind.values:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    if not title.strip():
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("Give the expense a title.")))
    if not items:
        raise ExpenseError(ExpenseErrorCode.NO_ITEMS)
    if any(i.amount <= 0 or not i.description.strip() for i in items):
        raise ExpenseError(
            ExpenseErrorCode.INVALID, str(_("Every item needs a description and an amount."))
        )
    for item in items:
        check_amount(item.amount, 2, kind=AmountKind.EXPENSE_ITEM)
        check_money_date(item.incurred_on, field="incurred_on")
    total = check_amount(sum(i.amount for i in items), 2, kind=AmountKind.EXPENSE_ITEM)
    if vat_amount < 0 or vat_amount > total or (vat_amount and type != ExpenseType.INVOICE):
        raise ExpenseError(
            ExpenseErrorCode.INVALID,
            str(_("VAT applies to invoices only and cannot exceed the total.")),
        )
    if payee_kind == PayeeKind.ORGANISATION and not payee_organisation.strip():
        raise ExpenseError(ExpenseErrorCode.INVALID, str(_("Enter the organisation's name.")))
    if category is not None and (category.host_id != collective.host_id or not category.is_active):
        raise ExpenseError(ExpenseErrorCode.CATEGORY_INVALID)
    return total


def _check_ready(expense: Expense) -> None:
    """What must hold before an expense leaves draft (or incomplete) for review."""
    host = expense.collective.host
    if host is not None and host_settings_for(host).require_category and not expense.category_id:
        raise ExpenseError(ExpenseErrorCode.CATEGORY_REQUIRED)
    if not expense.items.exists():
        raise ExpenseError(ExpenseErrorCode.NO_ITEMS)


def _check_files(files: Sequence[File[Any]]) -> list[tuple[File[Any], str]]:
    """Every file's content type, checked before anything is written (a bad second file must
    not leave the first one stored for a rolled-back expense)."""
    checked = []
    for upload in files:
        content_type = sniff_attachment(upload, upload.size or 0)
        if content_type is None:
            raise ExpenseError(ExpenseErrorCode.BAD_FILE)
        checked.append((upload, content_type))
    return checked


def _store_attachments(expense: Expense, actor: Any, checked: list[tuple[File[Any], str]]) -> None:
    stored: list[str] = []
    storage = ExpenseAttachment._meta.get_field("file").storage
    # Files are not transactional: when storing one fails, remove the ones already stored.
    try:
        for upload, content_type in checked:
            name = (getattr(upload, "name", "") or "attachment").rsplit("/", 1)[-1][:200]
            attachment = ExpenseAttachment(
                expense=expense,
                original_name=name,
                content_type=content_type,
                size=upload.size or 0,
                uploaded_by=actor,
            )
            attachment.file.save(stored_file_name(content_type), upload, save=False)
            stored.append(attachment.file.name)
            attachment.save()
    except Exception:
        for name in stored:
            storage.delete(name)
        raise


@transaction.atomic
def expense_create(
    *,
    actor: User,
    collective: Collective,
    type: str,
    title: str,
    items: Sequence[ItemInput],
    payout_method: PayoutMethod,
    payee_kind: str = PayeeKind.SELF,
    payee_organisation: str = "",
    vat_amount: int = 0,
    category: AccountingCategory | None = None,
    tags: Sequence[str] = (),
    attachments: Sequence[File[Any]] = (),
    submit: bool = True,
) -> Expense:
    """File an expense to a hosted collective: as a draft, or submitted for review."""
    reason = may_submit(actor, collective)
    if reason is not None:
        raise ExpenseError(reason)
    if payout_method.owner_id != actor.pk:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    total = _check_content(
        collective=collective,
        type=type,
        title=title,
        items=items,
        payee_kind=payee_kind,
        payee_organisation=payee_organisation,
        vat_amount=vat_amount,
        category=category,
    )
    checked = _check_files(attachments)
    expense = Expense.objects.create(
        collective=collective,
        submitter=actor,
        type=type,
        title=title.strip()[:200],
        payee_kind=payee_kind,
        payee_organisation=payee_organisation.strip()[:120]
        if payee_kind == PayeeKind.ORGANISATION
        else "",
        payout_method=payout_method,
        amount=total,
        vat_amount=vat_amount,
        category=category,
        tags=_clean_tags(tags),
    )
    ExpenseItem.objects.bulk_create(
        ExpenseItem(
            expense=expense,
            description=i.description.strip()[:200],
            incurred_on=i.incurred_on,
            amount=i.amount,
        )
        for i in items
    )
    _store_attachments(expense, actor, checked)
    audit_record(
        actor=actor,
        action="expense.create",
        target=expense,
        host=collective.host,
        data={"amount": total, "type": type},
    )
    if submit:
        expense_submit(actor=actor, expense=expense)
        expense.refresh_from_db()
    return expense


def _clean_tags(tags: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        t = tag.strip().lower()[:30]
        if t and t not in seen:
            seen.append(t)
    return seen[:10]


@transaction.atomic
def expense_update(
    *,
    actor: User,
    expense: Expense,
    type: str,
    title: str,
    items: Sequence[ItemInput],
    payout_method: PayoutMethod,
    payee_kind: str = PayeeKind.SELF,
    payee_organisation: str = "",
    vat_amount: int = 0,
    category: AccountingCategory | None = None,
    tags: Sequence[str] = (),
    attachments: Sequence[File[Any]] = (),
) -> Expense:
    """The submitter edits a draft or an expense with changes asked (items are replaced)."""
    expense = _lock(expense)
    if expense.submitter_id != actor.pk or not expense.is_editable:
        raise ExpenseError(ExpenseErrorCode.NOT_EDITABLE)
    if payout_method.owner_id != actor.pk:
        raise ExpenseError(ExpenseErrorCode.INVALID)
    total = _check_content(
        collective=expense.collective,
        type=type,
        title=title,
        items=items,
        payee_kind=payee_kind,
        payee_organisation=payee_organisation,
        vat_amount=vat_amount,
        category=category,
    )
    checked = _check_files(attachments)
    expense.type = type
    expense.title = title.strip()[:200]
    expense.payee_kind = payee_kind
    expense.payee_organisation = (
        payee_organisation.strip()[:120] if payee_kind == PayeeKind.ORGANISATION else ""
    )
    expense.payout_method = payout_method
    expense.amount = total
    expense.vat_amount = vat_amount
    expense.category = category
    expense.tags = _clean_tags(tags)
    expense.save()
    expense.items.all().delete()
    ExpenseItem.objects.bulk_create(
        ExpenseItem(
            expense=expense,
            description=i.description.strip()[:200],
            incurred_on=i.incurred_on,
            amount=i.amount,
        )
        for i in items
    )
    _store_attachments(expense, actor, checked)
    audit_record(
        actor=actor,
        action="expense.update",
        target=expense,
        host=expense.collective.host,
        data={"amount": total},
    )
    return expense


@transaction.atomic
def expense_attach(*, actor: User, expense: Expense, files: Sequence[File[Any]]) -> Expense:
    """The submitter adds receipts to an expense that is not decided yet."""
    expense = _lock(expense)
    if expense.submitter_id != actor.pk or expense.status not in (
        ExpenseStatus.DRAFT,
        ExpenseStatus.INCOMPLETE,
        ExpenseStatus.PENDING,
    ):
        raise ExpenseError(ExpenseErrorCode.NOT_EDITABLE)
    _store_attachments(expense, actor, _check_files(files))
    audit_record(
        actor=actor,
        action="expense.attach",
        target=expense,
        host=expense.collective.host,
        data={"files": len(files)},
    )
    return expense


@transaction.atomic
def expense_submit(*, actor: User, expense: Expense) -> Expense:
    """draft or incomplete -> pending; earlier approvals no longer count after changes."""
    expense = _lock(expense)
    if expense.submitter_id != actor.pk:
        raise ExpenseError(ExpenseErrorCode.NOT_EDITABLE)
    _require(expense, ExpenseStatus.DRAFT, ExpenseStatus.INCOMPLETE)
    reason = may_submit(actor, expense.collective)
    if reason is not None:
        raise ExpenseError(reason)
    _check_ready(expense)
    expense.approvals.all().delete()
    expense.submitted_at = timezone.now()
    _move(expense, actor=actor, to=ExpenseStatus.PENDING, action="submit")
    _notify(expense, "submitted", _reviewers(expense), actor)
    return expense
