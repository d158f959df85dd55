"""Benchmark: the discussions of one 11,000-member community with 100,000 posts.

    make bench-conversations          # or: python -m bench.conversations
    BENCH_SCALE=0.1 make bench-conversations   # a tenth: 1,100 members, 10,000 posts

Runs on PostgreSQL in its own database (``samen_bench_conversations`` on the server named by
``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432``), created empty and
dropped at the end. The stage (people, topics, posts) is bulk-inserted; what is measured goes
through the real pages (Django's test client, signed in as a member) and the real actions
and tasks (the immediate task backend, a dummy e-mail backend). Measures:

- ``topic_list_p95_ms``: the community's topic list (goal at most 100 ms).
- ``topic_page_p95_ms``: a topic with 500 replies (goal at most 150 ms), its first page of
  50 posts (the page a link to the topic opens).
- ``search_p95_ms``: the search page for two words (goal at most 200 ms), which reads the
  stored vector through its GIN index; ``search_unstored_p95_ms`` runs the former query (the
  vector computed for every post at query time) in the same run, for comparison.
- ``baseline_p95_ms``: the page of a 5-reply topic, a fixed small cost: on a shared machine
  it shows how much the other processes inflate every figure (``load_average`` too).
- ``notify_fanout_s``: one announcement (a new topic) to every member, each of whom chose
  "an e-mail for every post", e-mails sent (goal at most 60 s).
- ``digest_run_s``: the daily digests of every member (who now chose a daily digest and
  has three new posts waiting) through ``notifications.send_digests`` (goal at most 300 s),
  with ``digest_peak_mb``, the process's peak resident memory during the run.
- ``list_queries`` / ``topic_queries``: queries of the list and topic pages, with the same
  counts for a nearly empty community and a 5-reply topic (``*_small``): they must match.

Prints JSON and writes it to ``bench/results/conversations.json``.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "samen_bench_conversations"
MEMBERS = 11_000
POSTS = 100_000
BIG_TOPIC_REPLIES = 500
POSTS_PER_TOPIC = 20
VOCABULARY = (
    "kegs cellar brewing saison yeast hops garden bikes repair workshop market volunteers "
    "meeting budget invoice rent kitchen soup festival music stage tickets poster printing "
    "compost harvest seeds tools library books children school neighbours street party "
    "solar panels energy cooperative insurance bank transfer treasurer minutes agenda vote"
)
WORDS = VOCABULARY.split()


def _server() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def _database(action: str) -> None:
    import psycopg

    with psycopg.connect(f"{_server()}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        if action == "create":
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _setup_django() -> None:
    _database("create")
    os.environ["DATABASE_URL"] = f"{_server()}/{DB_NAME}"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _seed(members: int, posts: int) -> dict[str, Any]:
    """A host with ``members`` members, five public categories and ``posts`` posts: one
    topic with 500 replies, one with 5, the rest in topics of 20 (in bulk: the stage)."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from samen.accounts.models import User
    from samen.communities.models import Host, HostMembership, HostRole
    from samen.conversations import actions
    from samen.conversations.models import Post, Topic, Visibility

    rng = random.Random(13)
    admin = User.objects.create_user(email="bench-admin@samen.test", display_name="Admin")
    host = Host.objects.create(name="Bench network", slug="bench-network", legal_name="Bench vzw")
    HostMembership.objects.create(host=host, user=admin, role=HostRole.ADMIN)
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(email=f"m{i:05d}@bench.samen.test", display_name=f"M{i:05d}", password=password)
            for i in range(members)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(email__endswith="@bench.samen.test").order_by("pk"))
    HostMembership.objects.bulk_create(
        [HostMembership(host=host, user=p, role=HostRole.MEMBER) for p in people],
        batch_size=2000,
    )
    categories = [
        actions.category_create(
            actor=admin, owner=host, name=f"Category {i}", visibility=Visibility.PUBLIC
        )
        for i in range(5)
    ]
    sizes = [BIG_TOPIC_REPLIES + 1, 6]
    left = max(posts - sum(sizes), 0)
    sizes += [POSTS_PER_TOPIC] * (left // POSTS_PER_TOPIC)
    start = timezone.now() - timedelta(days=365)
    topics = Topic.objects.bulk_create(
        [
            Topic(
                host=host,
                category=categories[i % len(categories)],
                title=_text(rng, 5)[:-1],
                author=rng.choice(people),
                reply_count=size - 1,
                last_posted_at=start + timedelta(minutes=i),
            )
            for i, size in enumerate(sizes)
        ],
        batch_size=2000,
    )
    batch: list[Post] = []
    for topic, size in zip(topics, sizes, strict=True):
        for number in range(1, size + 1):
            batch.append(
                Post(topic=topic, number=number, author=rng.choice(people), body=_text(rng, 40))
            )
        if len(batch) >= 10_000:
            Post.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Post.objects.bulk_create(batch, batch_size=5000)
    from django.db import connection

    from samen.conversations.actions.search import search_reindex_community

    # bulk inserts skip the actions, which write each post's search vector: one statement
    search_reindex_community(kind="host", owner_id=host.pk, config="simple")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"admin": admin, "host": host, "people": people, "categories": categories,
            "big": topics[0], "small": topics[1]}  # fmt: skip


