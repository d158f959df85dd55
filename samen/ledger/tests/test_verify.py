"""``verify_ledger`` names each broken invariant exactly: which account or transaction, and
how. Each test breaks the books in one precise way behind the actions' back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from samen.ledger.actions import ledger_seal
from samen.ledger.models import (
    Balance,
    BalanceStripe,
    CounterpartyName,
    Entry,
    TransactionKind,
    Unit,
)
from samen.ledger.tests.factories import collective_eur, donate, outside_eur
from samen.ledger.verify import verify_ledger

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL refuses changes to entries itself"
)


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_wrong_balance_row_is_named_with_its_figures(books: Any) -> None:
    donate(books.garden, 10_00, "a")
    donate(books.repair, 4_00, "b")
    garden, repair = collective_eur(books.garden), collective_eur(books.repair)
    first, second = sorted([garden, repair], key=lambda account: account.pk)
    Balance.objects.filter(account=first).delete()
    Balance.objects.filter(account=second).update(amount=F("amount") + 1)
    totals = {garden.pk: 10_00, repair.pk: 4_00}
    problems = verify_ledger()
    # The missing row of the first account does not stop the check of the next one.
    assert problems == [
        f"account {first.pk}: entries sum to {totals[first.pk]} but it has no balance row",
        f"account {second.pk}: balance row says {totals[second.pk] + 1}, "
        f"its entries sum to {totals[second.pk]}",
    ]


def test_a_balance_row_without_entries_is_checked_too(books: Any) -> None:
    idle = collective_eur(books.repair)
    Balance.objects.filter(account=idle).update(amount=7)
    assert verify_ledger() == [f"account {idle.pk}: balance row says 7, its entries sum to 0"]


def test_a_floor_that_differs_from_the_account_is_named_with_both(books: Any) -> None:
    donate(books.garden, 10_00, "a")
    garden = collective_eur(books.garden)
    Balance.objects.filter(account=garden).update(floor=-5_00)
    assert verify_ledger() == [
        f"account {garden.pk}: floor {garden.floor} on the account but -500 on its balance row"
    ]


def test_credit_stripes_below_zero_are_named(books: Any) -> None:
    donate(books.garden, 10_00, "a")
    garden = collective_eur(books.garden)
    BalanceStripe.objects.filter(account=garden).delete()
    Balance.objects.filter(account=garden).update(amount=10_03)
    BalanceStripe.objects.create(account=garden, stripe=0, amount=-3)
    assert verify_ledger() == [f"account {garden.pk}: its credit stripes sum to -3, below zero"]


@sqlite_only
def test_each_unbalanced_transaction_is_named_even_when_they_cancel_out(books: Any) -> None:
    one = donate(books.garden, 10_00, "a")
    two = donate(books.garden, 5_00, "b")
    garden = collective_eur(books.garden)
    # +1 cent in one transaction and -1 cent in the other: the unit as a whole still sums to
    # zero, each transaction does not. The balance rows follow, so only the sums are wrong.
    _raw(
        "UPDATE ledger_entry SET amount = amount + 1 WHERE transaction_id = %s AND account_id = %s",
        [one.pk, garden.pk],
    )
    _raw(
        "UPDATE ledger_entry SET amount = amount - 1 WHERE transaction_id = %s AND account_id = %s",
        [two.pk, garden.pk],
    )
    assert verify_ledger() == [
        f"transaction {one.pk}: EUR entries sum to 1, not zero",
        f"transaction {two.pk}: EUR entries sum to -1, not zero",
    ]


@sqlite_only
def test_an_entry_in_another_unit_than_its_account_is_named(books: Any) -> None:
    txn = donate(books.garden, 10_00, "a")
    other = Unit.objects.create(code="SIF", name="Seeds", decimals=3)
    entry = Entry.objects.get(transaction=txn, account=outside_eur())
    _raw("UPDATE ledger_entry SET unit_id = %s WHERE id = %s", [other.pk, entry.pk])
    problems = verify_ledger()
    assert f"transaction {txn.pk}: entry {entry.pk} is not in its account's unit" in problems


def _delete_transaction(txn_id: int) -> None:
    _raw("DELETE FROM ledger_counterpartyname WHERE transaction_id = %s", [txn_id])
    _raw("DELETE FROM ledger_entry WHERE transaction_id = %s", [txn_id])
    _raw("DELETE FROM ledger_transaction WHERE id = %s", [txn_id])


@sqlite_only
def test_a_transaction_left_with_one_entry_is_named_with_its_count(books: Any) -> None:
    txn = donate(books.garden, 10_00, "a")
    entry = Entry.objects.get(transaction=txn, account=outside_eur())
    _raw("DELETE FROM ledger_entry WHERE id = %s", [entry.pk])
    assert f"transaction {txn.pk}: has 1 entries" in verify_ledger()


@sqlite_only
def test_a_reversal_of_nothing_and_one_of_itself_are_named(books: Any) -> None:
    lone = donate(books.garden, 10_00, "a")
    selfish = donate(books.garden, 5_00, "b")
    _raw(
        "UPDATE ledger_transaction SET kind = %s WHERE id = %s",
        [TransactionKind.REVERSAL, lone.pk],
    )
    _raw("UPDATE ledger_transaction SET reverses_id = id WHERE id = %s", [selfish.pk])
    # A transaction cannot reverse itself: the order check is "not before", not "after".
    assert verify_ledger() == [
        f"transaction {lone.pk}: a reversal that reverses nothing",
        f"transaction {selfish.pk}: reverses the later transaction {selfish.pk}",
        f"transaction {selfish.pk}: does not mirror the entries of {selfish.pk}",
    ]


@sqlite_only
def test_only_a_commitment_without_its_name_row_is_an_orphan(books: Any) -> None:
    donate(books.garden, 2_00, "anonymous", name="")
    named = donate(books.garden, 10_00, "a", name="Zoë Vandersteen")
    _raw("DELETE FROM ledger_counterpartyname WHERE transaction_id = %s", [named.pk])
    # The anonymous gift has neither a commitment nor a name row: nothing is missing.
    assert verify_ledger() == [
        f"transaction {named.pk}: counterparty commitment without its name row"
    ]


def test_an_erased_name_whose_salt_is_kept_is_named(books: Any) -> None:
    named = donate(books.garden, 10_00, "a", name="Zoë Vandersteen")
    CounterpartyName.objects.filter(transaction=named).update(name="", erased_at=timezone.now())
    # The salt alone with the public commitment would let a guessed name be confirmed.
    assert verify_ledger() == [
        f"transaction {named.pk}: counterparty marked erased but still stored"
    ]


@sqlite_only
def test_seals_name_their_lost_first_transaction_and_the_changed_range(books: Any) -> None:
    first = donate(books.garden, 1_00, "a")
    old_seal = ledger_seal()
    second = donate(books.garden, 2_00, "b")
    third = donate(books.garden, 3_00, "c")
    new_seal = ledger_seal()
    assert old_seal is not None
    assert new_seal is not None
    _delete_transaction(first.pk)
    _delete_transaction(second.pk)
    problems = verify_ledger()
    for problem in (
        f"seal #{old_seal.pk}: covers 0 transactions now, 1 when it was sealed",
        f"seal #{old_seal.pk}: its first transaction is now None, was {first.pk}",
        f"seal #{old_seal.pk}: digest mismatch, transactions 1..{first.pk} "
        "were changed after sealing",
        f"seal #{new_seal.pk}: its first transaction is now {third.pk}, was {second.pk}",
        f"seal #{new_seal.pk}: digest mismatch, transactions {first.pk + 1}..{third.pk} "
        "were changed after sealing",
    ):
        assert problem in problems
