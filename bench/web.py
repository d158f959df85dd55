"""The site under a crowd (`make bench-web`): the production stack, real HTTP, Locust.

Creates its own PostgreSQL database (``samen_bench_web``, dropped at the end) and uses its own
Redis database (13 unless BENCH_REDIS_DB says otherwise, emptied first), loads a realistic host
(the demo, then BENCH_COLLECTIVES collectives, BENCH_CHAPTERS chapters, BENCH_MEMBERS members,
BENCH_POSTINGS ledger postings, BENCH_NEWS news posts and BENCH_EVENTS events), starts
`deploy/serve-prod.sh` (gunicorn, an RQ worker, the scheduler) on it, and drives it with Locust
from this machine:

- a trivial view (the ceiling of this machine in the same run), then the collective, campaign
  and transactions pages for anonymous visitors at BENCH_USERS concurrent users;
- a launch rush: BENCH_BACKERS backers in BENCH_RUSH_SECONDS open a campaign with a reward
  limited to 100, pledge by bank transfer or, one in five (BENCH_CARD_SHARE), by card, and
  read the thank-you page. Card payments go through the real Checkout and webhook code
  against the stand-in of bench/stripe_standin.py;
- a signed-in mix: BENCH_SIGNED_IN members reading their pages and replying in their
  collective's discussion, pausing BENCH_THINK_MIN to BENCH_THINK_MAX seconds between pages.

``BENCH_SERVERS=2`` runs the several-machines layout of docs/deploy.md instead: that many app
servers (each started with its systemd unit's command, on ports BENCH_PORT+11, +12, ...,
besides the one of serve-prod.sh), the gunicorn workers of one machine shared between them,
and the Locust users spread over them. ``layout`` in the JSON says which ran.

Writes bench/results/web.json; docs/performance.md explains the figures.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.stripe_standin import stand_in
from samen.lib import stack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "web.json"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB = "samen_bench_web"
DATABASE_URL = f"{PG_SERVER}/{DB}"
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('BENCH_REDIS_DB', '13')}"
PORT = int(os.environ.get("BENCH_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"
COLLECTIVES = int(os.environ.get("BENCH_COLLECTIVES", "100"))
CHAPTERS = int(os.environ.get("BENCH_CHAPTERS", "20"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "8000"))
POSTINGS = int(os.environ.get("BENCH_POSTINGS", "200000"))
NEWS = int(os.environ.get("BENCH_NEWS", "2000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "5000"))
USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
BACKERS = int(os.environ.get("BENCH_BACKERS", "500"))
RUSH_SECONDS = int(os.environ.get("BENCH_RUSH_SECONDS", "60"))
SIGNED_IN = int(os.environ.get("BENCH_SIGNED_IN", "200"))
# Members read a page before they open the next one (anonymous crowds do not pause: their
# figures are compared with the trivial view's ceiling, measured the same way).
THINK_MIN = os.environ.get("BENCH_THINK_MIN", "2")
THINK_MAX = os.environ.get("BENCH_THINK_MAX", "8")
REWARD_LIMIT = 100
CARD_SHARE = os.environ.get("BENCH_CARD_SHARE", "0.2")
STRIPE_PORT = PORT + 1
SERVERS = int(os.environ.get("BENCH_SERVERS", "1"))
# One machine's gunicorn workers (deploy/gunicorn.conf.py's default), shared by the servers.
WORKERS_PER_SERVER = max(1, 2 * (os.cpu_count() or 1) // SERVERS)
BASES = [BASE] + [f"http://127.0.0.1:{PORT + 10 + n}" for n in range(1, SERVERS)]
WEBHOOK_SECRET = "whsec_bench_" + "0" * 24
COLLECTIVE = "brasserie-zinneke"
SECRET = "bench-only-" + "k" * 60

_T0 = time.perf_counter()


def _log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "PORT": str(PORT),
        "SECRET_KEY": SECRET,
        "LOG_LEVEL": "WARNING",
        "DJANGO_ENV": "production",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The demo and the rush send e-mails; they land in files, not on anybody's server.
        "EMAIL_URL": f"file://{tempfile.gettempdir()}/samen-bench-mail",
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": f"http://127.0.0.1:{STRIPE_PORT}",
        "GUNICORN_WORKERS": str(WORKERS_PER_SERVER),
    }


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-qc", sql], check=True)


def _django() -> None:
    os.environ.update({k: v for k, v in _env().items() if k != "PORT"})
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _seed() -> dict[str, Any]:
    """The demo host grown to a network's size, written in bulk where replaying each action
    would take longer than the run it feeds (as bench/ledger.py and bench/statements.py do)."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection

    from samen.accounts.models import User
    from samen.communities.models import (
        Chapter,
        Collective,
        CollectiveMembership,
        CollectiveRole,
        Host,
        HostMembership,
        HostRole,
        NewsPost,
    )
    from samen.funding import actions as funding
    from samen.funding.models import Campaign
    from samen.ledger.actions import account_for
    from samen.ledger.models import AccountPurpose, Unit

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    host = Host.objects.get(slug="brussels-commons")
    brewery = Collective.objects.get(slug=COLLECTIVE)
    Chapter.objects.bulk_create(
        [Chapter(name=f"Chapter {n}", slug=f"bench-chapter-{n}") for n in range(CHAPTERS)]
    )
    Collective.objects.bulk_create(
        [
            Collective(
                name=f"Bench collective {n}",
                slug=f"bench-collective-{n}",
                host=host,
                hosted_since=brewery.hosted_since,
                tagline="A collective of the bench.",
            )
            for n in range(COLLECTIVES)
        ]
    )
    collectives = list(Collective.objects.filter(host=host).order_by("pk"))
    _log(f"{len(collectives)} collectives, {CHAPTERS} chapters; {MEMBERS} members...")
    from django.contrib.auth.hashers import make_password

    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"m{n:05d}@bench.samen.test",
                display_name=f"Member {n:05d}",
                password=password,
            )
            for n in range(MEMBERS)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(email__endswith="@bench.samen.test").order_by("pk"))
    HostMembership.objects.bulk_create(
        [HostMembership(host=host, user=p, role=HostRole.MEMBER) for p in people], batch_size=2000
    )
    CollectiveMembership.objects.bulk_create(
        [
            CollectiveMembership(
                collective=collectives[n % len(collectives)],
                user=p,
                role=CollectiveRole.ADMIN if n < SIGNED_IN else CollectiveRole.MEMBER,
            )
            for n, p in enumerate(people)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    _log(f"{NEWS} news posts...")
    NewsPost.objects.bulk_create(
        [
            NewsPost(
                collective=collectives[n % len(collectives)],
                author=people[n % len(people)],
                title=f"News {n}",
                body="What happened this month, in a few paragraphs. " * 8,
                published_at=brewery.hosted_since,
            )
            for n in range(NEWS)
        ],
        batch_size=1000,
    )
    _seed_events(collectives, people)
    _log(f"{POSTINGS} ledger postings...")
    eur = Unit.eur()
    accounts = [
        account_for(purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=c).pk
        for c in collectives
    ]
    outside = account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=Unit.eur()).pk
    with connection.cursor() as cur:
        # Bench data only: every posting sums to zero by construction, balances are set to
        # the entries' sums afterwards, so the row triggers are skipped for this load.
        cur.execute("SET session_replication_role = replica")
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_transaction")
        start = cur.fetchone()[0]
        cur.execute(
            """
            INSERT INTO ledger_transaction (id, kind, description, effective_date, created_at,
                idempotency_key, content_hash, cause_id, counterparty_commitment, is_public)
            SELECT %s + g, 'contribution', 'Gift ' || g, CURRENT_DATE - (g %% 700),
                   now(), 'bench-web-' || g, '', '', '', true
            FROM generate_series(1, %s) AS g
            """,
            [start, POSTINGS],
        )
        cur.execute(
            """
            INSERT INTO ledger_entry (transaction_id, account_id, unit_id, amount)
            SELECT %s + g, CASE WHEN side = 1 THEN %s
                              ELSE (%s::bigint[])[1 + (g %% %s)] END,
                   %s, CASE WHEN side = 1 THEN -500 ELSE 500 END
            FROM generate_series(1, %s) AS g, (VALUES (1), (2)) AS s(side)
            """,
            [start, outside, accounts, len(accounts), Unit.eur().pk, POSTINGS],
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('ledger_transaction', 'id'),"
            " (SELECT MAX(id) FROM ledger_transaction))"
        )
        cur.execute(
            "UPDATE ledger_balance b SET amount = s.total - COALESCE((SELECT SUM(amount)"
            " FROM ledger_balancestripe t WHERE t.account_id = b.account_id), 0)"
            " FROM (SELECT account_id, SUM(amount) AS total FROM ledger_entry"
            " GROUP BY account_id) s WHERE s.account_id = b.account_id"
        )
        cur.execute("SET session_replication_role = origin")
        cur.execute("ANALYZE")

    bram = User.objects.get(email="bram@samen.test")
    campaign = funding.campaign_create(
        actor=bram,
        collective=brewery,
        title="Launch: the second saison",
        slug="launch",
        summary="A hundred crates, first come first served.",
        story="The launch rush of the benchmark.",
        goal_amount=4_500_00,
        model=Campaign.objects.get(slug="first-saison").model,
        deadline=Campaign.objects.get(slug="first-saison").deadline,
    )
    reward = funding.reward_save(
        actor=bram, campaign=campaign, title="A crate", price=45_00, quantity=REWARD_LIMIT
    )
    sessions = []
    admins = CollectiveMembership.objects.filter(
        role=CollectiveRole.ADMIN, user__email__endswith="@bench.samen.test"
    ).select_related("user", "collective")
    topics: dict[int, str] = {}
    for membership in admins[:SIGNED_IN]:
        store = SessionStore()
        store[SESSION_KEY] = str(membership.user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = membership.user.get_session_auth_hash()
        store.create()
        if membership.collective_id not in topics:
            topics[membership.collective_id] = _topic(membership.user, membership.collective)
        news = f"/collectives/{membership.collective.slug}/news/"
        sessions.append([store.session_key, news, topics[membership.collective_id]])
    return {
        "campaign": f"/collectives/{COLLECTIVE}/campaigns/{campaign.slug}/",
        "reward": str(reward.pk),
        "reward_id": reward.pk,
        "sessions": sessions,
    }


def _seed_events(collectives: list[Any], people: list[Any]) -> None:
    """BENCH_EVENTS published events of the bench's collectives and chapters, one date each,
    from a year ago to a year ahead."""
    from datetime import timedelta

    from django.utils import timezone

    from samen.communities.models import Chapter
    from samen.events.models import Event, EventStatus, Occurrence

    _log(f"{EVENTS} events...")
    chapters = list(Chapter.objects.order_by("pk"))
    now = timezone.now()
    events = Event.objects.bulk_create(
        [
            Event(
                kind="meetup",
                title=f"Meet-up {n}",
                description="Who comes, what we do, where we meet. " * 4,
                place="Rue de la Loi 1, Brussels",
                status=EventStatus.PUBLISHED,
                published_at=now,
                created_by=people[n % len(people)],
                **(
                    {"chapter": chapters[n % len(chapters)]}
                    if n % 5 == 0 and chapters
                    else {"collective": collectives[n % len(collectives)]}
                ),
            )
            for n in range(EVENTS)
        ],
        batch_size=1000,
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                event=event,
                starts_at=now + timedelta(days=(n % 730) - 365, hours=18),
                ends_at=now + timedelta(days=(n % 730) - 365, hours=20),
                capacity=40,
            )
            for n, event in enumerate(events)
        ],
        batch_size=1000,
    )