def _timed_ms(call: Any, runs: int) -> float:
    call()  # warm caches and templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.quantiles(times, n=20)[-1] if runs >= 2 else times[0], 1)


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _queries(client: Any, url: str) -> int:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


class _PeakRss:
    """The process's resident memory, sampled every 20 ms while the block runs."""

    def __enter__(self) -> _PeakRss:
        self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _fanout_and_digests(stage: dict[str, Any]) -> dict[str, Any]:
    from samen.conversations import actions
    from samen.conversations.models import EmailChoice, EmailMode
    from samen.notifications.models import Notification
    from samen.notifications.tasks import send_digests

    host, admin, people = stage["host"], stage["admin"], stage["people"]
    EmailChoice.objects.bulk_create(
        [EmailChoice(host=host, user=p, mode=EmailMode.EVERY_POST) for p in people],
        batch_size=2000,
    )
    start = time.perf_counter()
    actions.topic_create(
        actor=admin, category=stage["categories"][0], title="General assembly", body="Come!"
    )
    fanout_s = time.perf_counter() - start
    told = Notification.objects.exclude(emailed_at=None).count()
    EmailChoice.objects.filter(host=host).update(mode=EmailMode.DAILY)
    for body in ("The agenda is online.", "Soup for everyone.", "Bring a chair."):
        actions.post_reply(actor=admin, topic=stage["big"], body=body)
    waiting = Notification.objects.filter(digested_at=None, delivery="digest").count()
    with _PeakRss() as memory:
        start = time.perf_counter()
        send_digests.enqueue()
        digest_s = time.perf_counter() - start
    return {
        "notify_fanout_s": round(fanout_s, 2),
        "notify_fanout_emailed": told,
        "digest_run_s": round(digest_s, 2),
        "digest_peak_mb": round(memory.peak / 2**20, 1),
        "digest_notifications": waiting,
        "digest_left": Notification.objects.filter(digested_at=None, delivery="digest").count(),
    }


def main() -> None:
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    runs = int(os.environ.get("BENCH_RUNS", "20"))
    members, posts = max(int(MEMBERS * scale), 10), max(int(POSTS * scale), 1000)
    _setup_django()
    try:
        from django.test import Client

        began = time.perf_counter()
        stage = _seed(members, posts)
        seed_s = time.perf_counter() - began
        client = Client()
        client.force_login(stage["people"][0])
        listing = "/talk/host/bench-network/"
        big = stage["big"].get_absolute_url()
        search = "/talk/host/bench-network/search/?q=saison+cellar"
        small = stage["small"].get_absolute_url()
        results: dict[str, Any] = {
            "scale": scale,
            "members": members,
            "posts": posts,
            "seed_s": round(seed_s, 1),
            "topic_list_p95_ms": _timed_ms(lambda: _get(client, listing), runs),
            "topic_page_p95_ms": _timed_ms(lambda: _get(client, big), runs),
            "search_p95_ms": _timed_ms(lambda: _get(client, search), max(5, runs // 2)),
            "baseline_p95_ms": _timed_ms(lambda: _get(client, small), runs),
            "search_unstored_p95_ms": _timed_ms(
                lambda: _unstored_search(stage, "saison cellar"), max(5, runs // 2)
            ),
            "load_average": [round(n, 2) for n in os.getloadavg()],
            "list_queries": _queries(client, listing),
            "list_queries_small": _small_list_queries(client),
            "topic_queries": _queries(client, big),
            "topic_queries_small": _queries(client, stage["small"].get_absolute_url()),
        }
        results.update(_fanout_and_digests(stage))
    finally:
        from django.db import connections

        connections.close_all()
        _database("drop")
    out = json.dumps(results, indent=2)
    print(out)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "conversations.json").write_text(out + "\n")


def _unstored_search(stage: dict[str, Any], text: str) -> int:
    """The search as it was before the stored vector (title and body parsed for every post
    at query time), fifty results: the same run's "before"."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    from samen.conversations.models import Post

    vector = SearchVector("topic__title", weight="A", config="simple") + SearchVector(
        "body", weight="B", config="simple"
    )
    query = SearchQuery(text, search_type="websearch", config="simple")
    found = (
        Post.objects.filter(topic__host=stage["host"], status="visible")
        .annotate(document=vector, rank=SearchRank(vector, query))
        .filter(document=query)
        .order_by("-rank", "-created_at", "-id")
    )
    return len(list(found[:50]))


def _small_list_queries(client: Any) -> int:
    """The list page of a second community with one category and one topic."""
    from samen.accounts.models import User
    from samen.communities.models import Host, HostMembership, HostRole
    from samen.conversations import actions
    from samen.conversations.models import Visibility

    admin = User.objects.get(email="bench-admin@samen.test")
    host = Host.objects.create(name="Small network", slug="small-network", legal_name="Small vzw")
    HostMembership.objects.create(host=host, user=admin, role=HostRole.ADMIN)
    member = User.objects.get(email="m00000@bench.samen.test")
    HostMembership.objects.create(host=host, user=member, role=HostRole.MEMBER)
    category = actions.category_create(
        actor=admin, owner=host, name="Only", visibility=Visibility.PUBLIC
    )
    actions.topic_create(actor=admin, category=category, title="Hello", body="First.")
    return _queries(client, "/talk/host/small-network/")


if __name__ == "__main__":
    main()
