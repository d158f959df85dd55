"""Benchmark: decisions at the size of an 8,000-member network.

    make bench-decisions             # or: python -m bench.decisions [--participants N]

Runs on PostgreSQL in its own database (``samen_bench_decisions`` on the server named by
``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432``), never the test or
the development database; each run starts from an empty one. Measures:

- ``vote_race_ok``: 500 members vote at once (16 threads, each with its own connection)
  through ``stance_cast``; true when there are exactly 500 latest stances and the totals
  match the ballots sent.
- ``results_p95_ms``: ``poll_results`` of a proposal with ``--participants`` stances (goal
  at most 100 ms at 8,000).
- ``ranked_choice_8000_ms``: ``poll_results`` of a ranked-choice poll with ``--participants``
  ballots over 10 options, every instant run-off round included (goal at most 500 ms).

- ``survey_results_p95_ms``: ``survey_results`` of a survey (a 0-10 scale, one choice of
  four, several of five, a long text) answered by ``--participants`` members, written
  answers read (goal at most 200 ms at 8,000).

Prints JSON and writes it to ``bench/results/decisions.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "samen_bench_decisions"
RACE_VOTERS = 500


def _setup_django() -> None:
    import psycopg

    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = f"{server}/{DB_NAME}"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _seed(participants: int) -> tuple[Any, Any, list[Any]]:
    """A host with ``participants`` members (in bulk: this is the stage, not the play)."""
    from django.contrib.auth.hashers import make_password

    from samen.accounts.models import User
    from samen.communities.models import Host, HostMembership, HostRole

    admin = User.objects.create_user(email="bench-admin@samen.test", display_name="Admin")
    host = Host.objects.create(name="Bench network", slug="bench-network", legal_name="Bench vzw")
    HostMembership.objects.create(host=host, user=admin, role=HostRole.ADMIN)
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(email=f"m{i:05d}@bench.samen.test", display_name=f"M{i:05d}", password=password)
            for i in range(participants)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(email__endswith="@bench.samen.test").order_by("pk"))
    HostMembership.objects.bulk_create(
        [HostMembership(host=host, user=p, role=HostRole.MEMBER) for p in people],
        batch_size=2000,
    )
    return admin, host, people


def _poll(admin: Any, host: Any, kind: str, options: list[str]) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from samen.decisions.actions import poll_create
    from samen.notifications.models import Notification

    poll = poll_create(actor=admin, owner=host, kind=kind, title=f"Bench {kind}",
                       options=options, closes_at=timezone.now() + timedelta(days=7))  # fmt: skip
    Notification.objects.filter(target_id=poll.pk).delete()  # not what is measured
    return poll


def _bulk_stances(poll: Any, people: list[Any], ballot: Any) -> None:
    """Stances for ``people`` in bulk, ``ballot(rng, options)`` giving (option, score) pairs."""
    from samen.decisions.models import Stance, StanceChoice

    rng = random.Random(15)
    options = list(poll.options.all())
    stances = Stance.objects.bulk_create(
        [Stance(poll=poll, participant=p) for p in people], batch_size=2000
    )
    StanceChoice.objects.bulk_create(
        [
            StanceChoice(stance=s, option=o, score=score)
            for s in stances
            for o, score in ballot(rng, options)
        ],
        batch_size=5000,
    )


def _survey(admin: Any, host: Any, people: list[Any]) -> Any:
    """A survey of four questions answered by ``people`` in bulk (two thirds write text)."""
    from datetime import timedelta

    from django.utils import timezone

    from samen.decisions.actions import survey_create
    from samen.decisions.models import Stance, StanceChoice
    from samen.notifications.models import Notification

    questions: list[dict[str, Any]] = [
        {"kind": "scale10", "prompt": "Did the network make your innovation go faster?"},
        {"kind": "single", "prompt": "Where?", "options": ["Brussels", "Ghent", "Liège", "Other"]},
        {"kind": "multiple", "prompt": "Which contacts helped?",
         "options": ["Peers", "Mentors", "Funders", "Hosts", "Events"]},
        {"kind": "long", "prompt": "What should change?"},
    ]  # fmt: skip
    poll = survey_create(actor=admin, owner=host, title="Bench survey", questions=questions,
                         closes_at=timezone.now() + timedelta(days=7))  # fmt: skip
    Notification.objects.filter(target_id=poll.pk).delete()  # not what is measured
    rng = random.Random(15)
    by_question: dict[int, list[Any]] = {}
    for option in poll.options.all():
        by_question.setdefault(option.question_id or 0, []).append(option)
    scale, single, multiple, text = by_question.values()
    stances = Stance.objects.bulk_create(
        [Stance(poll=poll, participant=p) for p in people], batch_size=2000
    )
    choices = []
    for n, stance in enumerate(stances):
        choices += [StanceChoice(stance=stance, option=rng.choice(scale)),
                    StanceChoice(stance=stance, option=rng.choice(single))]  # fmt: skip
        choices += [StanceChoice(stance=stance, option=o) for o in rng.sample(multiple, 2)]
        if n % 3:
            choices.append(StanceChoice(stance=stance, option=text[0], text=f"Idea {n}"))
    StanceChoice.objects.bulk_create(choices, batch_size=5000)
    return poll


def _race(admin: Any, host: Any, people: list[Any]) -> bool:
    from django.db import connection

    from samen.decisions.actions import stance_cast
    from samen.decisions.models import Stance
    from samen.decisions.queries import poll_results

    poll = _poll(admin, host, "single", ["Yes", "No", "Later"])
    options = [o.pk for o in poll.options.all()]
    voters = people[:RACE_VOTERS]
    chosen = [options[i % 3] for i in range(len(voters))]

    def vote(index: int) -> None:
        try:
            stance_cast(actor=voters[index], poll=poll, choices=[(chosen[index], 1)])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(vote, range(len(voters))))
    latest = Stance.objects.filter(poll=poll, latest=True).count()
    totals = [r.count for r in poll_results(poll).options]
    return latest == len(voters) and totals == [chosen.count(o) for o in options]


def _p95_ms(call: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.quantiles(times, n=20)[-1] if runs >= 2 else times[0], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    _setup_django()
    from samen.decisions.queries import poll_results, survey_results

    admin, host, people = _seed(max(args.participants, RACE_VOTERS))
    race_ok = _race(admin, host, people)
    proposal = _poll(admin, host, "proposal", [])
    _bulk_stances(proposal, people[: args.participants], lambda rng, o: [(rng.choice(o), 1)])
    ranked = _poll(admin, host, "ranked", [f"Option {i}" for i in range(10)])
    _bulk_stances(
        ranked,
        people[: args.participants],
        lambda rng, o: [
            (opt, rank) for rank, opt in enumerate(rng.sample(o, rng.randint(1, 10)), 1)
        ],
    )
    survey = _survey(admin, host, people[: args.participants])
    results = {
        "participants": args.participants,
        "vote_race_ok": race_ok,
        "results_p95_ms": _p95_ms(lambda: poll_results(proposal), args.runs),
        "ranked_choice_8000_ms": _p95_ms(lambda: poll_results(ranked), max(3, args.runs // 4)),
        "survey_results_p95_ms": _p95_ms(lambda: survey_results(survey), args.runs),
    }
    out = json.dumps(results, indent=2)
    print(out)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "decisions.json").write_text(out + "\n")


if __name__ == "__main__":
    main()
