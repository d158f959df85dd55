"""Counterparty names beside the sealed rows: commitments, idempotency, erasure, tampering."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from samen.audit.models import AuditEntry
from samen.ledger.actions import counterparty_erase, ledger_post, ledger_reverse, ledger_seal
from samen.ledger.canonical import iter_records
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import CounterpartyName, Seal, Transaction, TransactionKind
from samen.ledger.queries import HistoryFilters, counterparty_label, history
from samen.ledger.tests.factories import (
    check_json_names,
    collective_eur,
    donate,
    outside_eur,
    public_ledger_texts,
)
from samen.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

NAME = "Zoë Vandersteen"


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_sealed_record_holds_a_salted_commitment_not_the_name(books):
    named = donate(books.garden, 10_00, "a", name=NAME)
    anonymous = donate(books.garden, 5_00, "b", name="")
    row = CounterpartyName.objects.get(transaction=named)
    assert row.name == NAME
    assert len(row.salt) == 32
    expected = hashlib.sha256((row.salt + NAME).encode()).hexdigest()
    assert named.counterparty_commitment == expected
    records = {txn.pk: record for txn, record, _hash in iter_records()}
    assert records[named.pk]["counterparty"] == expected
    assert NAME not in str(records[named.pk])
    # No name, no row and an empty commitment.
    assert anonymous.counterparty_commitment == ""
    assert records[anonymous.pk]["counterparty"] == ""
    assert not CounterpartyName.objects.filter(transaction=anonymous).exists()
    # The same name twice gets two different salts, so two commitments cannot be linked.
    again = donate(books.repair, 10_00, "c", name=NAME)
    assert again.counterparty_commitment != named.counterparty_commitment
    assert verify_ledger() == []


def test_idempotency_compares_the_name(books):
    first = donate(books.garden, 10_00, "k", name=NAME)
    assert donate(books.garden, 10_00, "k", name=NAME).pk == first.pk
    for other in ("Someone Else", ""):
        with pytest.raises(LedgerError) as error:
            donate(books.garden, 10_00, "k", name=other)
        assert error.value.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT
    nameless = donate(books.garden, 10_00, "n", name="")
    assert donate(books.garden, 10_00, "n", name="").pk == nameless.pk
    with pytest.raises(LedgerError) as error:
        donate(books.garden, 10_00, "n", name=NAME)
    assert error.value.code == LedgerErrorCode.IDEMPOTENCY_CONFLICT
    # Other content with the same name is still a conflict.
    with pytest.raises(LedgerError):
        donate(books.garden, 11_00, "k", name=NAME)
    assert Transaction.objects.count() == 2
    assert CounterpartyName.objects.count() == 1

    # Once erased there is nothing to compare with: a replay (with the old name, or with
    # none, as an anonymised source now sends) returns the first transaction.
    counterparty_erase(actor=None, transactions=[first])
    assert donate(books.garden, 10_00, "k", name=NAME).pk == first.pk
    assert donate(books.garden, 10_00, "k", name="").pk == first.pk
    with pytest.raises(LedgerError):
        donate(books.garden, 12_00, "k", name="")
    assert CounterpartyName.objects.get(transaction=first).name == ""


def test_erasure_keeps_the_seals_and_shows_former_member(client: Client, books, anna):
    gift = donate(books.garden, 10_00, "gift", name=NAME, description="Seeds fund")
    other = donate(books.garden, 3_00, "other", name="Dries")
    reversal = ledger_reverse(actor=anna, transaction=gift, reason="Bounced", idempotency_key="r")
    assert counterparty_label(reversal) == NAME
    ledger_seal()
    digests = list(Seal.objects.order_by("id").values_list("digest", flat=True))
    hashes = [h for _t, _r, h in iter_records()]
    before = public_ledger_texts(client, collective="buurtmoestuin", host="brussels")
    assert all(NAME in text for text in before.values())

    assert counterparty_erase(actor=anna, transactions=[gift]) == [gift.pk, reversal.pk]

    for row in CounterpartyName.objects.filter(transaction__in=[gift, reversal]):
        assert (row.name, row.salt) == ("", "")
        assert row.erased_at is not None
    assert CounterpartyName.objects.get(transaction=other).name == "Dries"
    assert list(Seal.objects.order_by("id").values_list("digest", flat=True)) == digests
    assert [h for _t, _r, h in iter_records()] == hashes
    assert verify_ledger() == []
    texts = public_ledger_texts(client, collective="buurtmoestuin", host="brussels")
    for where, text in texts.items():
        assert NAME not in text, where
        assert "Former member" in text, where
        assert "Dries" in text, where
    records = check_json_names(texts["collectives/transactions.json"])
    erased = next(r for r in records if r["id"] == gift.pk)
    assert erased["counterparty_name"] == "Former member"
    assert erased["counterparty_salt"] is None
    assert erased["counterparty"] == gift.counterparty_commitment
    dutch = client.get("/collectives/buurtmoestuin/transactions/", HTTP_ACCEPT_LANGUAGE="nl")
    assert "Voormalig lid" in dutch.content.decode()
    french = client.get("/collectives/buurtmoestuin/transactions/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ancien membre" in french.content.decode()

    audit = AuditEntry.objects.get(action="ledger.counterparty_erase")
    assert audit.actor == anna
    assert audit.data == {"transactions": [gift.pk, reversal.pk]}
    # Erasing again changes nothing and writes no second audit row.
    assert counterparty_erase(actor=anna, transactions=[gift]) == []
    assert AuditEntry.objects.filter(action="ledger.counterparty_erase").count() == 1


def test_erase_by_cause_and_reversal_after_erasure(books, anna):
    from samen.communities.models import Collective

    gift = donate(books.garden, 10_00, "gift", name=NAME)
    # Any model can be a cause; the collective stands in for a contribution here.
    caused = ledger_post(
        actor=None,
        kind=TransactionKind.CONTRIBUTION,
        description="Caused",
        lines=[(outside_eur(), -1_00), (collective_eur(books.garden), 1_00)],
        idempotency_key="with-cause",
        cause=books.garden,
        counterparty_name=NAME,
    )
    erased = counterparty_erase(actor=None, causes=Collective.objects.filter(pk=books.garden.pk))
    assert erased == [caused.pk]
    assert CounterpartyName.objects.get(transaction=gift).name == NAME
    # A reversal posted after the erasure does not bring the name back.
    counterparty_erase(actor=None, transactions=[gift.pk])
    reversal = ledger_reverse(actor=anna, transaction=gift, reason="Late", idempotency_key="r")
    assert reversal.counterparty_commitment == ""
    assert not CounterpartyName.objects.filter(transaction=reversal).exists()
    assert verify_ledger() == []


def test_search_finds_present_names_only(books):
    donate(books.garden, 10_00, "a", name=NAME, description="Seeds")
    gone = donate(books.garden, 3_00, "b", name="Dries Maes", description="Tools")
    donate(books.garden, 2_00, "c", name="", description="Anonymous gift")

    def found(text: str) -> list[str]:
        rows = history(books.garden, HistoryFilters(text=text))
        return sorted({e.transaction.description for e in rows})

    assert found("vandersteen") == ["Seeds"]
    assert found("dries") == ["Tools"]
    assert found("gift") == ["Anonymous gift"]
    counterparty_erase(actor=None, transactions=[gone])
    assert found("dries") == []
    assert found("tools") == ["Tools"]


def test_a_changed_name_no_longer_matches_its_commitment(books, capsys):
    txn = donate(books.garden, 10_00, "a", name=NAME)
    ledger_seal()
    # The name table is not append-only (erasure writes it), on PostgreSQL too; the
    # commitment catches a rewrite.
    _raw(
        "UPDATE ledger_counterpartyname SET name = 'Someone Else' WHERE transaction_id = %s",
        [txn.pk],
    )
    with pytest.raises(CommandError, match="1 problem"):
        call_command("ledger_verify")
    assert f"transaction {txn.pk}: counterparty name does not match its commitment" in (
        capsys.readouterr().out
    )
    # Blanking it without marking it erased is caught as well; an erased row must be blank.
    _raw(
        "UPDATE ledger_counterpartyname SET name = '', salt = '' WHERE transaction_id = %s",
        [txn.pk],
    )
    assert verify_ledger() == [
        f"transaction {txn.pk}: counterparty name does not match its commitment"
    ]
    _raw(
        "UPDATE ledger_counterpartyname SET name = 'Back', erased_at = %s"
        " WHERE transaction_id = %s",
        [txn.created_at, txn.pk],
    )
    assert verify_ledger() == [f"transaction {txn.pk}: counterparty marked erased but still stored"]
    _raw("DELETE FROM ledger_counterpartyname WHERE transaction_id = %s", [txn.pk])
    assert verify_ledger() == [
        f"transaction {txn.pk}: counterparty commitment without its name row"
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the change itself")
def test_a_changed_commitment_breaks_the_name_and_the_seal(books):
    txn = donate(books.garden, 10_00, "a", name=NAME)
    nameless = donate(books.garden, 1_00, "b", name="")
    seal = ledger_seal()
    assert seal is not None
    forged = hashlib.sha256(b"forged").hexdigest()
    _raw(
        "UPDATE ledger_transaction SET counterparty_commitment = %s WHERE id = %s", [forged, txn.pk]
    )
    problems = verify_ledger()
    assert f"transaction {txn.pk}: counterparty name does not match its commitment" in problems
    assert any(p.startswith(f"seal #{seal.pk}: digest mismatch") for p in problems)
    _raw(
        "UPDATE ledger_transaction SET counterparty_commitment = %s WHERE id = %s",
        [forged, nameless.pk],
    )
    assert f"transaction {nameless.pk}: counterparty commitment without its name row" in (
        verify_ledger()
    )


@pytest.mark.postgres_only
def test_postgres_refuses_a_changed_commitment(books):
    txn = donate(books.garden, 10_00, "a", name=NAME)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("UPDATE ledger_transaction SET counterparty_commitment = '' WHERE id = %s", [txn.pk])
    # The name table is outside the triggers: erasure can write it.
    counterparty_erase(actor=None, transactions=[txn])
    assert CounterpartyName.objects.get(transaction=txn).name == ""


def test_a_reversal_racing_an_erasure_does_not_bring_the_name_back(books, anna, monkeypatch):
    """The reversal read the original's name just before an erasure committed: inside its
    own database transaction it finds the name erased and posts without one."""
    gift = donate(books.garden, 10_00, "gift", name=NAME)
    counterparty_erase(actor=None, transactions=[gift])
    monkeypatch.setattr("samen.ledger.actions._present_name", lambda txn: NAME)
    reversal = ledger_reverse(actor=anna, transaction=gift, reason="Late", idempotency_key="r")
    assert reversal.counterparty_commitment == ""
    assert not CounterpartyName.objects.filter(transaction=reversal).exists()
    assert verify_ledger() == []
