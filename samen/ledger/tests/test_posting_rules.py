"""The posting's rules one by one, written against the survivors of ``make mutation`` on
``ledger/actions.py``: the content hash as a stored format, a conflict for every field that
changes under a used key, the counterparty name on a replay, the account without a balance
row, the refusals' exact words, what the transaction row keeps, the page versions bumped,
a second reversal, and the retries of a locked database."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import OperationalError

from samen.ledger import actions
from samen.ledger.actions import (
    MAX_ATTEMPTS,
    MAX_LEDGER_AMOUNT,
    content_hash,
    counterparty_erase,
    ledger_post,
    ledger_reverse,
)
from samen.ledger.canonical import counterparty_commitment
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import (
    Account,
    AccountPurpose,
    Balance,
    CounterpartyName,
    Transaction,
    TransactionKind,
    Unit,
)
from samen.ledger.queries import balance
from samen.ledger.tests.factories import collective_eur, outside_eur
from samen.lib.money import AmountError, AmountErrorCode

pytestmark = pytest.mark.django_db

KIND = TransactionKind.CONTRIBUTION


def _post(books: Any, key: str = "k-1", **changes: Any) -> Transaction:
    fields: dict[str, Any] = {
        "actor": None,
        "kind": KIND,
        "description": "Donation",
        "lines": [(outside_eur(), -500), (collective_eur(books.garden), 500)],
        "idempotency_key": key,
        "effective_date": date(2026, 3, 29),
        "cause": books.garden,
        "is_public": True,
        **changes,
    }
    return ledger_post(**fields)


def test_the_content_hash_is_a_stored_format() -> None:
    """The hash sits in every transaction row and a replay is compared with it: the
    canonical text (sorted keys, no spaces, UTF-8 as is) must never change."""
    canonical = (
        '{"cause":["communities.collective","7"],"description":"Café","effective_date":'
        '"2026-03-29","kind":"contribution","lines":[[1,-500],[2,500]],"public":true,'
        '"reverses":null}'
    )
    digest = content_hash(
        kind="contribution",
        description="Café",
        lines=[(2, 500), (1, -500)],
        effective_date=date(2026, 3, 29),
        cause=("communities.collective", "7"),
        is_public=True,
        reverses=None,
    )
    assert digest == hashlib.sha256(canonical.encode()).hexdigest()
    bare = '{"cause":null,"description":"","effective_date":null,"kind":"refund","lines":[],'
    bare += '"public":false,"reverses":12}'
    assert content_hash(
        kind="refund", description="", lines=[], effective_date=None, cause=None,
        is_public=False, reverses=12,
    ) == hashlib.sha256(bare.encode()).hexdigest()  # fmt: skip


CHANGES: dict[str, Any] = {
    "kind": {"kind": TransactionKind.TRANSFER},
    "description": {"description": "Gift"},
    "effective_date": {"effective_date": date(2026, 3, 30)},
    "cause": "repair",
    "no cause": {"cause": None},
    "public": {"is_public": False},
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_used_key_with_any_field_changed_is_a_conflict(books: Any, change: str) -> None:
    first = _post(books)
    assert _post(books).pk == first.pk  # the same content: the same transaction
    fields: dict[str, Any] = (
        {"cause": books.repair} if CHANGES[change] == "repair" else CHANGES[change]
    )
    with pytest.raises(LedgerError) as refused:
        _post(books, **fields)
    assert refused.value.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT
    assert Transaction.objects.count() == 1


def test_a_replay_must_name_the_same_counterparty(books: Any) -> None:
    named = _post(books, counterparty_name="Dries")
    assert _post(books, counterparty_name="Dries").pk == named.pk
    with pytest.raises(LedgerError) as refused:
        _post(books, counterparty_name="Eva")
    assert refused.value.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT
    anonymous = _post(books, key="k-2")
    with pytest.raises(LedgerError) as refused:
        _post(books, key="k-2", counterparty_name="Eva")
    assert refused.value.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT
    assert _post(books, key="k-2").pk == anonymous.pk
    counterparty_erase(actor=None, transactions=[named])
    assert _post(books, counterparty_name="Eva").pk == named.pk  # nothing left to compare


def test_the_name_is_stored_with_its_own_salt_and_a_reversal_after_erasure_has_none(
    books: Any,
) -> None:
    named = _post(books, counterparty_name="Dries")
    row = CounterpartyName.objects.get(transaction=named)
    assert re.fullmatch(r"[0-9a-f]{32}", row.salt)
    assert named.counterparty_commitment == counterparty_commitment(row.salt, "Dries")
    counterparty_erase(actor=None, transactions=[named])
    reversal = ledger_reverse(
        actor=None, transaction=named, reason="Charged back", idempotency_key="back"
    )
    assert reversal.counterparty_commitment == ""
    assert not CounterpartyName.objects.filter(transaction=reversal).exists()


def test_the_transaction_row_keeps_what_was_posted(books: Any, anna: Any) -> None:
    hidden = _post(books, description="Anonymous gift", is_public=False, actor=AnonymousUser())
    hidden.refresh_from_db()
    assert (hidden.description, hidden.is_public, hidden.actor_id) == (
        "Anonymous gift", False, None,
    )  # fmt: skip
    assert hidden.cause_type is not None
    assert (hidden.cause_id, hidden.cause_type.model) == (str(books.garden.pk), "collective")
    plain = _post(books, key="k-2", cause=None, actor=anna)
    plain.refresh_from_db()
    assert (plain.cause_id, plain.cause_type_id, plain.actor_id) == ("", None, anna.pk)


def test_posting_renews_the_page_versions_of_the_host_and_the_collective(books: Any) -> None:
    host = Account.objects.create(
        purpose=AccountPurpose.HOST_BALANCE, unit=Unit.eur(), host=books.host, floor=None
    )
    keys = [f"pagecache:version:host:{books.host.pk}",
            f"pagecache:version:collective:{books.garden.pk}"]  # fmt: skip
    cache.delete_many(keys)
    ledger_post(actor=None, kind=TransactionKind.TRANSFER, description="Advance",
                lines=[(host, -100), (collective_eur(books.garden), 100)],
                idempotency_key="advance")  # fmt: skip
    assert all(cache.get(key) for key in keys)


def _move(source: Account, target: Account, amount: int, key: str) -> Transaction:
    return ledger_post(actor=None, kind=KIND, description=key, idempotency_key=key,
                       lines=[(source, -amount), (target, amount)])  # fmt: skip


def test_an_account_without_a_balance_row_gets_one_and_keeps_its_floor(books: Any) -> None:
    """Accounts made without ``account_for`` have no balance row: the first debit builds
    it from the entries, refusing below the floor (the account named), allowing down to it."""
    eur = Unit.eur()
    free = Account.objects.create(
        purpose=AccountPurpose.PROCESSOR_FEES, unit=eur, host=books.host, floor=None
    )
    _move(free, outside_eur(), 200, "free")
    row = Balance.objects.get(account=free)
    assert (row.amount, row.floor, balance(free)) == (-200, None, -200)
    floored = Account.objects.create(
        purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=books.repair, floor=0
    )
    _move(outside_eur(), floored, 300, "in")
    with pytest.raises(LedgerError) as refused:
        _move(floored, outside_eur(), 301, "over")
    assert (refused.value.code, refused.value.account) == (LedgerErrorCode.FLOOR_BREACHED, floored)
    _move(floored, outside_eur(), 300, "all")
    assert balance(floored) == 0
    assert Balance.objects.get(account=floored).floor == 0


def test_the_refusals_of_bad_lines_say_what_is_wrong(books: Any) -> None:
    garden = collective_eur(books.garden)
    for amount in (1.5, True):
        with pytest.raises(TypeError, match=r"^Ledger amounts are integers in the unit's"):
            _move(outside_eur(), garden, amount, "bad")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^An idempotency key is required\.$"):
        _move(outside_eur(), garden, 1, "")
    with pytest.raises(AmountError) as refused:
        _move(outside_eur(), garden, MAX_LEDGER_AMOUNT + 1, "huge")
    assert refused.value.code == AmountErrorCode.TOO_LARGE
    _move(outside_eur(), garden, MAX_LEDGER_AMOUNT, "largest")
    assert balance(garden) == MAX_LEDGER_AMOUNT


def _reversal(books: Any, *, key: str, of: Transaction, name: str = "") -> Transaction:
    """A reversal straight through ``_post``, as two racing requests get there: both past
    ``ledger_reverse``'s checks, with the name as it was read before."""
    return actions._post(
        actor=None, kind=TransactionKind.REVERSAL, description="Again", effective_date=None,
        lines=[(collective_eur(books.garden), -500), (outside_eur(), 500)], cause=None,
        counterparty_name=name, is_public=True, idempotency_key=key, reverses=of,
    )  # fmt: skip


