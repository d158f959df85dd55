import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from samen.ledger.actions import ledger_reverse, ledger_seal
from samen.ledger.canonical import GENESIS_DIGEST, iter_records, seal_digest
from samen.ledger.models import Seal
from samen.ledger.tasks import seal_ledger
from samen.ledger.tests.factories import donate
from samen.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def seal_now() -> Seal:
    seal = ledger_seal()
    assert seal is not None
    return seal


def test_seals_chain_and_verify(books, capsys):
    assert ledger_seal() is None
    first_txn = donate(books.garden, 10_00, "a")
    donate(books.repair, 5_00, "b")
    first = seal_now()
    assert (first.first_transaction_id, first.transaction_count) == (first_txn.pk, 2)
    assert first.previous_digest == GENESIS_DIGEST
    assert ledger_seal() is None
    third = ledger_reverse(actor=None, transaction=first_txn, reason="oops", idempotency_key="r")
    second = seal_now()
    assert second.previous == first
    assert second.previous_digest == first.digest
    assert second.first_transaction_id == second.last_transaction_id == third.pk
    hashes = [h for _t, _r, h in iter_records(after_id=first.last_transaction_id)]
    assert second.digest == seal_digest(first.digest, hashes)
    assert verify_ledger() == []
    call_command("ledger_verify")
    assert "every invariant holds" in capsys.readouterr().out


def test_seal_command_and_task(books, capsys):
    donate(books.garden, 10_00, "a")
    call_command("ledger_seal")
    assert "Seal #" in capsys.readouterr().out
    call_command("ledger_seal")
    assert "Nothing to seal" in capsys.readouterr().out
    donate(books.garden, 1_00, "b")
    result = seal_ledger.enqueue()
    assert Seal.objects.count() == 2
    assert result.return_value == Seal.objects.latest("id").pk


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the change itself")
def test_tampered_description_fails_naming_the_seal(books, capsys):
    txn = donate(books.garden, 10_00, "a")
    seal = seal_now()
    _raw("UPDATE ledger_transaction SET description = 'Rewritten' WHERE id = %s", [txn.pk])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("ledger_verify")
    out = capsys.readouterr().out
    assert f"seal #{seal.pk}: digest mismatch" in out


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the change itself")
def test_tampered_amounts_fail_balances_and_seal(books, capsys):
    txn = donate(books.garden, 10_00, "a")
    seal = seal_now()
    _raw("UPDATE ledger_entry SET amount = amount * 2 WHERE transaction_id = %s", [txn.pk])
    with pytest.raises(CommandError):
        call_command("ledger_verify")
    out = capsys.readouterr().out
    assert "balance row says 1000, its entries sum to 2000" in out
    assert f"seal #{seal.pk}: digest mismatch" in out


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the change itself")
def test_deleted_transaction_and_broken_balance_are_reported(books):
    donate(books.garden, 10_00, "a")
    txn = donate(books.garden, 3_00, "b")
    ledger_seal()
    _raw("DELETE FROM ledger_counterpartyname WHERE transaction_id = %s", [txn.pk])
    _raw("DELETE FROM ledger_entry WHERE transaction_id = %s", [txn.pk])
    _raw("DELETE FROM ledger_transaction WHERE id = %s", [txn.pk])
    _raw("DELETE FROM ledger_balancestripe", [])
    _raw("UPDATE ledger_balance SET amount = -5 WHERE floor = 0", [])
    problems = "\n".join(verify_ledger())
    assert "covers 1 transactions now, 2 when it was sealed" in problems
    assert "below its floor 0" in problems
    assert "balance row says -5" in problems


@pytest.mark.postgres_only
def test_postgres_rejects_tampering_with_a_seal(books):
    from django.db import DatabaseError, transaction

    donate(books.garden, 10_00, "a")
    seal = seal_now()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("UPDATE ledger_seal SET digest = 'x' WHERE id = %s", [seal.pk])
