"""Benchmark: events at the size of issue 14's Benchmark section.

    make bench-events                # or: python -m bench.events [--events N] ...

Runs on PostgreSQL in its own database (``samen_bench_events`` on the server named by
``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432``), never the test or
the development database; it is created empty at the start and dropped at the end. Tasks
run on the immediate backend, e-mails go to the in-memory backend. Measures:

- ``rsvp_race_going`` / ``rsvp_race_waiting``: ``--racers`` people (200) register at once
  (16 threads, each with its own connection) through ``occurrence_register`` for a date with
  ``--places`` (50): exactly 50 and 150; ``rsvp_race_order_ok`` when the waiting positions
  are 1..150 in the order the rows were written; ``rsvp_per_s`` and ``rsvp_p95_ms`` (one
  registration, confirmation e-mail with its ``.ics`` included).
- ``agenda_p95_ms``: ``GET /events/`` (first page) with ``--events`` (20,000) events in 20
  chapters, p95 of 50 requests (goal at most 100 ms); ``agenda_queries_small`` and
  ``agenda_queries`` count its queries with 20 events and with all of them (must not grow).
- ``baseline_empty_agenda_p95_ms``: ``GET /events/`` with no event at all, p95 of 50, taken
  in the same run: what the (shared) machine gives any page at that moment.
- ``ical_feed_p95_ms``: one chapter's feed with ``--feed-events`` (1,000) events, p95 of 20
  requests (goal at most 200 ms), after ``ical_feed_cold_ms``, the first request, which
  builds the file that the others are served from the cache until the feed's content
  changes.
- ``reminder_fanout_s``: the day-before reminders of one event with ``--fanout`` (2,000)
  people going, through the task backend, every e-mail built with its ``.ics`` (goal at
  most 60 s); ``reminder_sent`` counts them.

Prints JSON and writes it to ``bench/results/events.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "samen_bench_events"
CHAPTERS = 20


def _server() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{_server()}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _setup_django() -> None:
    _admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = f"{_server()}/{DB_NAME}"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _people(prefix: str, count: int) -> list[Any]:
    from django.contrib.auth.hashers import make_password

    from samen.accounts.models import User

    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i:05d}@bench.samen.test",
                display_name=f"{prefix}{i}",
                password=password,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    return list(User.objects.filter(email__startswith=prefix).order_by("pk"))


def _seed() -> tuple[Any, Any, list[Any]]:
    """A host and its admin, who is a connector of 20 chapters (the stage, in bulk)."""
    from samen.accounts.models import User
    from samen.communities.models import Chapter, Host, HostMembership, HostRole

    admin = User.objects.create_user(email="bench-admin@samen.test", display_name="Admin")
    host = Host.objects.create(name="Bench network", slug="bench-network", legal_name="Bench vzw")
    HostMembership.objects.create(host=host, user=admin, role=HostRole.ADMIN)
    chapters = Chapter.objects.bulk_create(
        [Chapter(name=f"City {i}", slug=f"city-{i}", city=f"City {i}") for i in range(CHAPTERS)]
    )
    for chapter in chapters:
        chapter.connectors.add(admin)
    return admin, host, chapters


def _published(admin: Any, owner: Any, *, hours: float, capacity: int | None) -> Any:
    from django.utils import timezone

    from samen.events.actions import event_create, event_publish

    starts = timezone.now() + timedelta(hours=hours)
    event = event_create(
        actor=admin,
        owner=owner,
        kind="workshop",
        title="Bench workshop",
        place="Rue Haute 1, Brussels",
        online_url="https://meet.example/b",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
    )
    return event_publish(actor=admin, event=event)


def _race(admin: Any, host: Any, racers: int, places: int) -> dict[str, Any]:
    from django.db import connection

    from samen.events.actions import occurrence_register
    from samen.events.models import Registration, RegistrationStatus

    occurrence = _published(admin, host, hours=72, capacity=places).occurrences.get()
    people = _people("racer", racers)
    latencies: list[float] = []

    def register(person: Any) -> None:
        try:
            start = time.perf_counter()
            occurrence_register(actor=person, occurrence=occurrence)
            latencies.append((time.perf_counter() - start) * 1000)
        finally:
            connection.close()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(register, people))
    elapsed = time.perf_counter() - start
    rows = Registration.objects.filter(occurrence=occurrence)
    waiting = list(
        rows.filter(status=RegistrationStatus.WAITING)
        .order_by("position")
        .values_list("position", "pk")
    )
    return {
        "rsvp_race_going": rows.filter(status=RegistrationStatus.GOING).count(),
        "rsvp_race_waiting": len(waiting),
        "rsvp_race_order_ok": [p for p, _ in waiting] == list(range(1, len(waiting) + 1))
        and [pk for _, pk in waiting] == sorted(pk for _, pk in waiting),
        "rsvp_per_s": round(racers / elapsed, 1),
        "rsvp_p95_ms": round(statistics.quantiles(latencies, n=20)[-1], 1),
    }


def _bulk_events(chapters: list[Any], total: int) -> None:
    """``total`` published public events spread over the chapters, one date each, over the
    coming year."""
    from django.utils import timezone

    from samen.events.models import Event, EventStatus, Occurrence

    now = timezone.now()
    events = Event.objects.bulk_create(
        [
            Event(
                chapter=chapters[i % len(chapters)],
                kind="meetup",
                title=f"Meet-up {i}",
                place=f"Street {i}",
                status=EventStatus.PUBLISHED,
                published_at=now,
            )
            for i in range(total)
        ],
        batch_size=2000,
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                event=e,
                starts_at=now + timedelta(hours=2 + i % 8000),
                ends_at=now + timedelta(hours=4 + i % 8000),
                capacity=30,
            )
            for i, e in enumerate(events)
        ],
        batch_size=2000,
    )


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _get_p95_ms(url: str, runs: int) -> float:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if runs == 1:
        return round(times[0], 1)
    return round(statistics.quantiles(times, n=20)[-1], 1)


def _queries(url: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.get(url)  # warm caches that are not per request
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _fanout(admin: Any, host: Any, people: int) -> dict[str, Any]:
    from django.core import mail

    from samen.events.actions import registrations_remind
    from samen.events.models import Registration, RegistrationStatus

    occurrence = _published(admin, host, hours=20, capacity=None).occurrences.get()
    Registration.objects.bulk_create(
        [
            Registration(occurrence=occurrence, user=p, status=RegistrationStatus.GOING)
            for p in _people("going", people)
        ],
        batch_size=2000,
    )
    mail.outbox = []
    start = time.perf_counter()
    queued = registrations_remind()  # outside any transaction: the tasks run on its commit
    elapsed = time.perf_counter() - start
    sent = sum(1 for m in mail.outbox if m.attachments)
    again = registrations_remind()
    return {
        "reminder_fanout_s": round(elapsed, 2),
        "reminder_sent": sent if queued == sent and again == 0 else -1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--feed-events", type=int, default=1_000)
    parser.add_argument("--fanout", type=int, default=2_000)
    args = parser.parse_args()
    _setup_django()
    try:
        admin, host, chapters = _seed()
        results: dict[str, Any] = {"scale": vars(args)}
        results.update(_race(admin, host, args.racers, args.places))
        # The baseline of the same run: the same page with no event, so the figures below
        # can be read against what the shared machine gave every page at that moment.
        results["baseline_empty_agenda_p95_ms"] = _get_p95_ms("/events/", 50)
        # The feed's chapter gets exactly --feed-events; the rest share the remainder.
        _bulk_events(chapters[:1], args.feed_events)
        _bulk_events(chapters[1:], 20)
        results["agenda_queries_small"] = _queries("/events/")
        _bulk_events(chapters[1:], max(0, args.events - args.feed_events - 20))
        # Statistics as autovacuum keeps them on a live database; right after a bulk load
        # the planner has none and picks a nested loop over every date (about 1 s).
        _analyze()
        results["agenda_queries"] = _queries("/events/")
        results["agenda_p95_ms"] = _get_p95_ms("/events/", 50)
        feed = f"/events/chapter/{chapters[0].slug}/calendar.ics"
        results["ical_feed_cold_ms"] = _get_p95_ms(feed, 1)
        results["ical_feed_p95_ms"] = _get_p95_ms(feed, 20)
        results.update(_fanout(admin, host, args.fanout))
    finally:
        from django.db import connections

        connections.close_all()
        _admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    out = json.dumps(results, indent=2)
    print(out)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "events.json").write_text(out + "\n")


if __name__ == "__main__":
    main()
