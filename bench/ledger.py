"""Ledger benchmark (`make bench-ledger`): posting throughput, balance reads, deep pages.

Creates its own PostgreSQL database (``samen_bench`` on 127.0.0.1:5432, dropped at the
end; override with BENCH_PG_URL) and a temporary SQLite file, never touching anything else.
Prints the figures as JSON and writes them to bench/results/ledger.json. docs/performance.md
explains the method and records a run.

Phases (PostgreSQL, 8 writer processes):
- uniform: transfers between two random accounts out of 1,000 through ``ledger_post``;
- baseline: the same logical write with lean psycopg in the same run (lock two balance rows
  in id order, insert a transaction and two entries, update two balances, commit);
- hot: every posting credits the same collective;
then a collective with 1,000,000 entries (bulk-loaded with SQL) for balance reads and the
first and a deep page of its public transactions page; and SQLite with one writer. A fourth
writer phase runs the baseline against the hot account too, to show where that limit lies.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ledger.json"

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = "samen_bench"
WRITERS = int(os.environ.get("BENCH_WRITERS", "8"))
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "1000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
BIG_ENTRIES = int(os.environ.get("BENCH_BIG_ENTRIES", "1000000"))
SQLITE_POSTINGS = int(os.environ.get("BENCH_SQLITE_POSTINGS", "3000"))
READS = 1000
PAGE_RUNS = 60


_T0 = time.perf_counter()


def _log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _admin_conn() -> Any:
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def _create_db() -> None:
    with _admin_conn() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def _drop_db() -> None:
    with _admin_conn() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


# --- writers (each in its own process) -------------------------------------------------


PHASES = ("uniform", "baseline", "hot", "baseline_hot")


def _writer(
    wid: int,
    database_url: str,
    ids: list[int],
    hot: int,
    unit_id: int,
    barrier: Any,
    results: Any,
) -> None:
    """One writer process (forked after Django is set up); runs every phase in turn."""
    import psycopg

    from samen.ledger.actions import ledger_post
    from samen.ledger.models import Account, TransactionKind

    rng = random.Random(wid)
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=[*ids, hot])}
    conn = psycopg.connect(database_url)
    cur = conn.cursor()

    def baseline(a: int, b: int, key: str) -> None:
        lo, hi = sorted((a, b))
        cur.execute(
            "SELECT account_id FROM ledger_balance WHERE account_id IN (%s, %s)"
            " ORDER BY account_id FOR UPDATE",
            (lo, hi),
        )
        cur.execute(
            "INSERT INTO ledger_transaction (kind, description, effective_date, created_at,"
            " idempotency_key, content_hash, cause_id, counterparty_commitment, is_public)"
            " VALUES ('transfer', 'bench', CURRENT_DATE, now(), %s, '', '', '', true)"
            " RETURNING id",
            (key,),
        )
        row = cur.fetchone()
        assert row is not None
        cur.execute(
            "INSERT INTO ledger_entry (transaction_id, account_id, unit_id, amount)"
            " VALUES (%s, %s, %s, -1), (%s, %s, %s, 1)",
            (row[0], a, unit_id, row[0], b, unit_id),
        )
        for account, delta in sorted(((a, -1), (b, 1))):
            cur.execute(
                "UPDATE ledger_balance SET amount = amount + %s WHERE account_id = %s",
                (delta, account),
            )
        conn.commit()

    def ledger(a: int, b: int, key: str) -> None:
        ledger_post(
            actor=None,
            kind=TransactionKind.TRANSFER,
            description="bench",
            lines=[(accounts[a], -1), (accounts[b], 1)],
            idempotency_key=key,
        )

    for mode in PHASES:
        post = baseline if mode.startswith("baseline") else ledger

        def pair(mode: str = mode) -> tuple[int, int]:
            if mode.endswith("hot"):
                return rng.choice(ids), hot
            a, b = rng.sample(ids, 2)
            return a, b

        post(*pair(), f"{mode}-{wid}-warm")
        barrier.wait()
        count = 0
        end = time.perf_counter() + SECONDS
        while time.perf_counter() < end:
            post(*pair(), f"{mode}-{wid}-{count}")
            count += 1
        results.put(count)
    conn.close()


def _run_writers(database_url: str, ids: list[int], hot: int, unit_id: int) -> dict[str, float]:
    from django.db import connections

    connections.close_all()  # each forked writer opens its own connection
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(WRITERS + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(w, database_url, ids, hot, unit_id, barrier, results))
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    rates = {}
    for mode in PHASES:
        barrier.wait(timeout=300)
        started = time.perf_counter()
        total = sum(results.get(timeout=SECONDS + 120) for _ in procs)
        elapsed = max(time.perf_counter() - started, SECONDS)
        rates[mode] = round(total / elapsed, 1)
        _log(f"{mode}: {rates[mode]} postings/s")
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"writer failed with exit code {p.exitcode}")
    return rates


# --- PostgreSQL phases ---------------------------------------------------------------------


def _setup_accounts() -> tuple[list[int], int, int, Any]:
    from samen.communities.models import Collective, Host
    from samen.ledger.actions import account_for, ledger_post
    from samen.ledger.models import AccountPurpose, TransactionKind, Unit

    eur = Unit.eur()
    host = Host.objects.create(name="Bench host", slug="bench-host")
    Collective.objects.bulk_create(
        [Collective(name=f"Bench {i}", slug=f"bench-{i}", host=host) for i in range(ACCOUNTS + 1)]
    )
    outside = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur)
    ids = []
    hot_collective = None
    for collective in Collective.objects.filter(host=host).order_by("id"):
        account = account_for(
            purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=collective
        )
        ledger_post(
            actor=None,
            kind=TransactionKind.CONTRIBUTION,
            description="Opening",
            lines=[(outside, -1_000_000_00), (account, 1_000_000_00)],
            idempotency_key=f"open-{account.pk}",
        )
        if hot_collective is None:
            hot_collective = collective
            hot = account.pk
        else:
            ids.append(account.pk)
    return ids, hot, eur.pk, hot_collective


def _bulk_history(collective: Any, hot: int, unit_id: int) -> int:
    """Give the hot collective's account BIG_ENTRIES entries, loaded with SQL.

    Triggers are switched off for this bulk load only (``session_replication_role``), the
    balance row is then set to the entries' sum, and ledger_verify would agree."""
    from django.db import connection

    from samen.ledger.actions import account_for
    from samen.ledger.models import AccountPurpose, Unit

    other = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=Unit.eur()).pk
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_transaction")
        start = cur.fetchone()[0]
        cur.execute(
            """
            INSERT INTO ledger_transaction (id, kind, description, effective_date, created_at,
                idempotency_key, content_hash, cause_id, counterparty_commitment, is_public)
            SELECT %s + g, 'contribution', 'Gift ' || g, DATE '2020-01-01' + (g / 600),
                   now(), 'bulk-' || g, '', '',
                   encode(sha256(convert_to(md5(g::text) || 'Donor ' || (g %% 997), 'UTF8')),
                          'hex'),
                   true
            FROM generate_series(1, %s) AS g
            """,
            [start, BIG_ENTRIES],
        )
        # Every bulk gift names its donor, so the pages read the names beside the rows; the
        # salts are md5 of the row number here, random 128-bit values in real postings.
        cur.execute(
            """
            INSERT INTO ledger_counterpartyname (transaction_id, name, salt)
            SELECT %s + g, 'Donor ' || (g %% 997), md5(g::text)
            FROM generate_series(1, %s) AS g
            """,
            [start, BIG_ENTRIES],
        )
        cur.execute(
            """
            INSERT INTO ledger_entry (transaction_id, account_id, unit_id, amount)
            SELECT %s + g, acct, %s, CASE WHEN acct = %s THEN 100 ELSE -100 END
            FROM generate_series(1, %s) AS g, (VALUES (%s), (%s)) AS a(acct)
            ORDER BY g, acct
            """,
            [start, unit_id, hot, BIG_ENTRIES, other, hot],
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('ledger_transaction', 'id'),"
            " (SELECT MAX(id) FROM ledger_transaction))"
        )
        for account in (hot, other):
            cur.execute(
                "UPDATE ledger_balance SET amount = (SELECT SUM(amount) FROM ledger_entry"
                " WHERE account_id = %s) - COALESCE((SELECT SUM(amount)"
                " FROM ledger_balancestripe WHERE account_id = %s), 0) WHERE account_id = %s",
                [account, account, account],
            )
        cur.execute("SET session_replication_role = origin")
        cur.execute("ANALYZE ledger_transaction")
        cur.execute("ANALYZE ledger_entry")
        cur.execute("SELECT COUNT(*) FROM ledger_entry WHERE account_id = %s", [hot])
        return int(cur.fetchone()[0])


