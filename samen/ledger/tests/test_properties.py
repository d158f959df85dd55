"""Property tests: any sequence of postings (with or without a counterparty name), retries,
conflicting keys, reversals, name erasures and floor-breaching postings leaves every
invariant intact and matches a simple model."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samen.ledger.actions import account_for, counterparty_erase, ledger_post, ledger_reverse
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import AccountPurpose, Balance, Transaction, TransactionKind, Unit
from samen.ledger.queries import balance
from samen.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

post = st.tuples(
    st.just("post"),
    st.integers(0, 4),  # from
    st.integers(0, 4),  # to
    st.integers(1, 3_000),  # amount
    st.integers(0, 12),  # key
    st.integers(0, 2),  # counterparty name
)
reverse = st.tuples(st.just("reverse"), st.integers(0, 30), st.integers(0, 3))
erase = st.tuples(st.just("erase"), st.integers(0, 30))
operations = st.lists(st.one_of(post, post, reverse, erase), min_size=1, max_size=25)
NAMES = ["", "Dries", "Zoë"]


def _accounts(books: Any, chloe: Any) -> list[Any]:
    eur = Unit.eur()
    return [
        account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur),  # no floor
        account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=books.garden),
        account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=books.repair),
        account_for(purpose=AccountPurpose.HOST_FEE_INCOME, unit=eur, host=books.host, floor=0),
        account_for(purpose=AccountPurpose.CREDIT_WALLET, unit=eur, user=chloe, floor=-500),
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_histories_keep_every_invariant(books, chloe, ops):
    with transaction.atomic():
        accounts = _accounts(books, chloe)
        floors = [a.floor for a in accounts]
        model = [0] * len(accounts)
        by_key: dict[str, tuple[Any, ...]] = {}
        posted: list[tuple[int, list[tuple[int, int]]]] = []  # (txn id, lines by index)
        reversed_ids: dict[int, str] = {}
        erased_keys: set[str] = set()

        def same(key: str, content: tuple[Any, ...]) -> bool:
            """A retry: the same content, and the same name unless it was erased."""
            first = by_key[key]
            return first[:3] == content[:3] and (first[3] == content[3] or key in erased_keys)

        def fits(lines: list[tuple[int, int]]) -> bool:
            after = list(model)
            for i, amount in lines:
                after[i] += amount
            return all(
                floors[i] is None or after[i] >= floors[i] or amount > 0 for i, amount in lines
            )

        for op in ops:
            if op[0] == "post":
                _, src, dst, amount, key_index, name_index = op
                key = f"k{key_index}"
                content = (src, dst, amount, NAMES[name_index])
                lines = [(src, -amount), (dst, amount)]
                try:
                    txn = ledger_post(
                        actor=None,
                        kind=TransactionKind.TRANSFER,
                        description=f"{src}->{dst}",
                        lines=[(accounts[i], a) for i, a in lines],
                        idempotency_key=key,
                        counterparty_name=NAMES[name_index],
                    )
                except LedgerError as err:
                    if err.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT:
                        assert key in by_key
                        assert not same(key, content)
                    elif err.code == LedgerErrorCode.FLOOR_BREACHED:
                        assert key not in by_key
                        assert not fits(lines)
                    else:
                        raise
                    continue
                if key in by_key:
                    assert same(key, content)  # a retry: nothing new
                    continue
                assert fits(lines)
                by_key[key] = content
                for i, a in lines:
                    model[i] += a
                posted.append((txn.pk, lines))
            elif op[0] == "erase":
                if posted:
                    txn_id = posted[op[1] % len(posted)][0]
                    counterparty_erase(actor=None, transactions=[txn_id])
                    erased_keys.add(Transaction.objects.get(pk=txn_id).idempotency_key)
            else:
                _, which, key_index = op
                if not posted:
                    continue
                txn_id, lines = posted[which % len(posted)]
                key = f"rev-{txn_id}-{key_index}"
                opposite = [(i, -a) for i, a in lines]
                try:
                    ledger_reverse(
                        actor=None,
                        transaction=Transaction.objects.get(pk=txn_id),
                        reason="undo",
                        idempotency_key=key,
                    )
                except LedgerError as err:
                    if err.code == LedgerErrorCode.ALREADY_REVERSED:
                        assert txn_id in reversed_ids
                        assert reversed_ids[txn_id] != key
                    elif err.code != LedgerErrorCode.FLOOR_BREACHED:
                        raise
                    else:
                        assert txn_id not in reversed_ids
                        assert not fits(opposite)
                    continue
                if reversed_ids.get(txn_id) == key:
                    continue  # retry of the same reversal
                assert txn_id not in reversed_ids
                reversed_ids[txn_id] = key
                for i, a in opposite:
                    model[i] += a

            assert [balance(a) for a in accounts] == model

        assert sum(model) == 0
        for account, floor in zip(accounts, floors, strict=True):
            assert floor is None or balance(account) >= floor
        assert Balance.objects.filter(account__in=accounts).count() == len(accounts)
        assert verify_ledger() == []
        transaction.set_rollback(True)
