"""Reads for the expense pages, the host dashboard, the CSV export and the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext

from samen.communities.models import Collective, Host
from samen.expenses.access import HIDDEN_FROM_PUBLIC
from samen.expenses.models import (
    AccountingCategory,
    Expense,
    ExpenseApproval,
    ExpenseComment,
    ExpenseInvite,
    ExpenseStatus,
    PayoutMethod,
    PendingUpload,
)
from samen.lib.money import EUR, Money


def public_expenses(collective: Collective) -> QuerySet[Expense]:
    """The collective's public expense list (never drafts or spam); one query per page."""
    return (
        Expense.objects.filter(collective=collective)
        .exclude(status__in=HIDDEN_FROM_PUBLIC)
        .select_related("submitter", "category")
        .order_by("-created_at", "-pk")
    )


def expense_detail(expense: Expense) -> Expense:
    """Items, attachments, approvals and comments for the private detail page."""
    return (
        Expense.objects.select_related(
            "collective", "collective__host", "submitter", "category", "payout_method", "batch"
        )
        .prefetch_related(
            "items",
            "attachments",
            Prefetch("approvals", queryset=ExpenseApproval.objects.select_related("approver")),
            Prefetch("comments", queryset=ExpenseComment.objects.select_related("author")),
        )
        .get(pk=expense.pk)
    )


def my_expenses(user: Any) -> QuerySet[Expense]:
    return (
        Expense.objects.filter(submitter=user)
        .select_related("collective", "category")
        .order_by("-created_at", "-pk")
    )


def my_payout_methods(user: Any) -> QuerySet[PayoutMethod]:
    return PayoutMethod.objects.filter(owner=user).order_by("-created_at")


def host_categories(host: Host | None) -> QuerySet[AccountingCategory]:
    if host is None:
        return AccountingCategory.objects.none()
    return AccountingCategory.objects.filter(host=host, is_active=True).order_by("code")


@dataclass(frozen=True)
class DashboardFilters:
    status: str = ""
    collective: str = ""  # slug
    category: int | None = None
    text: str = ""


# What still asks something of the host; the dashboard shows these unless asked otherwise.
OPEN_STATUSES = (
    ExpenseStatus.PENDING,
    ExpenseStatus.INCOMPLETE,
    ExpenseStatus.APPROVED,
    ExpenseStatus.SCHEDULED,
)


def host_expenses(host: Host, filters: DashboardFilters | None = None) -> QuerySet[Expense]:
    """Every expense of the host's collectives (not drafts), filtered for the dashboard.

    The status filter takes a status, ``open`` (see ``OPEN_STATUSES``) or nothing (all)."""
    f = filters or DashboardFilters()
    qs = (
        Expense.objects.filter(collective__host=host)
        .exclude(status=ExpenseStatus.DRAFT)
        .select_related("collective", "submitter", "category", "payout_method")
    )
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.collective:
        qs = qs.filter(collective__slug=f.collective)
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.text:
        qs = qs.filter(Q(title__icontains=f.text) | Q(payee_organisation__icontains=f.text))
    return qs.order_by("-created_at", "-pk")


def totals_by_status(qs: QuerySet[Expense]) -> dict[str, dict[str, int]]:
    """Count and sum per status of a (filtered) expense queryset, in one query."""
    rows = qs.order_by().values("status").annotate(n=Count("pk"), total=Sum("amount"))
    return {r["status"]: {"count": r["n"], "total": r["total"] or 0} for r in rows}


def expense_invites(collective: Collective) -> QuerySet[ExpenseInvite]:
    return ExpenseInvite.objects.filter(collective=collective).select_related("user")


def person_by_email(email: str) -> Any:
    """The active account with this (verified or not) address, or None."""
    from samen.accounts.models import User

    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def host_expense_count(host: Host, status: str) -> int:
    """How many of the host's expenses have ``status`` (the inbox counts)."""
    return Expense.objects.filter(collective__host=host, status=status).count()


def linkable_decisions(user: Any, expense: Expense) -> QuerySet[Any]:
    """The closed proposals and consent polls of the expense's collective that ``user`` may
    read: what an expense can be linked to (the action checks that it passed)."""
    from samen.decisions.models import PollKind
    from samen.decisions.queries import poll_list

    polls = poll_list(user, expense.collective, closed=True)
    return polls.filter(kind__in=[PollKind.PROPOSAL, PollKind.CONSENT])


def pending_uploads(user: Any, tokens: list[str]) -> list[PendingUpload]:
    """The receipts kept for ``user`` that a form names by token (anyone else's: none)."""
    valid = []
    for token in tokens[:20]:
        try:
            valid.append(uuid.UUID(token))
        except ValueError:
            continue
    if not valid or not getattr(user, "is_authenticated", False):
        return []
    return list(PendingUpload.objects.filter(user=user, token__in=valid).order_by("pk"))


@dataclass(frozen=True)
class CategorySpending:
    """What the paid expenses of one accounting category took out of the balances."""

    name: str
    amount: Money


@dataclass(frozen=True)
class SpendingByCategory:
    """Paid expenses per category over ``start``..``end``, largest first."""

    rows: list[CategorySpending]
    start: date
    end: date

    @property
    def total(self) -> Money:
        return sum((row.amount for row in self.rows), Money.zero(EUR))


def spending_by_category(
    owner: Collective | Host, *, today: date | None = None
) -> SpendingByCategory:
    """Paid expenses of a collective (or of every collective a host carries) per accounting
    category, over the months of the money summary (``ledger.queries.summary_months``).

    Counted from the ledger, not from the expense records: the ledger is the public truth
    (append-only, sealed, in the public export), so the chart adds up to the "spent" of the
    money summary beside it and anyone can check it against the export. An expense counts
    with what left the collective's balance for it (a bank fee it bore included), on its
    payment date; a payment later reversed does not count. The expense that caused each
    payment gives only its category; its name is read in the reader's language. Two
    queries, whatever the number of expenses: the sums, then the categories' names.
    """
    from samen.ledger.models import AccountPurpose, Entry, TransactionKind
    from samen.ledger.queries import summary_months

    today = today or timezone.localdate()
    start = summary_months(today)[0]
    if isinstance(owner, Collective):
        balances = Q(account__collective=owner)
    else:
        balances = Q(account__collective__host=owner)
    category = Expense.objects.filter(ledger_transaction_id=OuterRef("transaction_id")).values(
        "category_id"
    )[:1]
    sums = (
        Entry.objects.filter(
            balances,
            account__purpose=AccountPurpose.COLLECTIVE_BALANCE,
            amount__lt=0,
            transaction__kind=TransactionKind.EXPENSE,
            transaction__is_public=True,
            transaction__reversed_by__isnull=True,
            transaction__effective_date__gte=start,
            transaction__effective_date__lte=today,
        )
        .annotate(category=Subquery(category))
        .values("category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals = {row["category"]: -int(row["total"]) for row in sums}
    names = {
        c.pk: c.name for c in AccountingCategory.objects.filter(pk__in=[k for k in totals if k])
    }
    rows = [
        CategorySpending(names.get(pk) or gettext("No category"), Money(amount, EUR))
        for pk, amount in totals.items()
    ]
    rows.sort(key=lambda row: (-row.amount.amount, row.name))
    return SpendingByCategory(rows=rows, start=start, end=today)
