"""Benchmark: one month's credit statements for 10,000 members with twelve months of history.

    make bench-statements            # or: python -m bench.statements [--members N] [--workers 2]

Runs on PostgreSQL in its own database (``samen_bench_statements`` on the server named by
``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432``), never the test or the
development database. The history is seeded once through the ledger's own ``ledger_post``
(one transaction per month and batch of members) and reused by later runs; each run deletes
the month's statements and makes them again: data, one PDF per member (WeasyPrint, in
``--workers`` processes) and the e-mail (dummy backend). Prints JSON and writes it to
``bench/results/statements.json``. Goal: 10,000 statements in at most 300 s on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "samen_bench_statements"
HOST_SLUG = "bench-network"
GOAL_SECONDS = 300


def _database_url() -> str:
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{server}/{DB_NAME}"


def _create_database(server_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _setup_django(private_dir: str) -> None:
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    _create_database(server)
    os.environ["DATABASE_URL"] = _database_url()
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["PRIVATE_ROOT"] = private_dir
    # Per-task and per-PDF progress lines at INFO would cost more than some of the work.
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _month_starts(last: dt.date, count: int) -> list[dt.date]:
    months = [last]
    while len(months) < count:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return sorted(months)


def _seed(members: int, month: dt.date) -> Any:
    """The bench host, its SIF scheme, ``members`` people and twelve months of movements.

    The history is written in bulk (one transaction per month and batch of members, entries
    summing to zero, balances set to the sum of their entries): replaying 240,000 entries
    through ``ledger_post`` one posting at a time would take longer than the run it feeds.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import Sum

    from samen.accounts.models import User
    from samen.communities.models import Host, HostMembership, HostRole
    from samen.credits.actions import issuance, scheme_create, wallet
    from samen.credits.models import CreditScheme
    from samen.ledger.models import Balance, Entry, Transaction, TransactionKind

    admin = User.objects.create_user(email="bench-admin@samen.test", display_name="Bench admin")
    host = Host.objects.create(
        name="Bench network",
        slug=HOST_SLUG,
        legal_name="Bench network vzw",
        enterprise_number="0403170701",
        vat_number="BE0403170701",
        iban="BE68539007547034",
        address="Kunstlaan 1\n1000 Brussel",
    )
    HostMembership.objects.create(host=host, user=admin, role=HostRole.ADMIN)
    scheme_create(actor=admin, host=host, code="SIF", name="SIF", default_credit_limit=1_000_000)
    scheme = CreditScheme.objects.select_related("unit", "host").get(host=host)
    unit = scheme.unit
    print(f"seeding {members} members and twelve months of history...", file=sys.stderr)
    password = make_password(None)
    languages = ["nl", "fr", "en"]
    User.objects.bulk_create(
        [
            User(
                email=f"m{i:05d}@bench.samen.test",
                display_name=f"Member {i:05d}",
                language=languages[i % 3],
                password=password,
            )
            for i in range(members)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(email__endswith="@bench.samen.test").order_by("pk"))
    HostMembership.objects.bulk_create(
        [HostMembership(host=host, user=p, role=HostRole.MEMBER) for p in people],
        batch_size=2000,
    )
    with transaction.atomic():
        wallets = [wallet(scheme, p) for p in people]
        network = issuance(scheme)
    # One session posting and one workshop posting per month and group of 50 members.
    batch = 50
    for month_start in _month_starts(month, 12):
        day = month_start + dt.timedelta(days=9)
        with transaction.atomic():
            # Bench data only: each posting below sums to zero by construction (checked
            # before writing), so the ledger's deferred per-entry zero-sum trigger, which
            # would re-add every posting's entries once per entry at commit, is skipped.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            postings = []
            for start in range(0, len(wallets), batch):
                group = wallets[start : start + batch]
                # Sessions between neighbours: even members give, odd members receive.
                pairs = len(group) - len(group) % 2
                sessions = [(w, 1000 if i % 2 == 0 else -1000) for i, w in enumerate(group[:pairs])]
                workshop = [(w, -500) for w in group] + [(network, 500 * len(group))]
                key = f"bench-{month_start:%Y-%m}-{start}"
                postings.append(
                    (
                        f"{key}-sessions",
                        TransactionKind.CREDIT_EARNED,
                        "Reinforcement session",
                        day,
                        sessions,
                    )
                )
                postings.append(
                    (
                        f"{key}-workshop",
                        TransactionKind.CREDIT_SPENT,
                        "Workshop",
                        day + dt.timedelta(days=7),
                        workshop,
                    )
                )
            for _key, _kind, _text, _on, lines in postings:
                assert sum(amount for _account, amount in lines) == 0
            made = Transaction.objects.bulk_create(
                [
                    Transaction(
                        kind=kind,
                        description=text,
                        effective_date=on,
                        idempotency_key=key,
                        content_hash=key,
                        is_public=False,
                    )
                    for key, kind, text, on, _lines in postings
                ]
            )
            Entry.objects.bulk_create(
                [
                    Entry(transaction=tx, account=account, unit=unit, amount=amount)
                    for tx, (_key, _kind, _text, _on, lines) in zip(made, postings, strict=True)
                    for account, amount in lines
                ],
                batch_size=5000,
            )
    totals = dict(
        Entry.objects.filter(unit=unit)
        .values("account_id")
        .annotate(t=Sum("amount"))
        .values_list("account_id", "t")
    )
    rows = {row.account_id: row for row in Balance.objects.filter(account_id__in=totals)}
    missing = [Balance(account_id=pk, amount=0) for pk in totals if pk not in rows]
    Balance.objects.bulk_create(missing, batch_size=2000)
    rows.update({row.account_id: row for row in missing})
    for pk, row in rows.items():
        row.amount = int(totals[pk])
    Balance.objects.bulk_update(list(rows.values()), ["amount"], batch_size=2000)
    return host


def _ensure_seeded(members: int, month: dt.date) -> Any:
    from samen.communities.models import Host
    from samen.ledger.models import Transaction

    host = Host.objects.filter(slug=HOST_SLUG).first()
    batches = -(-members // 50)
    expected = 12 * batches * 2
    if host is not None:
        done = Transaction.objects.filter(idempotency_key__startswith="bench-").count()
        if done == expected:
            return host
        raise SystemExit(
            f"The bench database holds another data set ({done} of {expected} postings): "
            f"drop it (dropdb {DB_NAME}) and run again."
        )
    return _seed(members, month)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--month", default="2026-06", help="the statement month, YYYY-MM")
    parser.add_argument("--out", default=str(ROOT / "bench/results/statements.json"))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="samen-bench-statements-") as private_dir:
        _setup_django(private_dir)
        from samen.invoicing.models import Statement, StatementRun
        from samen.invoicing.runner import run_statements
        from samen.invoicing.statements import parse_month

        month = parse_month(args.month)
        seed_started = time.perf_counter()
        host = _ensure_seeded(args.members, month)
        seed_seconds = time.perf_counter() - seed_started
        Statement.objects.filter(host=host, month=month).delete()
        StatementRun.objects.filter(host=host, month=month).delete()

        started = time.perf_counter()
        run = run_statements(host=host, month=month, workers=args.workers)
        seconds = time.perf_counter() - started
        pdfs = sum(1 for _ in Path(private_dir).rglob("*.pdf"))
        emailed = Statement.objects.filter(host=host, month=month, emailed_at__isnull=False).count()

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = {
        "benchmark": "statements",
        "database": "postgresql",
        "members": args.members,
        "history_months": 12,
        "month": args.month,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "statements": run.statements,
        "pdfs": pdfs,
        "emailed": emailed,
        "seconds": round(seconds, 2),
        "statements_per_second": round(run.statements / seconds, 1) if seconds else None,
        "peak_memory_mb": {
            "main_process": round(own / 1024, 1),
            "largest_worker": round(children / 1024, 1),
        },
        "seed_seconds": round(seed_seconds, 2),
        "goal_seconds": GOAL_SECONDS,
        "goal_met": run.statements >= args.members and seconds <= GOAL_SECONDS,
    }
    text = json.dumps(result, indent=2)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
