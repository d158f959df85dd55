"""The one way to turn a request's expense id into an expense the person may see or change.

Public readers see an expense's public face (title, amount, status, date, payee's public
name, category) once it is submitted; drafts only exist for their author and spam only for
the people who handle expenses. Attachments, payout details and comments are "private":
the submitter, the collective's admins, and the host's admins and accountants.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from samen.communities.queries import (
    is_collective_admin,
    is_host_accountant,
    is_host_admin,
)
from samen.expenses.models import Expense, ExpenseStatus


class ExpenseNeed(models.TextChoices):
    VIEW = "view"  # the public face
    PRIVATE = "private"  # attachments, payout details, comment thread
    EDIT = "edit"  # the submitter, while the expense is a draft or changes are asked
    REVIEW = "review"  # approve, reject, ask changes, hold, spam: collective or host admins
    PAY = "pay"  # host admins only


HIDDEN_FROM_PUBLIC = (ExpenseStatus.DRAFT, ExpenseStatus.SPAM)


def is_reviewer(user: Any, expense: Expense) -> bool:
    """Collective admins and host admins may decide on an expense (the author never: see
    ``expense_approve``). Anonymous callers have no role, so no check of their own."""
    return is_collective_admin(user, expense.collective) or is_host_admin(
        user, expense.collective.host
    )


def is_payer(user: Any, expense: Expense) -> bool:
    """Only the host's admins pay (an unhosted collective's expense has no payer)."""
    return is_host_admin(user, expense.collective.host)


def can_see_private(user: Any, expense: Expense) -> bool:
    """The submitter, collective admins, host admins and host accountants (a draft: only
    its author). An anonymous caller's id is None, which no submitter has."""
    if expense.submitter_id == user.pk:
        return True
    if expense.status == ExpenseStatus.DRAFT:
        return False
    host = expense.collective.host
    return (
        is_collective_admin(user, expense.collective)
        or is_host_admin(user, host)
        or is_host_accountant(user, host)
    )


def expense_can(user: Any, need: ExpenseNeed, expense: Expense) -> bool:
    """The same rules as ``access_expense`` without raising (for buttons in templates):
    nothing at all on an expense the person may not see."""
    private = can_see_private(user, expense)
    if expense.status in HIDDEN_FROM_PUBLIC and not private:
        return False
    if need == ExpenseNeed.VIEW:
        return True
    if need == ExpenseNeed.PRIVATE:
        return private
    if need == ExpenseNeed.EDIT:
        return expense.submitter_id == user.pk and expense.is_editable
    if need == ExpenseNeed.REVIEW:
        return is_reviewer(user, expense)
    if need == ExpenseNeed.PAY:
        return is_payer(user, expense)
    return False


def access_expense(
    user: Any, expense_id: int | str, need: ExpenseNeed = ExpenseNeed.VIEW
) -> Expense:
    """Load an expense for ``user``: Http404 when it is invisible to them, PermissionDenied
    when they may see it but not do ``need``."""
    try:
        pk = int(expense_id)
    except (TypeError, ValueError):
        raise Http404 from None
    # "collective__host" joins the collective too.
    expense = (
        Expense.objects.select_related("collective__host", "submitter", "category", "payout_method")
        .filter(pk=pk)
        .first()
    )
    if expense is None:
        raise Http404
    if not expense_can(user, ExpenseNeed.VIEW, expense):
        raise Http404
    if not expense_can(user, need, expense):
        raise PermissionDenied
    return expense
