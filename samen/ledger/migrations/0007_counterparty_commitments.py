"""Counterparty names leave the sealed record (one-time change of the seal format, pre-launch).

Before: a transaction's canonical record held ``"counterparty": <name>``, so a name could
never be erased without breaking the seals. After: it holds ``sha256(salt + name)`` and the
name lives in ``ledger_counterpartyname`` with its random salt (docs/ledger.md).

For every existing transaction, in id order, this migration
- moves a non-empty name into a new ``CounterpartyName`` row with a fresh salt and stores
  the commitment on the transaction;
- recomputes ``content_hash`` without the name (it is no longer part of it), keeping the
  choice the original posting made about its effective date (found by recomputing the old
  hash both ways);
- checks every seal against the old record form first (a seal that does not verify stops
  the migration: nothing is rewritten over a tampered ledger), then rebuilds it, and the
  chain after it, with the new record form.

On PostgreSQL the append-only triggers of ``ledger_transaction`` and ``ledger_seal`` are
switched off for this migration only and switched on again before it commits. The record
and hash functions are copied here, frozen, so that later changes to
``samen.ledger.canonical`` cannot change what this migration did. It can be reversed: the
names come back to the transactions (erased ones stay empty) and the seals are rebuilt in
the old form.
"""

import hashlib
import json
import secrets
from datetime import UTC

from django.db import migrations

GENESIS_DIGEST = "0" * 64
CHUNK = 1000
GUARDED = ("ledger_transaction", "ledger_seal")


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _record(txn, entries, counterparty):
    return {
        "id": txn.pk,
        "kind": txn.kind,
        "effective_date": txn.effective_date.isoformat(),
        "created_at": txn.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "description": txn.description,
        "counterparty": counterparty,
        "reverses": txn.reverses_id,
        "public": txn.is_public,
        "entries": entries,
    }


def _row_hash(record):
    return hashlib.sha256(_canonical(record)).hexdigest()


def _seal_digest(previous, hashes):
    return hashlib.sha256("\n".join([previous, *hashes]).encode("ascii")).hexdigest()


def _content_hash(txn, lines, cause, effective_date, name):
    """The posting's content hash, with the name (old form) or without (``name=None``)."""
    payload = {
        "kind": txn.kind,
        "description": txn.description,
        "lines": sorted([int(a), int(b)] for a, b in lines),
        "effective_date": effective_date,
        "cause": list(cause) if cause else None,
        "public": txn.is_public,
        "reverses": txn.reverses_id,
    }
    if name is not None:
        payload["counterparty"] = name
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _rehash(txn, lines, cause, stored_name, new_name):
    """``txn.content_hash`` translated from one form to the other; unchanged when the stored
    hash was not made by ``ledger_post`` (e.g. rows bulk-loaded by a benchmark)."""
    for effective_date in (txn.effective_date.isoformat(), None):
        if _content_hash(txn, lines, cause, effective_date, stored_name) == txn.content_hash:
            return _content_hash(txn, lines, cause, effective_date, new_name)
    return txn.content_hash


def _triggers(schema_editor, enable):
    if schema_editor.connection.vendor != "postgresql":
        return
    verb = "ENABLE" if enable else "DISABLE"
    for table in GUARDED:
        schema_editor.execute(f"ALTER TABLE {table} {verb} TRIGGER {table}_append_only")


def _rewrite(apps, schema_editor, *, to_commitments):
    Transaction = apps.get_model("ledger", "Transaction")
    Entry = apps.get_model("ledger", "Entry")
    Seal = apps.get_model("ledger", "Seal")
    CounterpartyName = apps.get_model("ledger", "CounterpartyName")
    ContentType = apps.get_model("contenttypes", "ContentType")
    cause_labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    seals = list(Seal.objects.order_by("id"))
    state = {"index": 0, "old": [], "new": [], "old_previous": GENESIS_DIGEST,
             "new_previous": GENESIS_DIGEST}

    def close_seal():
        seal = seals[state["index"]]
        old_digest = _seal_digest(state["old_previous"], state["old"])
        if seal.previous_digest != state["old_previous"] or seal.digest != old_digest:
            raise RuntimeError(
                f"Seal #{seal.pk} does not verify: run ledger_verify at the previous version "
                "and repair the ledger (or start a fresh database) before migrating."
            )
        new_digest = _seal_digest(state["new_previous"], state["new"])
        Seal.objects.filter(pk=seal.pk).update(
            previous_digest=state["new_previous"], digest=new_digest
        )
        state.update(index=state["index"] + 1, old=[], new=[], old_previous=old_digest,
                     new_previous=new_digest)

    _triggers(schema_editor, enable=False)
    cursor = 0
    while True:
        batch = list(Transaction.objects.filter(pk__gt=cursor).order_by("pk")[:CHUNK])
        if not batch:
            break
        ids = [t.pk for t in batch]
        entries = {pk: [] for pk in ids}
        for entry_id, txn_id, account_id, unit_code, amount in (
            Entry.objects.filter(transaction_id__in=ids)
            .order_by("id")
            .values_list("id", "transaction_id", "account_id", "unit__code", "amount")
        ):
            entries[txn_id].append(
                {"id": entry_id, "account": account_id, "unit": unit_code, "amount": amount}
            )
        names = {row.transaction_id: row for row in CounterpartyName.objects.filter(
            transaction_id__in=ids)}
        new_rows = []
        for txn in batch:
            while state["index"] < len(seals) and txn.pk > seals[state["index"]].last_transaction_id:
                close_seal()
            lines = [(e["account"], e["amount"]) for e in entries[txn.pk]]
            cause = (
                (cause_labels[txn.cause_type_id], txn.cause_id) if txn.cause_type_id else None
            )
            if to_commitments:
                name = txn.counterparty_name
                old_record = _record(txn, entries[txn.pk], name)
                commitment = ""
                if name:
                    salt = secrets.token_hex(16)
                    commitment = hashlib.sha256((salt + name).encode()).hexdigest()
                    new_rows.append(CounterpartyName(transaction_id=txn.pk, name=name, salt=salt))
                new_record = _record(txn, entries[txn.pk], commitment)
                content_hash = _rehash(txn, lines, cause, name, None)
                changes = {"counterparty_commitment": commitment, "content_hash": content_hash}
            else:
                row = names.get(txn.pk)
                name = row.name if row is not None and row.erased_at is None else ""
                old_record = _record(txn, entries[txn.pk], txn.counterparty_commitment)
                new_record = _record(txn, entries[txn.pk], name)
                content_hash = _rehash(txn, lines, cause, None, name)
                changes = {"counterparty_name": name, "content_hash": content_hash}
            if any(getattr(txn, field) != value for field, value in changes.items()):
                Transaction.objects.filter(pk=txn.pk).update(**changes)
            if state["index"] < len(seals):
                state["old"].append(_row_hash(old_record))
                state["new"].append(_row_hash(new_record))
        CounterpartyName.objects.bulk_create(new_rows)
        cursor = batch[-1].pk
    while state["index"] < len(seals):
        close_seal()
    if not to_commitments:
        CounterpartyName.objects.all().delete()
    _triggers(schema_editor, enable=True)


def forward(apps, schema_editor):
    _rewrite(apps, schema_editor, to_commitments=True)


def backward(apps, schema_editor):
    _rewrite(apps, schema_editor, to_commitments=False)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('ledger', '0006_counterparty_names'),
    ]

    operations = [migrations.RunPython(forward, backward)]