def _topic(admin: Any, collective: Any) -> str:
    """A members' discussion of ``collective`` that its signed-in members reply to."""
    from samen.conversations import actions as conversations

    # Its own category: the demo's collectives already have a "Questions" one.
    category = conversations.category_create(
        actor=admin, owner=collective, name="Welcome", slug="bench-welcome"
    )
    topic = conversations.topic_create(
        actor=admin,
        category=category,
        title="How do we welcome new members?",
        body="Share what worked for you.",
    )
    return topic.get_absolute_url()


def _query_counts() -> dict[str, int]:
    """Queries per measured page, rendered uncached, for the big collective and a small one."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts: dict[str, int] = {}
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["*"]):
        for name, path in _pages(f"bench-collective-{min(7, COLLECTIVES - 1)}").items():
            for label, url in (("", _pages()[name]), ("_small", path)):
                with CaptureQueriesContext(connection) as queries:
                    status = Client().get(url, secure=True).status_code
                assert status == 200, (url, status)
                counts[f"{name}{label}"] = len(queries)
    return counts


def _pages(collective: str = COLLECTIVE) -> dict[str, str]:
    campaign = "first-saison" if collective == COLLECTIVE else ""
    pages = {
        "collective_page": f"/collectives/{collective}/",
        "transactions_page": f"/collectives/{collective}/transactions/",
        "campaign_page": f"/collectives/{COLLECTIVE}/campaigns/first-saison/",
    }
    if not campaign:
        pages["campaign_page"] = f"/collectives/{collective}/campaigns/"
    return pages


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], list[stack.Machine]]:
    """serve-prod.sh (an app server, the RQ worker, the scheduler) and, with BENCH_SERVERS,
    the other app servers, each a machine of its own sharing the database and Redis."""
    env = _env()
    env.pop("TASKS_BACKEND", None)  # the seeding ran tasks inline; the stack uses RQ
    log = open(Path(tempfile.gettempdir()) / "samen-bench-web-server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / "deploy" / "serve-prod.sh")],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=log,
        stderr=log,
    )
    # After serve-prod.sh's migrate and collectstatic, which the others share.
    stack.wait_healthy([BASE], 600)
    others = [
        stack.start(
            f"app-{n}",
            stack.unit_command("web"),
            {**env, "PORT": base.rsplit(":", 1)[1], "SITE_URL": base},
            folder,
        )
        for n, base in enumerate(BASES[1:], 2)
    ]
    stack.wait_healthy(BASES, 600, others)
    return server, others


def _locust(scenario: str, users: int, rate: float, seconds: int, **extra: str) -> dict[str, Any]:
    """Run Locust headless; the figures of each request name and of all together."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "run")
        # PYTHONPATH: the locustfile imports bench.stripe_standin from the repository root.
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BENCH_SCENARIO": scenario,
            "BENCH_HOSTS": ",".join(BASES),
            **extra,
        }
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                BASE,
                "-u",
                str(users),
                "-r",
                str(rate),
                "-t",
                f"{seconds}s",
                "--csv",
                prefix,
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with open(prefix + "_stats.csv", newline="") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
    figures = {}
    for name, row in rows.items():
        figures[name] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p95_ms": float(row["95%"]) if row["95%"] != "N/A" else None,
        }
    return figures


