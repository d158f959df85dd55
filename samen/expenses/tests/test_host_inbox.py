"""The host's expense list: open ones by default, totals that filter, select all, bulk approval."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samen.expenses import actions
from samen.expenses.models import ExpenseStatus
from samen.expenses.tests.factories import fund, make_expense

pytestmark = pytest.mark.django_db


def test_open_expenses_by_default_and_totals_filter(client, community):
    fund(community.collective, 100_000)
    waiting = make_expense(community.chloe, community.collective, title="Paint")
    spam = make_expense(community.chloe, community.collective, title="Buy followers")
    actions.expense_mark_spam(actor=community.anna, expense=spam)
    url = reverse("expenses:host_dashboard", args=[community.host.slug])
    client.force_login(community.anna)
    html = client.get(url).content.decode()
    assert waiting.title in html
    assert spam.title not in html
    assert 'href="?status=pending"' in html  # a status total is a filter
    assert spam.title in client.get(url + "?status=all").content.decode()
    assert spam.title in client.get(url + "?status=spam").content.decode()
    assert 'data-select-all="expenses"' in html
    assert "js/select-all.js" in html


def test_bulk_approve_approves_what_it_can_and_says_why_not(client, community):
    fund(community.collective, 5_000)
    first = make_expense(community.chloe, community.collective, title="Paint", amount=2_000)
    second = make_expense(community.chloe, community.collective, title="Brushes", amount=2_000)
    too_big = make_expense(community.chloe, community.collective, title="Van", amount=90_000)
    unfunded = make_expense(community.gilles, community.other_collective, title="Other")
    client.force_login(community.anna)
    url = reverse("expenses:host_bulk_approve", args=[community.host.slug])
    response = client.post(
        url, {"expenses": [first.pk, second.pk, too_big.pk, unfunded.pk]}, follow=True
    )
    text = response.content.decode()
    for expense in (first, second, too_big):
        expense.refresh_from_db()
    assert (first.status, second.status) == (ExpenseStatus.APPROVED, ExpenseStatus.APPROVED)
    assert too_big.status == ExpenseStatus.PENDING
    assert "2 expenses approved." in text
    assert "Van:" in text


def test_bulk_approve_is_for_host_admins(client, community):
    expense = make_expense(community.chloe, community.collective)
    url = reverse("expenses:host_bulk_approve", args=[community.host.slug])
    for person in (community.femke, community.bram, community.eva):
        client.force_login(person)
        assert client.post(url, {"expenses": [expense.pk]}).status_code in (403, 404)
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PENDING
