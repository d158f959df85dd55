"""Races on PostgreSQL: two payers, two approvers. Real threads, real row locks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connections

from samen.expenses import actions
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import Expense, ExpenseStatus
from samen.expenses.tests.factories import approved_expense, collective_balance, fund, make_expense

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment in threads; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_admins_paying_at_once_make_exactly_one_payment(community, make_user):
    from samen.communities import actions as community_actions
    from samen.communities.models import HostRole
    from samen.ledger.models import Transaction

    second_admin = make_user("hanne@example.org", "Hanne")
    community_actions.member_add(
        actor=community.anna, owner=community.host, user=second_admin, role=HostRole.ADMIN
    )
    expense = approved_expense(community, amount=4250)
    before = collective_balance(community.collective)

    def pay(user: Any) -> Callable[[], Any]:
        return lambda: actions.expense_pay(
            actor=user, expense=Expense.objects.get(pk=expense.pk), paid_on=date(2026, 11, 20)
        )

    results = _race(pay(community.anna), pay(second_admin))
    paid = [r for r in results if isinstance(r, Expense)]
    refused = [r for r in results if isinstance(r, ExpenseError)]
    assert len(paid) == 1, results
    assert len(refused) == 1, results
    assert refused[0].code == ExpenseErrorCode.ALREADY_PAID
    assert Transaction.objects.filter(idempotency_key=f"expense:{expense.pk}:payment").count() == 1
    assert collective_balance(community.collective) == before - 4250


def test_two_approvals_racing_beyond_the_balance(community):
    fund(community.collective, 5000)
    first = make_expense(community.chloe, community.collective, amount=3000, title="A")
    second = make_expense(community.chloe, community.collective, amount=3000, title="B")

    def approve(user: Any, pk: int) -> Callable[[], Any]:
        return lambda: actions.expense_approve(actor=user, expense=Expense.objects.get(pk=pk))

    results = _race(approve(community.bram, first.pk), approve(community.anna, second.pk))
    approved = [r for r in results if isinstance(r, Expense)]
    refused = [r for r in results if isinstance(r, ExpenseError)]
    assert len(approved) == 1, results
    assert len(refused) == 1, results
    assert refused[0].code == ExpenseErrorCode.INSUFFICIENT_BALANCE
    statuses = sorted(Expense.objects.values_list("status", flat=True))
    assert statuses == [ExpenseStatus.APPROVED, ExpenseStatus.PENDING]
    assert actions.available_balance(community.collective) == 2000
