"""Benchmark: one newsletter issue to 10,000 confirmed subscribers through the task backend.

    make bench-newsletter            # or: python -m bench.newsletter [--subscribers N]

Runs on PostgreSQL in its own database (``samen_bench_newsletter`` on the server named by
``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432``), never the test or the
development database, with the immediate task backend and the locmem e-mail backend. Each run
makes a new issue and sends it through ``issue_send`` (the same path as the "send" button:
batches, one delivery row per address, one queued e-mail each), then sends the same issue
again and counts what that second run sent (``resend_sent``, must be 0); ``send_peak_mb`` is
the process's peak RSS. Subscribers are seeded once in bulk and reused. Prints JSON and
writes it to ``bench/results/newsletter.json``. Goal: ``send_10000_s`` at most 120 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "samen_bench_newsletter"
HOST_SLUG = "bench-newsletter"
GOAL_SECONDS = 120


def _setup_django() -> None:
    import psycopg

    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = f"{server}/{DB_NAME}"
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


def _seed(subscribers: int) -> tuple[Any, Any]:
    """The bench host, its admin and ``subscribers`` confirmed addresses (in bulk: seeding is
    not what is measured)."""
    from django.utils import timezone

    from samen.accounts.models import User
    from samen.communities.models import Host, HostMembership, HostRole
    from samen.knowledge.models import Subscription, SubscriptionStatus

    host = Host.objects.filter(slug=HOST_SLUG).first()
    if host is None:
        host = Host.objects.create(name="Bench newsletter", slug=HOST_SLUG)
    admin = User.objects.filter(email="bench-editor@samen.test").first()
    if admin is None:
        admin = User.objects.create_user(email="bench-editor@samen.test", display_name="Editor")
        HostMembership.objects.create(host=host, user=admin, role=HostRole.ADMIN)
    have = Subscription.objects.filter(host=host).count()
    now = timezone.now()
    Subscription.objects.bulk_create(
        [
            Subscription(
                host=host,
                email=f"reader{n}@bench.samen.test",
                language=("nl", "fr", "en")[n % 3],
                status=SubscriptionStatus.CONFIRMED,
                confirmed_at=now,
            )
            for n in range(have, subscribers)
        ],
        batch_size=2000,
    )
    return host, admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--out", default=str(ROOT / "bench/results/newsletter.json"))
    args = parser.parse_args()
    _setup_django()
    from django.core import mail

    from samen.knowledge import actions
    from samen.knowledge.errors import KnowledgeError
    from samen.knowledge.models import NewsletterDelivery, Subscription

    host, admin = _seed(args.subscribers)
    subscribers = Subscription.objects.filter(host=host).count()
    issue = actions.issue_create(
        actor=admin, owner=host, subject="Bench issue", body="- [A concept](https://example.org)"
    )
    mail.outbox = []
    started = time.perf_counter()
    actions.issue_send(actor=admin, issue=issue)  # outside a transaction: tasks run at once
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sent = len(mail.outbox)
    mail.outbox = []
    with contextlib.suppress(KnowledgeError):  # refused: already sent
        actions.issue_send(actor=admin, issue=issue)
    resend = actions.issue_deliver(issue_id=issue.pk) + len(mail.outbox)
    result = {
        "subscribers": subscribers,
        "sent": sent,
        "deliveries": NewsletterDelivery.objects.filter(issue=issue).count(),
        "send_10000_s": round(elapsed * 10_000 / max(subscribers, 1), 2),
        "send_s": round(elapsed, 2),
        "send_peak_mb": round(peak_kb / 1024, 1),
        "resend_sent": resend,
        "goal_s": GOAL_SECONDS,
        "scaled": subscribers != 10_000,
    }
    text = json.dumps(result, indent=2)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