def _page_figures(path: str, trivial: float) -> tuple[float, float, float, int]:
    # One visit first, as the page would have had before a crowd arrives: the figures are
    # those of a warm cache; the launch rush measures the cold start under a crowd.
    with urllib.request.urlopen(BASE + path, timeout=60) as answer:
        assert answer.status == 200, (path, answer.status)
    run = _locust("pages", USERS, USERS, SECONDS, BENCH_PATHS=path)[path]
    return run["rps"], run["p95_ms"], round(run["rps"] / trivial, 2), run["failures"]


def main() -> None:
    _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{DB}"')
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, stdout=subprocess.DEVNULL)
    server = None
    others: list[stack.Machine] = []
    folder = tempfile.TemporaryDirectory()
    stripe = stand_in(STRIPE_PORT)
    try:
        _django()
        _log("seeding...")
        seed = _seed()
        _log("starting the production stack...")
        server, others = _serve(Path(folder.name))
        # After the stack's collectstatic: the pages name hashed static files.
        queries = _query_counts()
        results: dict[str, Any] = {
            "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
            "data": {
                "collectives": COLLECTIVES,
                "chapters": CHAPTERS,
                "members": MEMBERS,
                "postings": POSTINGS,
                "news": NEWS,
                "events": EVENTS,
            },
            "layout": "several app servers" if SERVERS > 1 else "one machine",
            "app_servers": SERVERS,
            "gunicorn_workers_per_server": WORKERS_PER_SERVER,
            "users": USERS,
            "seconds": SECONDS,
        }
        _log("trivial view...")
        trivial = _locust("pages", USERS, USERS, SECONDS, BENCH_PATHS="/robots.txt")
        results["trivial_rps"] = trivial["/robots.txt"]["rps"]
        results["trivial_p95_ms"] = trivial["/robots.txt"]["p95_ms"]
        errors = 0
        for name, path in _pages().items():
            _log(f"{name}...")
            rps, p95, ratio, failures = _page_figures(path, results["trivial_rps"])
            results[f"{name}_rps"] = rps
            results[f"{name}_p95_ms"] = p95
            results[f"{name}_ratio"] = ratio
            results[f"{name}_queries"] = queries[name]
            results[f"{name}_queries_small_collective"] = queries[f"{name}_small"]
            errors += failures
        results["anonymous_errors"] = errors

        _log(f"launch rush: {BACKERS} backers in {RUSH_SECONDS} s...")
        rush = _locust(
            "rush",
            BACKERS,
            BACKERS / RUSH_SECONDS,
            RUSH_SECONDS + 30,
            BENCH_CAMPAIGN=seed["campaign"],
            BENCH_REWARD=seed["reward"],
            BENCH_CARD_SHARE=CARD_SHARE,
            BENCH_WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
        pledges = rush.get("rush: pledge", {"requests": 0, "failures": 0})
        results["rush_pledges_per_s"] = round(pledges["requests"] / RUSH_SECONDS, 1)
        for step in ("campaign", "form", "pledge", "card webhook", "thank-you"):
            results[f"rush_{step.replace(' ', '_')}_p95_ms"] = rush.get(f"rush: {step}", {}).get(
                "p95_ms"
            )
        results["rush_errors"] = rush["Aggregated"]["failures"]

        from samen.funding.models import Contribution
        from samen.ledger.verify import verify_ledger

        results["rush_reward_sold"] = (
            Contribution.objects.filter(reward_id=seed["reward_id"])
            .exclude(status="cancelled")
            .count()
        )
        results["rush_backers_served"] = rush.get("rush: thank-you", {}).get("requests", 0)
        results["rush_card_share"] = float(CARD_SHARE)
        results["rush_card_paid"] = Contribution.objects.filter(
            reward_id=seed["reward_id"], method="stripe", status="paid"
        ).count()
        results["rush_card_webhooks"] = rush.get("rush: card webhook", {}).get("requests", 0)

        _log(f"signed-in mix: {SIGNED_IN} members...")
        members = _locust(
            "members",
            SIGNED_IN,
            SIGNED_IN,
            SECONDS,
            BENCH_SESSIONS=json.dumps(seed["sessions"]),
            BENCH_THINK_MIN=THINK_MIN,
            BENCH_THINK_MAX=THINK_MAX,
        )
        results["member_think_s"] = [float(THINK_MIN), float(THINK_MAX)]
        results["member_p95_ms"] = members["Aggregated"]["p95_ms"]
        results["member_rps"] = members["Aggregated"]["rps"]
        results["member_errors"] = members["Aggregated"]["failures"]
        results["member_pages"] = {
            name: figures for name, figures in members.items() if name != "Aggregated"
        }
        problems = verify_ledger()
        results["ledger_verify_ok"] = not problems
        results["ledger_verify_problems"] = [str(p) for p in problems[:5]]
    finally:
        stripe.shutdown()
        stack.stop(others)
        folder.cleanup()
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        _psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
