"""Paid expenses per accounting category, for a collective and for its host: counted from
the ledger's payments, named in the reader's language, with an empty state."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from samen.expenses import actions
from samen.expenses.models import AccountingCategory, Expense
from samen.expenses.queries import spending_by_category
from samen.expenses.tests.factories import fund, make_expense
from samen.lib.money import EUR, Money

pytestmark = pytest.mark.django_db


def _paid(
    community: Any,
    submitter: Any,
    collective: Any,
    amount: int,
    category: AccountingCategory | None,
    *,
    fee: int = 0,
    pay: bool = True,
) -> Expense:
    fund(collective, amount + fee)
    expense = make_expense(submitter, collective, amount=amount, category=category)
    expense = actions.expense_approve(actor=community.anna, expense=expense)
    if not pay:
        return expense
    return actions.expense_pay(
        actor=community.anna, expense=expense, paid_on=timezone.localdate(), fee=fee
    )


@pytest.fixture
def spent(community: Any) -> Any:
    rent = actions.accounting_category_save(
        actor=community.anna,
        host=community.host,
        code="6130",
        name="Rent",
        name_en="Rent",
        name_nl="Huur",
        name_fr="Loyer",
    )
    _paid(community, community.chloe, community.collective, 100_00, rent, fee=50)
    _paid(community, community.chloe, community.collective, 20_00, rent)
    _paid(community, community.chloe, community.collective, 7_25, None)
    # Approved but not paid: reserved, not spent.
    _paid(community, community.chloe, community.collective, 50_00, rent, pay=False)
    # Another collective of the same host.
    _paid(community, community.gilles, community.other_collective, 999_00, rent)
    return community


def test_a_collective_counts_its_paid_expenses_from_the_ledger(
    spent: Any, django_assert_num_queries: Any
) -> None:
    with translation.override("nl"), django_assert_num_queries(2):
        spending = spending_by_category(spent.collective)
    # The bank fee the collective bore is part of what the rent cost it.
    assert [(row.name, row.amount) for row in spending.rows] == [
        ("Huur", Money(120_50, EUR)),
        ("Geen categorie", Money(7_25, EUR)),
    ]
    assert spending.total == Money(127_75, EUR)
    assert spending.end == timezone.localdate()
    assert spending.start.day == 1
    assert (spending.end - spending.start).days < 366


def test_a_host_adds_up_its_collectives(spent: Any) -> None:
    with translation.override("fr"):
        rows = spending_by_category(spent.host).rows
    assert [(row.name, row.amount.amount) for row in rows] == [
        ("Loyer", 1119_50),
        ("Sans catégorie", 7_25),
    ]


@pytest.mark.parametrize(
    ("language", "name", "amount"),
    [("en", "Rent", "€120.50"), ("nl", "Huur", "120,50 €"), ("fr", "Loyer", "120,50 €")],
)
def test_the_collective_page_shows_the_chart_in_the_readers_language(
    client: Any, spent: Any, language: str, name: str, amount: str
) -> None:
    html = client.get(
        f"/collectives/{spent.collective.slug}/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    section = html.split('data-testid="spending-by-category"')[1].split("</section>")[0]
    assert "<svg" in section
    assert f'<td data-user-content>{name}</td><td class="text-end">{amount}</td>' in section


def test_the_host_page_shows_the_chart_and_an_empty_collective_says_so(
    client: Any, community: Any
) -> None:
    _paid(community, community.chloe, community.collective, 12_00, None)
    host = client.get(f"/hosts/{community.host.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = host.split('data-testid="spending-by-category"')[1].split("</section>")[0]
    assert "€12.00" in section
    other = client.get(
        f"/collectives/{community.other_collective.slug}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    section = other.split('data-testid="spending-by-category"')[1].split("</section>")[0]
    assert "No expense was paid in this period." in section
    assert "<svg" not in section
