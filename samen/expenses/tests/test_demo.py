"""The demo seed gives expenses in every state and can run twice."""

from __future__ import annotations

import pytest

from samen.expenses import demo
from samen.expenses.models import Expense, ExpenseStatus

pytestmark = pytest.mark.django_db


def test_seed_every_state_and_idempotent(community):
    demo.seed()
    states = set(Expense.objects.values_list("status", flat=True))
    assert states == set(ExpenseStatus.values)
    assert Expense.objects.filter(on_hold=True).exists()
    count = Expense.objects.count()
    demo.seed()
    assert Expense.objects.count() == count
