"""Recompute and check every invariant of the ledger (``manage.py ledger_verify``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.db.models import Count, F, Sum

from samen.ledger.canonical import (
    GENESIS_DIGEST,
    counterparty_commitment,
    iter_records,
    seal_digest,
)
from samen.ledger.models import (
    Account,
    Balance,
    BalanceStripe,
    CounterpartyName,
    Entry,
    Seal,
    Transaction,
    TransactionKind,
)


def _balances() -> Iterator[str]:
    sums = dict(Entry.objects.values_list("account_id").annotate(total=Sum("amount")).order_by())
    rows = {b.account_id: b for b in Balance.objects.all()}
    stripes = dict(
        BalanceStripe.objects.values_list("account_id").annotate(t=Sum("amount")).order_by()
    )
    floors = dict(Account.objects.values_list("id", "floor"))
    for account_id, striped in sorted(stripes.items()):
        if striped is not None and striped < 0:
            yield f"account {account_id}: its credit stripes sum to {striped}, below zero"
    for account_id in sorted(set(sums) | set(rows) | set(stripes)):
        total = int(sums.get(account_id) or 0)
        row = rows.get(account_id)
        if row is None:
            yield f"account {account_id}: entries sum to {total} but it has no balance row"
            continue
        kept = row.amount + int(stripes.get(account_id) or 0)
        if kept != total:
            yield f"account {account_id}: balance row says {kept}, its entries sum to {total}"
        if row.floor != floors.get(account_id):
            yield (
                f"account {account_id}: floor {floors.get(account_id)} on the account but "
                f"{row.floor} on its balance row"
            )
        floor = floors.get(account_id)
        if floor is not None and min(total, kept) < floor:
            yield f"account {account_id}: balance {min(total, kept)} is below its floor {floor}"


def _zero_sums() -> Iterator[str]:
    unbalanced = (
        Entry.objects.values("transaction_id", "unit__code")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("transaction_id")
    )
    for row in unbalanced:
        yield (
            f"transaction {row['transaction_id']}: {row['unit__code']} entries sum to "
            f"{row['total']}, not zero"
        )
    for entry_id, txn_id in Entry.objects.exclude(unit_id=F("account__unit_id")).values_list(
        "id", "transaction_id"
    ):
        yield f"transaction {txn_id}: entry {entry_id} is not in its account's unit"
    too_few = (
        Transaction.objects.annotate(n=Count("entries")).filter(n__lt=2).values_list("id", "n")
    )
    for txn_id, n in too_few:
        yield f"transaction {txn_id}: has {n} entries"


def _reversals() -> Iterator[str]:
    for txn_id in (
        Transaction.objects.filter(kind=TransactionKind.REVERSAL, reverses__isnull=True)
        # Not mutated: values_list(flat=True) without a field gives the first one, the id.
        .values_list("id", flat=True)  # pragma: no mutate
        .order_by("id")
    ):
        yield f"transaction {txn_id}: a reversal that reverses nothing"
    links = Transaction.objects.filter(reverses__isnull=False).values_list("id", "reverses_id")
    for txn_id, original_id in links.order_by("id").iterator(
        chunk_size=2000  # pragma: no mutate (rows per round trip; every row is read, in order)
    ):
        if txn_id <= original_id:
            yield f"transaction {txn_id}: reverses the later transaction {original_id}"
        mine = Counter(
            Entry.objects.filter(transaction_id=txn_id).values_list("account_id", "amount")
        )
        theirs = Counter(
            (a, -amount)
            for a, amount in Entry.objects.filter(transaction_id=original_id).values_list(
                "account_id", "amount"
            )
        )
        if mine != theirs:
            yield f"transaction {txn_id}: does not mirror the entries of {original_id}"


def _counterparties() -> Iterator[str]:
    """Every stored name matches its transaction's sealed commitment; an erased one is
    blank. A commitment with no name row, or a name with no commitment, is a problem."""
    rows = (
        CounterpartyName.objects.order_by("transaction_id")
        .values_list(
            "transaction_id", "name", "salt", "erased_at", "transaction__counterparty_commitment"
        )
        .iterator(chunk_size=2000)  # pragma: no mutate (rows per round trip, as above)
    )
    for txn_id, name, salt, erased_at, commitment in rows:
        if not commitment:
            yield f"transaction {txn_id}: has a counterparty name but no commitment to it"
        elif erased_at is not None:
            if name or salt:
                yield f"transaction {txn_id}: counterparty marked erased but still stored"
        elif counterparty_commitment(salt, name) != commitment:
            yield f"transaction {txn_id}: counterparty name does not match its commitment"
    orphans = (
        Transaction.objects.exclude(counterparty_commitment="")
        .filter(counterparty__isnull=True)
        .values_list("id", flat=True)  # pragma: no mutate (as in _reversals)
        .order_by("id")
    )
    for txn_id in orphans.iterator(chunk_size=2000):  # pragma: no mutate (as above)
        yield f"transaction {txn_id}: counterparty commitment without its name row"


def _seals() -> Iterator[str]:
    # Not mutated: "" for None is the same, as previous is only read as ``if previous``.
    previous: Seal | None = None  # pragma: no mutate
    for seal in Seal.objects.order_by("id").iterator():
        name = f"seal #{seal.pk}"
        expected_previous = previous.digest if previous else GENESIS_DIGEST
        after = previous.last_transaction_id if previous else 0
        if seal.previous_id != (previous.pk if previous else None):
            yield f"{name}: does not point at the seal before it"
        if seal.previous_digest != expected_previous:
            yield f"{name}: previous digest does not match the digest of the seal before it"
        hashes: list[str] = []
        first_id = None
        for txn, _record, digest in iter_records(after_id=after, up_to_id=seal.last_transaction_id):
            first_id = first_id or txn.pk
            hashes.append(digest)
        if len(hashes) != seal.transaction_count:
            yield (
                f"{name}: covers {len(hashes)} transactions now, "
                f"{seal.transaction_count} when it was sealed"
            )
        if first_id != seal.first_transaction_id:
            was = seal.first_transaction_id
            yield f"{name}: its first transaction is now {first_id}, was {was}"
        if seal_digest(seal.previous_digest, hashes) != seal.digest:
            yield (
                f"{name}: digest mismatch, transactions {after + 1}..{seal.last_transaction_id} "
                "were changed after sealing"
            )
        previous = seal


def verify_ledger() -> list[str]:
    """Every problem found, as readable lines; an empty list means the ledger is sound."""
    problems: list[str] = []
    for check in (_balances, _zero_sums, _reversals, _counterparties, _seals):
        problems.extend(check())
    return problems