def _p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18], 2)


def _reads(collective: Any, hot: int, big: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from samen.ledger.models import Account, Entry
    from samen.ledger.queries import balance

    account = Account.objects.get(pk=hot)
    timings = []
    for _ in range(READS):
        t = time.perf_counter()
        balance(account)
        timings.append((time.perf_counter() - t) * 1000)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    url = f"/collectives/{collective.slug}/transactions/"
    ids = Entry.objects.filter(account_id=hot).order_by("-id").values_list("id", flat=True)
    depth = min(10_000, big // 50 - 1)
    deep_before = ids[50 * depth - 1]  # where page depth + 1 starts
    pages = {}
    for name, query in (("first", ""), ("deep", f"?before={deep_before}")):
        samples = []
        for i in range(PAGE_RUNS):
            t = time.perf_counter()
            response = client.get(url + query)
            elapsed = (time.perf_counter() - t) * 1000
            if response.status_code != 200 or response.content.count(b'id="entry-') != 50:
                raise RuntimeError(f"page failed: {response.status_code}")
            if i >= 5:  # the first requests warm caches and imports
                samples.append(elapsed)
        pages[name] = _p95(samples)
    return {
        "balance_read_ms_median": round(statistics.median(timings), 4),
        "page_first_p95_ms": pages["first"],
        "page_deep_p95_ms": pages["deep"],
        "page_deep_depth": depth + 1,
    }


def _sqlite_child() -> None:
    """Run inside a subprocess with DATABASE_URL pointing at a fresh SQLite file."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from samen.communities.models import Collective, Host
    from samen.ledger.actions import account_for, ledger_post
    from samen.ledger.models import AccountPurpose, TransactionKind, Unit

    eur = Unit.eur()
    host = Host.objects.create(name="Bench host", slug="bench-host")
    accounts = []
    for i in range(10):
        collective = Collective.objects.create(name=f"B{i}", slug=f"b{i}", host=host)
        accounts.append(
            account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=collective)
        )
    outside = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur)
    for a in accounts:
        ledger_post(
            actor=None,
            kind=TransactionKind.CONTRIBUTION,
            description="Opening",
            lines=[(outside, -1_000_000), (a, 1_000_000)],
            idempotency_key=f"open-{a.pk}",
        )
    rng = random.Random(1)
    started = time.perf_counter()
    for n in range(SQLITE_POSTINGS):
        a, b = rng.sample(accounts, 2)
        ledger_post(
            actor=None,
            kind=TransactionKind.TRANSFER,
            description="bench",
            lines=[(a, -1), (b, 1)],
            idempotency_key=f"s-{n}",
        )
    rate = SQLITE_POSTINGS / (time.perf_counter() - started)
    print(json.dumps({"sqlite_postings_per_s": round(rate, 1)}))


def _sqlite() -> float:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "samen.settings",
            "TASKS_BACKEND": "immediate",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("TEST_DATABASE_NAME", None)
        out = subprocess.run(
            [sys.executable, "-m", "bench.ledger", "--sqlite-child"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return float(json.loads(out.strip().splitlines()[-1])["sqlite_postings_per_s"])


def main() -> None:
    started = time.perf_counter()
    _create_db()
    database_url = f"{PG_SERVER}/{BENCH_DB}"
    try:
        _django(database_url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        _log("migrated")
        ids, hot, unit_id, hot_collective = _setup_accounts()
        _log("accounts ready")
        connection.close()
        rates = _run_writers(database_url, ids, hot, unit_id)
        figures: dict[str, Any] = {
            "pg_uniform_postings_per_s": rates["uniform"],
            "pg_baseline_postings_per_s": rates["baseline"],
            "pg_hot_postings_per_s": rates["hot"],
            # The lean baseline with every posting crediting the same account: the ceiling
            # a hot account puts on any design that keeps one balance row per account.
            "pg_baseline_hot_postings_per_s": rates["baseline_hot"],
        }
        figures["uniform_to_baseline"] = round(
            figures["pg_uniform_postings_per_s"] / figures["pg_baseline_postings_per_s"], 3
        )
        figures["hot_to_uniform"] = round(
            figures["pg_hot_postings_per_s"] / figures["pg_uniform_postings_per_s"], 3
        )
        _log(f"writers done: {figures}")
        big = _bulk_history(hot_collective, hot, unit_id)
        _log("bulk history loaded")
        figures.update(_reads(hot_collective, hot, big))
        _log("reads measured")
        from samen.ledger.verify import _balances

        figures["balances_verified"] = not list(_balances())
        connection.close()
        figures["sqlite_postings_per_s"] = _sqlite()
        _log("sqlite measured")
        from django.db import connection as pg

        pg.close()
        sizes = {
            "writers": WRITERS,
            "accounts": ACCOUNTS,
            "seconds_per_phase": SECONDS,
            "big_collective_entries": big,
            "sqlite_postings": SQLITE_POSTINGS,
            "page_size": 50,
            "page_runs": PAGE_RUNS,
            "balance_reads": READS,
        }
        result = {
            **figures,
            "sizes": sizes,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                # Other work on the machine skews every figure; recorded so runs compare.
                "load_average_1m_at_end": round(os.getloadavg()[0], 2),
            },
            "total_seconds": round(time.perf_counter() - started, 1),
        }
    finally:
        from django.db import connections

        connections.close_all()
        _drop_db()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if "--sqlite-child" in sys.argv:
        _django(os.environ["DATABASE_URL"])
        _sqlite_child()
    else:
        main()
