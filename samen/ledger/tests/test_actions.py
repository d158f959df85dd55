from datetime import date
from typing import Any

import pytest
from django.db import connection

from samen.ledger.actions import (
    account_for,
    ledger_adjust,
    ledger_post,
    ledger_reverse,
    ledger_set_floor,
)
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import (
    AccountPurpose,
    AppendOnlyError,
    Balance,
    Entry,
    Transaction,
    TransactionKind,
    Unit,
)
from samen.ledger.queries import balance, balances_for
from samen.ledger.tests.factories import collective_eur, donate, outside_eur
from samen.lib.money import Money

pytestmark = pytest.mark.django_db


def test_eur_unit_exists_from_migration():
    unit = Unit.eur()
    assert (unit.code, unit.decimals, unit.host_id) == ("EUR", 2, None)
    assert Unit.objects.filter(code="EUR").count() == 1


def test_account_for_is_get_or_create_with_default_floor(books):
    eur = Unit.eur()
    a = account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=books.garden)
    b = account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=books.garden)
    assert a.pk == b.pk
    assert a.floor == 0
    assert Balance.objects.get(account=a).floor == 0
    outside = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur)
    assert outside.floor is None
    assert account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur).pk == outside.pk
    with pytest.raises(LedgerError) as err:
        account_for(
            purpose=AccountPurpose.HOST_BALANCE, unit=eur, host=books.host, collective=books.garden
        )
    assert err.value.code == LedgerErrorCode.INVALID_OWNER


def test_worked_example_donation_with_host_and_processor_fees(books, dries):
    """€100 donation, 5 % host fee, €1.65 processor fee: what an accountant expects."""
    eur = Unit.eur()
    collective = collective_eur(books.garden)
    fee_income = account_for(purpose=AccountPurpose.HOST_FEE_INCOME, unit=eur, host=books.host)
    processor = account_for(purpose=AccountPurpose.PROCESSOR_FEES, unit=eur, host=books.host)
    donation = donate(books.garden, 100_00, "don-1", name=dries.public_name)
    ledger_post(
        actor=None,
        kind=TransactionKind.HOST_FEE,
        description="Host fee 5 %",
        lines=[(collective, -5_00), (fee_income, 5_00)],
        idempotency_key="don-1:host-fee",
        cause=donation,
    )
    ledger_post(
        actor=None,
        kind=TransactionKind.PROCESSOR_FEE,
        description="Card processing fee",
        lines=[(collective, -1_65), (processor, 1_65)],
        idempotency_key="don-1:processor-fee",
        cause=donation,
    )
    assert balance(collective) == 93_35
    assert balance(fee_income) == 5_00
    assert balance(processor) == 1_65
    assert balance(outside_eur()) == -100_00
    assert balances_for(collective=books.garden) == {"EUR": Money(93_35, eur)}
    assert balances_for(host=books.host) == {"EUR": Money(5_00, eur)}


def test_unbalanced_and_empty_postings_are_refused(books):
    collective = collective_eur(books.garden)
    with pytest.raises(LedgerError) as err:
        ledger_post(
            actor=None,
            kind=TransactionKind.TRANSFER,
            description="x",
            lines=[(outside_eur(), -100), (collective, 99)],
            idempotency_key="k",
        )
    assert err.value.code == LedgerErrorCode.UNBALANCED
    with pytest.raises(LedgerError) as err:
        ledger_post(
            actor=None,
            kind=TransactionKind.TRANSFER,
            description="x",
            lines=[(collective, 0)],
            idempotency_key="k",
        )
    assert err.value.code == LedgerErrorCode.NO_LINES
    with pytest.raises(LedgerError) as err:
        ledger_post(
            actor=None,
            kind="gift",
            description="x",
            lines=[(outside_eur(), -1), (collective, 1)],
            idempotency_key="k",
        )
    assert err.value.code == LedgerErrorCode.UNKNOWN_KIND
    assert not Transaction.objects.exists()


