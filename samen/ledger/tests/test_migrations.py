"""The one-time move of counterparty names out of the sealed record (migrations 0006-0008)."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from samen.ledger.actions import ledger_post
from samen.ledger.models import Account, CounterpartyName, Seal, Transaction, TransactionKind
from samen.ledger.queries import counterparty_label
from samen.ledger.verify import verify_ledger

frozen = import_module("samen.ledger.migrations.0007_counterparty_commitments")

STEPS = [
    "0006_counterparty_names",
    "0007_counterparty_commitments",
    "0008_remove_transaction_counterparty_name",
]
NAME = "Zoë Vandersteen"


def _migrate(*, forward: bool) -> Any:
    """Applies or unapplies the ledger's migrations 0006-0008, and only those: the migration
    executor would first unapply every app that depends on a later ledger migration (most of
    them), which made this test take a minute and a half. The later ledger migrations only
    change choices, so the tables are those of 0008. Returns the models before 0006 when
    going back."""
    loader = MigrationLoader(connection)
    for name in STEPS if forward else reversed(STEPS):
        migration = loader.get_migration("ledger", name)
        state = loader.project_state(("ledger", name), at_end=False)
        with connection.schema_editor(atomic=migration.atomic) as editor:
            (migration.apply if forward else migration.unapply)(state, editor)
    return None if forward else loader.project_state(("ledger", STEPS[0]), at_end=False).apps


def _old_ledger(apps: Any) -> dict[str, Any]:
    """Two postings, one named, sealed the way the previous version sealed them."""
    unit_model = apps.get_model("ledger", "Unit")
    account_model = apps.get_model("ledger", "Account")
    balance_model = apps.get_model("ledger", "Balance")
    txn_model = apps.get_model("ledger", "Transaction")
    entry_model = apps.get_model("ledger", "Entry")
    seal_model = apps.get_model("ledger", "Seal")
    eur, _ = unit_model.objects.get_or_create(
        code="EUR", host=None, defaults={"name": "Euro", "decimals": 2}
    )
    outside = account_model.objects.create(unit=eur, purpose="outside_world")
    fees = account_model.objects.create(unit=eur, purpose="platform")
    hashes = []
    for key, name, amount in (("old-named", NAME, 10_00), ("old-nameless", "", 2_00)):
        txn = txn_model(
            kind="transfer",
            description=f"Posted before ({key})",
            effective_date=date(2026, 11, 1),
            idempotency_key=key,
            cause_id="",
            counterparty_name=name,
            is_public=True,
        )
        lines = [(outside.pk, -amount), (fees.pk, amount)]
        txn.content_hash = frozen._content_hash(txn, lines, None, None, name)
        txn.save()
        entries = []
        for account_id, value in lines:
            entry = entry_model.objects.create(
                transaction=txn, account_id=account_id, unit=eur, amount=value
            )
            entries.append({"id": entry.pk, "account": account_id, "unit": "EUR", "amount": value})
        txn.refresh_from_db()
        hashes.append(frozen._row_hash(frozen._record(txn, entries, name)))
    balance_model.objects.create(account=outside, amount=-12_00)
    balance_model.objects.create(account=fees, amount=12_00)
    first_id = txn_model.objects.order_by("id").first().pk
    seal = seal_model.objects.create(
        previous=None,
        previous_digest=frozen.GENESIS_DIGEST,
        first_transaction_id=first_id,
        last_transaction_id=first_id + 1,
        transaction_count=2,
        digest=frozen._seal_digest(frozen.GENESIS_DIGEST, hashes),
    )
    return {"seal": seal.digest, "outside": outside.pk, "fees": fees.pk}


@pytest.mark.django_db(transaction=True)
def test_names_move_out_of_the_seals_and_back():
    apps = _migrate(forward=False)
    going_back = True
    try:
        with transaction.atomic():  # PostgreSQL checks each posting's zero sum at commit
            old = _old_ledger(apps)
        _migrate(forward=True)
        going_back = False
        assert verify_ledger() == []
        named = Transaction.objects.get(idempotency_key="old-named")
        nameless = Transaction.objects.get(idempotency_key="old-nameless")
        row = CounterpartyName.objects.get(transaction=named)
        assert (row.name, len(row.salt)) == (NAME, 32)
        assert counterparty_label(named) == NAME
        assert nameless.counterparty_commitment == ""
        assert not CounterpartyName.objects.filter(transaction=nameless).exists()
        assert Seal.objects.get().digest != old["seal"]
        # The content hash no longer holds the name, yet a retry of the old posting is
        # still recognised as one, and another name is still a conflict.
        accounts = Account.objects.in_bulk([old["outside"], old["fees"]])
        retry = ledger_post(
            actor=None,
            kind=TransactionKind.TRANSFER,
            description="Posted before (old-named)",
            lines=[(accounts[old["outside"]], -10_00), (accounts[old["fees"]], 10_00)],
            idempotency_key="old-named",
            counterparty_name=NAME,
        )
        assert retry.pk == named.pk

        # Back to the previous form: the names return and the original seal with them.
        going_back = True
        apps = _migrate(forward=False)
        old_txn = apps.get_model("ledger", "Transaction")
        assert old_txn.objects.get(idempotency_key="old-named").counterparty_name == NAME
        assert apps.get_model("ledger", "Seal").objects.get().digest == old["seal"]
    finally:
        if going_back:
            _migrate(forward=True)
    assert verify_ledger() == []
