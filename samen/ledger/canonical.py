"""The canonical form of a transaction, its hash, and a seal's digest (docs/ledger.md).

Everything here is pure and documented so that anyone holding the public JSON export can
recompute the same hashes with a few lines in any language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from samen.ledger.models import Entry, Transaction

GENESIS_DIGEST = "0" * 64
CHUNK = 2000


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys, no whitespace and no ASCII escaping."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def utc_timestamp(moment: datetime) -> str:
    """``2026-11-21T05:54:42.123456Z``: UTC, always six fractional digits."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def counterparty_commitment(salt: str, name: str) -> str:
    """SHA-256 (hex) of the salt (32 hex digits) followed by the name, in UTF-8.

    This, not the name, is what a transaction's record holds: anyone given the name and
    the salt can check it, nobody can recover the name once the salt is erased."""
    return hashlib.sha256((salt + name).encode()).hexdigest()


def transaction_record(txn: Transaction, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The fields of a transaction that the seals cover; ``entries`` sorted by id.

    Each entry is ``{"id", "account", "unit", "amount"}`` with ``unit`` the unit's code
    and ``amount`` an integer in the unit's smallest step. ``counterparty`` is the
    commitment to the counterparty's name (:func:`counterparty_commitment`), "" for none.
    """
    return {
        "id": txn.pk,
        "kind": txn.kind,
        "effective_date": txn.effective_date.isoformat(),
        "created_at": utc_timestamp(txn.created_at),
        "description": txn.description,
        "counterparty": txn.counterparty_commitment,
        "reverses": txn.reverses_id,
        "public": txn.is_public,
        "entries": entries,
    }


def row_hash(record: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of one transaction record."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


def seal_digest(previous_digest: str, row_hashes: list[str]) -> str:
    """SHA-256 (hex) of the previous digest and the row hashes, one per line, in id order."""
    text = "\n".join([previous_digest, *row_hashes])
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def iter_records(
    *, after_id: int = 0, up_to_id: int | None = None
) -> Iterator[tuple[Transaction, dict[str, Any], str]]:
    """Every transaction with ``after_id < id <= up_to_id``, in id order, with its record and
    row hash; read in chunks so memory stays flat whatever the history length."""
    cursor = after_id
    while True:
        batch_query = Transaction.objects.filter(pk__gt=cursor).order_by("pk")
        if up_to_id is not None:
            batch_query = batch_query.filter(pk__lte=up_to_id)
        batch = list(batch_query[:CHUNK])
        if not batch:
            return
        ids = [t.pk for t in batch]
        entries: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
        rows = (
            Entry.objects.filter(transaction_id__in=ids)
            .order_by("id")
            .values_list("id", "transaction_id", "account_id", "unit__code", "amount")
        )
        for entry_id, txn_id, account_id, unit_code, amount in rows:
            entries[txn_id].append(
                {"id": entry_id, "account": account_id, "unit": unit_code, "amount": amount}
            )
        for txn in batch:
            record = transaction_record(txn, entries[txn.pk])
            yield txn, record, row_hash(record)
        cursor = batch[-1].pk