def test_units_balance_separately(books):
    host_unit = Unit.objects.create(code="SIF", name="SIF", decimals=3, host=books.host)
    eur_a, eur_b = collective_eur(books.garden), outside_eur()
    sif_a = account_for(
        purpose=AccountPurpose.CREDIT_WALLET, unit=host_unit, collective=books.garden
    )
    sif_b = account_for(purpose=AccountPurpose.CREDIT_ISSUANCE, unit=host_unit, host=books.host)
    with pytest.raises(LedgerError) as err:
        ledger_post(
            actor=None,
            kind=TransactionKind.TRANSFER,
            description="euro for credits without balancing each unit",
            lines=[(eur_b, -500), (sif_a, 500)],
            idempotency_key="x",
        )
    assert err.value.code == LedgerErrorCode.UNBALANCED
    txn = ledger_post(
        actor=None,
        kind=TransactionKind.TRANSFER,
        description="exchange",
        lines=[(eur_b, -500), (eur_a, 500), (sif_b, -10_000), (sif_a, 10_000)],
        idempotency_key="x",
    )
    assert txn.entries.count() == 4
    assert balances_for(collective=books.garden) == {
        "EUR": Money(500, Unit.eur()),
        "SIF": Money(10_000, host_unit),
    }


def test_floor_refuses_overspending_and_writes_nothing(books):
    collective = collective_eur(books.garden)
    donate(books.garden, 50_00, "d")
    with pytest.raises(LedgerError) as err:
        ledger_post(
            actor=None,
            kind=TransactionKind.EXPENSE,
            description="too much",
            lines=[(collective, -50_01), (outside_eur(), 50_01)],
            idempotency_key="e1",
        )
    assert err.value.code == LedgerErrorCode.FLOOR_BREACHED
    assert err.value.account == collective
    assert balance(collective) == 50_00
    assert not Transaction.objects.filter(idempotency_key="e1").exists()
    ledger_post(
        actor=None,
        kind=TransactionKind.EXPENSE,
        description="exactly all",
        lines=[(collective, -50_00), (outside_eur(), 50_00)],
        idempotency_key="e2",
    )
    assert balance(collective) == 0


def test_same_key_same_content_returns_first_other_content_conflicts(books):
    first = donate(books.garden, 10_00, "same")
    again = donate(books.garden, 10_00, "same")
    assert again.pk == first.pk
    assert Transaction.objects.count() == 1
    assert balance(collective_eur(books.garden)) == 10_00
    with pytest.raises(LedgerError) as err:
        donate(books.garden, 11_00, "same")
    assert err.value.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT
    assert balance(collective_eur(books.garden)) == 10_00


def test_retry_after_spend_returns_first_not_floor_error(books):
    collective = collective_eur(books.garden)
    donate(books.garden, 10_00, "d")
    spend: dict[str, Any] = {
        "actor": None,
        "kind": TransactionKind.EXPENSE,
        "description": "paint",
        "lines": [(collective, -10_00), (outside_eur(), 10_00)],
        "idempotency_key": "paint",
    }
    first = ledger_post(**spend)
    assert ledger_post(**spend).pk == first.pk


def test_reversal_is_linked_and_refused_twice(books, anna):
    txn = donate(books.garden, 20_00, "d")
    reversal = ledger_reverse(actor=anna, transaction=txn, reason="Bounced", idempotency_key="r1")
    assert reversal.kind == TransactionKind.REVERSAL
    assert reversal.reverses_id == txn.pk
    assert reversal.actor == anna
    assert sorted(reversal.entries.values_list("amount", flat=True)) == [-20_00, 20_00]
    assert balance(collective_eur(books.garden)) == 0
    # Retrying the same reversal is harmless; another reversal is refused.
    assert (
        ledger_reverse(actor=anna, transaction=txn, reason="Bounced", idempotency_key="r1").pk
        == reversal.pk
    )
    with pytest.raises(LedgerError) as err:
        ledger_reverse(actor=anna, transaction=txn, reason="Again", idempotency_key="r2")
    assert err.value.code == LedgerErrorCode.ALREADY_REVERSED
    with pytest.raises(LedgerError) as err:
        ledger_reverse(actor=anna, transaction=txn, reason=" ", idempotency_key="r3")
    assert err.value.code == LedgerErrorCode.REASON_REQUIRED


def test_reversal_respects_floor(books):
    collective = collective_eur(books.garden)
    txn = donate(books.garden, 20_00, "d")
    ledger_post(
        actor=None,
        kind=TransactionKind.EXPENSE,
        description="spent",
        lines=[(collective, -15_00), (outside_eur(), 15_00)],
        idempotency_key="spent",
    )
    with pytest.raises(LedgerError) as err:
        ledger_reverse(actor=None, transaction=txn, reason="Chargeback", idempotency_key="r")
    assert err.value.code == LedgerErrorCode.FLOOR_BREACHED


