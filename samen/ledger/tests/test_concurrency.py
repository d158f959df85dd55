"""Several processes post random transfers near the floors with duplicate idempotency
keys against the real PostgreSQL test database; afterwards every invariant holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from samen.ledger.actions import account_for, ledger_post
from samen.ledger.models import (
    AccountPurpose,
    Balance,
    CounterpartyName,
    Transaction,
    TransactionKind,
    Unit,
)
from samen.ledger.queries import balance
from samen.ledger.verify import verify_ledger

WORKER = r"""
import json, os, random, sys
import django
django.setup()
from samen.ledger.actions import ledger_post
from samen.ledger.errors import LedgerError
from samen.ledger.models import Account, TransactionKind

ids = json.loads(sys.argv[1])
accounts = {a.pk: a for a in Account.objects.filter(pk__in=ids)}
rng = random.Random(int(sys.argv[2]))
results = []
for _ in range(int(sys.argv[3])):
    key = rng.randrange(60)
    # The content is a function of the key, so every duplicate is a genuine retry.
    plan = random.Random(key)
    src, dst = plan.sample(ids, 2)
    amount = plan.randint(1, 700)
    name = plan.choice(["", "Dries", "Zoë"])
    try:
        txn = ledger_post(
            actor=None, kind=TransactionKind.TRANSFER, description=f"t{key}",
            lines=[(accounts[src], -amount), (accounts[dst], amount)],
            idempotency_key=f"race-{key}", counterparty_name=name,
        )
        results.append([key, txn.pk])
    except LedgerError as err:
        results.append([key, err.code.value])
print(json.dumps(results))
"""


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_processes_keep_floors_and_post_each_key_once(books):
    eur = Unit.eur()
    outside = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur)
    collectives = [
        account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=c)
        for c in (books.garden, books.repair)
    ]
    collectives.append(account_for(purpose=AccountPurpose.HOST_BALANCE, unit=eur, host=books.host))
    for n, account in enumerate(collectives):
        ledger_post(
            actor=None,
            kind=TransactionKind.CONTRIBUTION,
            description="seed",
            lines=[(outside, -1_000), (account, 1_000)],
            idempotency_key=f"seed-{n}",
        )
    ids = [a.pk for a in collectives]
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samen.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "TASKS_BACKEND": "immediate",
    }
    env.pop("TEST_DATABASE_NAME", None)
    root = Path(settings.BASE_DIR)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(ids), str(seed), "40"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(4)
    ]
    outcomes: dict[int, set[object]] = defaultdict(set)
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        for key, outcome in json.loads(out):
            outcomes[key].add(outcome)

    assert verify_ledger() == []
    assert not Balance.objects.filter(floor__isnull=False, amount__lt=0).exists()
    posted = {
        int(t.idempotency_key.removeprefix("race-")): t.pk
        for t in Transaction.objects.filter(idempotency_key__startswith="race-")
    }
    for key, seen in outcomes.items():
        txn_ids = {o for o in seen if isinstance(o, int)}
        # Every process that got a transaction for a key got the same one, and it exists.
        assert len(txn_ids) <= 1, (key, seen)
        if txn_ids:
            assert posted[key] == txn_ids.pop()
    assert all(isinstance(o, int) or o == "floor_breached" for s in outcomes.values() for o in s)
    assert len(posted) > 5
    # Each posted name row was written once, with its transaction, and matches its commitment.
    assert CounterpartyName.objects.filter(transaction_id__in=posted.values()).count() == len(
        [pk for pk in posted.values() if Transaction.objects.get(pk=pk).counterparty_commitment]
    )
    assert sum(balance(a) for a in [*collectives, outside]) == 0
    assert all(balance(a) >= 0 for a in collectives)


DEBITOR = r"""
import json, sys
import django
django.setup()
from samen.ledger.actions import ledger_post
from samen.ledger.errors import LedgerError
from samen.ledger.models import Account, TransactionKind

import random
pair = [Account.objects.get(pk=pk) for pk in json.loads(sys.argv[1])]
rng = random.Random(sys.argv[2])
failures = 0
for n in range(int(sys.argv[3])):
    source, sink = rng.sample(pair, 2)
    try:
        ledger_post(
            actor=None, kind=TransactionKind.TRANSFER, description="small",
            lines=[(source, -1), (sink, 1)], idempotency_key=f"debit-{sys.argv[2]}-{n}",
        )
    except LedgerError:
        failures += 1
print(json.dumps(failures))
"""


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_debits_against_striped_credits_never_refuse_wrongly(books):
    """Two well-funded accounts pass cents back and forth: their money keeps landing in
    credit stripes that debits must fold, concurrently. No refusal is legitimate here."""
    eur = Unit.eur()
    outside = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur)
    source, other = (
        account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=c)
        for c in (books.garden, books.repair)
    )
    for n, account in enumerate((source, other)):
        ledger_post(
            actor=None,
            kind=TransactionKind.CONTRIBUTION,
            description="seed",
            lines=[(outside, -1_000), (account, 1_000)],
            idempotency_key=f"seed-{n}",
        )
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samen.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "TASKS_BACKEND": "immediate",
    }
    env.pop("TEST_DATABASE_NAME", None)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", DEBITOR, json.dumps([source.pk, other.pk]), str(w), "60"],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(6)
    ]
    failures = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        failures.append(json.loads(out))
    assert failures == [0] * 6
    assert balance(source) + balance(other) == 2_000
    assert verify_ledger() == []
