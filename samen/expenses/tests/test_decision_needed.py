"""A collective's policy can require a passed decision for expenses above an amount: the
expense links the decision and cannot be approved without it (issue 15)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from samen.decisions import actions as decisions
from samen.decisions.models import Poll
from samen.expenses import actions
from samen.expenses.errors import ExpenseError
from samen.expenses.models import ExpenseStatus
from samen.expenses.tests.factories import fund, make_expense

pytestmark = pytest.mark.django_db


def _decision(c: Any, *, agree: bool = True, close: bool = True, owner: Any = None) -> Poll:
    owner = owner or c.collective
    admin = c.bram if owner == c.collective else c.gilles
    poll = decisions.poll_create(
        actor=admin, owner=owner, kind="proposal", title="Buy a fermenter",
        closes_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    key = "agree" if agree else "disagree"
    choice = next(o.pk for o in poll.options.all() if o.key == key)
    decisions.stance_cast(actor=admin, poll=poll, choices=[(choice, 1)])
    if close:
        decisions.poll_close(actor=admin, poll=poll)
    return poll


@pytest.fixture
def big_expense(community: Any) -> Any:
    c = community
    actions.expense_policy_set(actor=c.bram, collective=c.collective, submit_policy="members",
                               approvals_required=1, decision_threshold=50_000)  # fmt: skip
    fund(c.collective, 200_000)
    return make_expense(c.chloe, c.collective, amount=80_000)


def test_an_expense_above_the_amount_needs_a_passed_decision(community, big_expense):
    c = community
    with pytest.raises(ExpenseError) as error:
        actions.expense_approve(actor=c.bram, expense=big_expense)
    assert error.value.code == "decision_required"
    assert "500.00" in error.value.message or "500,00" in error.value.message
    big_expense.refresh_from_db()
    assert big_expense.status == ExpenseStatus.PENDING
    assert not big_expense.approvals.exists()
    for wrong in (_decision(c, close=False), _decision(c, agree=False),
                  _decision(c, owner=c.other_collective)):  # fmt: skip
        with pytest.raises(ExpenseError) as error:
            actions.expense_decision_link(actor=c.chloe, expense=big_expense, decision=wrong)
        assert error.value.code == "decision_invalid"
    passed = _decision(c)
    actions.expense_decision_link(actor=c.chloe, expense=big_expense, decision=passed)
    approved = actions.expense_approve(actor=c.bram, expense=big_expense)
    assert approved.status == ExpenseStatus.APPROVED
    assert approved.decision == passed


def test_small_expenses_and_collectives_without_the_rule_need_none(community):
    c = community
    actions.expense_policy_set(actor=c.bram, collective=c.collective, submit_policy="members",
                               approvals_required=1, decision_threshold=50_000)  # fmt: skip
    fund(c.collective, 100_000)
    small = make_expense(c.chloe, c.collective, amount=50_000)  # at the amount, not above
    assert actions.expense_approve(actor=c.bram, expense=small).status == ExpenseStatus.APPROVED


def test_through_the_api_and_the_page(client, community, big_expense):
    c = community
    client.force_login(c.bram)
    policy = client.put(
        f"/api/v1/expenses/collectives/{c.collective.slug}/policy",
        {"submit_policy": "members", "approvals_required": 1, "decision_threshold": "500,00"},
        content_type="application/json",
    )
    assert policy.status_code == 200
    assert policy.json()["decision_threshold"] == 50_000
    approve = client.post(f"/api/v1/expenses/{big_expense.pk}/approve")
    assert approve.status_code in (400, 409, 422)
    assert approve.json()["code"] == "decision_required"
    page = client.get(f"/expenses/{big_expense.pk}/").content.decode()
    assert "needs a passed decision" in page
    open_poll = _decision(c, close=False)
    link = client.post(f"/api/v1/expenses/{big_expense.pk}/decision",
                       {"decision": open_poll.pk}, content_type="application/json")  # fmt: skip
    assert link.json()["code"] == "decision_invalid"
    passed = _decision(c)
    response = client.post(f"/expenses/{big_expense.pk}/decision/", {"decision": passed.pk})
    assert response.status_code == 302
    big_expense.refresh_from_db()
    assert big_expense.decision_id == passed.pk
    assert "Buy a fermenter" in client.get(f"/expenses/{big_expense.pk}/").content.decode()
    client.force_login(c.gilles)  # another collective's admin
    foreign = client.post(f"/api/v1/expenses/{big_expense.pk}/decision", {"decision": None},
                          content_type="application/json")  # fmt: skip
    assert foreign.status_code in (403, 404)