def test_a_second_reversal_of_one_transaction_is_refused_even_past_the_first_check(
    books: Any,
) -> None:
    """The unique ``reverses`` column stops the second of two racing reversals, which is
    told so; under one key, a reversal of another transaction is a conflict."""
    first, second, third = (_post(books, key=f"k-{n}", description=f"n{n}") for n in range(3))
    ledger_reverse(actor=None, transaction=first, reason="Charged back", idempotency_key="back")
    with pytest.raises(LedgerError) as refused:
        _reversal(books, key="another", of=first)
    assert refused.value.code == LedgerErrorCode.ALREADY_REVERSED
    _reversal(books, key="r", of=second)
    with pytest.raises(LedgerError) as refused:
        _reversal(books, key="r", of=third)
    assert refused.value.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT


def test_a_reversal_racing_an_erasure_does_not_copy_the_erased_name(books: Any) -> None:
    named = _post(books, counterparty_name="Dries")
    counterparty_erase(actor=None, transactions=[named])
    reversal = _reversal(books, key="late", of=named, name="Dries")  # read before the erasure
    assert reversal.counterparty_commitment == ""
    assert not CounterpartyName.objects.filter(transaction=reversal).exists()


class _Serialization(Exception):
    sqlstate = "40001"


def _locked(times: int, *, retryable: bool = True) -> Any:
    """``_insert_transaction`` failing ``times`` times as a busy database does."""
    real = actions._insert_transaction
    calls: list[int] = []

    def insert(cursor: Any, txn: Transaction) -> int:
        calls.append(1)
        if len(calls) <= times:
            error = OperationalError("database is locked" if retryable else "disk I/O error")
            error.__cause__ = _Serialization() if retryable else None
            raise error
        return real(cursor, txn)

    return mock.patch.object(actions, "_insert_transaction", insert), calls


@pytest.mark.django_db(transaction=True)
def test_a_busy_database_is_retried_with_growing_pauses_then_given_up(books: Any) -> None:
    sleeps: list[float] = []
    middle = mock.patch.object(actions.random, "uniform", lambda a, b: (a + b) / 2)
    pause = mock.patch.object(actions.time, "sleep", sleeps.append)
    patch, calls = _locked(2)
    with patch, middle, pause:
        posted = _post(books)
    assert (len(calls), Transaction.objects.get().pk) == (3, posted.pk)
    assert sleeps == [pytest.approx(0.0275), pytest.approx(0.055)]
    patch, calls = _locked(MAX_ATTEMPTS)
    with patch, middle, pause, pytest.raises(OperationalError):
        _post(books, key="k-2")
    assert len(calls) == MAX_ATTEMPTS
    patch, calls = _locked(1, retryable=False)
    with patch, pytest.raises(OperationalError):
        _post(books, key="k-3")
    assert len(calls) == 1
    assert Transaction.objects.count() == 1


def test_inside_a_callers_transaction_a_busy_database_is_not_retried(books: Any) -> None:
    patch, calls = _locked(1)
    with patch, pytest.raises(OperationalError):
        _post(books)
    assert len(calls) == 1