def test_set_floor_for_credit_limit(books, chloe):
    unit = Unit.objects.create(code="SIF", name="SIF", decimals=3, host=books.host)
    wallet = account_for(purpose=AccountPurpose.CREDIT_WALLET, unit=unit, user=chloe, floor=0)
    issuance = account_for(purpose=AccountPurpose.CREDIT_ISSUANCE, unit=unit, host=books.host)
    spend: dict[str, Any] = {
        "actor": chloe,
        "kind": TransactionKind.CREDIT_SPENT,
        "description": "workshop",
        "lines": [(wallet, -2_000), (issuance, 2_000)],
        "idempotency_key": "w1",
    }
    with pytest.raises(LedgerError):
        ledger_post(**spend)
    ledger_set_floor(actor=None, account=wallet, floor=-5_000)
    ledger_post(**spend)
    assert balance(wallet) == -2_000
    with pytest.raises(LedgerError) as err:
        ledger_set_floor(actor=None, account=wallet, floor=-1_000)
    assert err.value.code == LedgerErrorCode.FLOOR_BREACHED
    wallet.refresh_from_db()
    assert wallet.floor == -5_000


def test_adjustment_needs_reason_and_posts_against_host(books, anna):
    collective = collective_eur(books.garden)
    with pytest.raises(LedgerError):
        ledger_adjust(actor=anna, account=collective, amount=5_00, reason="", idempotency_key="a")
    txn = ledger_adjust(
        actor=anna, account=collective, amount=5_00, reason="Opening balance", idempotency_key="a"
    )
    assert txn.kind == TransactionKind.ADJUSTMENT
    assert balance(collective) == 5_00
    again = ledger_adjust(
        actor=anna, account=collective, amount=5_00, reason="Opening balance", idempotency_key="a"
    )
    assert again.pk == txn.pk
    from samen.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="ledger.adjust").count() == 1


def test_ledger_rows_are_append_only(books):
    txn = donate(books.garden, 1_00, "d")
    txn.description = "changed"
    with pytest.raises(AppendOnlyError):
        txn.save()
    with pytest.raises(AppendOnlyError):
        txn.delete()
    with pytest.raises(AppendOnlyError):
        Transaction.objects.filter(pk=txn.pk).update(description="changed")
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(transaction=txn).update(amount=5)
    entry = Entry.objects.filter(transaction=txn).get(amount=1_00)
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_effective_date_and_cause_are_kept(books):
    first = donate(books.garden, 1_00, "d")
    txn = ledger_post(
        actor=None,
        kind=TransactionKind.HOST_FEE,
        description="fee",
        lines=[(collective_eur(books.garden), -5), (outside_eur(), 5)],
        idempotency_key="f",
        effective_date=date(2026, 1, 31),
        cause=first,
    )
    assert txn.effective_date == date(2026, 1, 31)
    assert Transaction.objects.get(pk=txn.pk).cause == first


def _raw(sql, params, *, immediate=False):
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if immediate:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


@pytest.mark.postgres_only
def test_postgres_refuses_update_delete_and_unbalanced_commit(books):
    from django.db import DatabaseError

    txn = donate(books.garden, 1_00, "d")
    for sql in (
        "UPDATE ledger_entry SET amount = amount + 1 WHERE transaction_id = %s",
        "DELETE FROM ledger_entry WHERE transaction_id = %s",
        "UPDATE ledger_transaction SET description = 'x' WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(sql, [txn.pk])
    account = collective_eur(books.garden)
    with pytest.raises(DatabaseError, match="does not balance"):
        _raw(
            "INSERT INTO ledger_entry (transaction_id, account_id, unit_id, amount)"
            " VALUES (%s, %s, %s, 7)",
            [txn.pk, account.pk, account.unit_id],
            immediate=True,
        )


def test_credits_are_striped_and_folded_before_a_debit(books):
    from samen.ledger.models import BalanceStripe

    collective = collective_eur(books.garden)
    for i in range(20):
        donate(books.garden, 1_00, f"s{i}")
    assert BalanceStripe.objects.filter(account=collective).count() > 1
    assert Balance.objects.get(account=collective).amount == 0
    assert balance(collective) == 20_00
    ledger_post(
        actor=None,
        kind=TransactionKind.EXPENSE,
        description="all of it",
        lines=[(collective, -20_00), (outside_eur(), 20_00)],
        idempotency_key="all",
    )
    assert balance(collective) == 0
    assert Balance.objects.get(account=collective).amount == 0
    assert not BalanceStripe.objects.filter(account=collective).exclude(amount=0).exists()
    from samen.ledger.verify import verify_ledger

    assert verify_ledger() == []
