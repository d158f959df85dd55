"""The moderation pages and endpoints, and writing, for every persona including a moderator
(mila), a muted member (mats) and a banned one (bert). Pages send anonymous visitors to log
in (302); refusals the person may know about are 403 (or 400 with the form's message for a
muted person), what they may not know about is 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from samen.conversations import actions

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "chloe", "bram", "anna", "eva", "mila", "mats", "bert"]
T = "/talk/collective/brasserie-zinneke"
A = "/api/v1/talk"

Row = tuple[str, Callable[[Any], str], str, dict[str, Any] | None]

ROWS: list[Row] = [
    ("get", lambda w: f"{T}/log/", "302 200 200 200 403 200 200 403", None),
    ("get", lambda w: f"{T}/people/{w.talk.c.chloe.pk}/", "302 403 200 200 403 200 403 403", None),
    ("post", lambda w: f"{T}/people/{w.talk.c.chloe.pk}/", "302 403 302 302 403 302 403 403",
     {"action": "warn", "reason": "Tone"}),
    ("get", lambda w: f"/talk/posts/{w.reply.pk}/moderate/", "302 403 200 200 403 200 403 403",
     None),
    ("post", lambda w: f"/talk/posts/{w.reply.pk}/moderate/", "302 403 302 302 403 302 403 403",
     {"action": "hide", "reason": "Advert"}),
    ("get", lambda w: f"/talk/topics/{w.talk.members_topic.pk}/",
     "404 200 200 200 404 200 200 404", None),
    ("post", lambda w: f"/talk/topics/{w.talk.question.pk}/reply/",
     "302 302 302 302 403 302 400 403", {"body": "Hello"}),
    ("post", lambda w: f"/talk/topics/{w.talk.members_topic.pk}/reply/",
     "302 302 302 302 404 302 400 404", {"body": "Hello"}),
    ("post", lambda w: f"/talk/topics/{w.talk.question.pk}/watch/",
     "302 302 302 302 302 302 302 302", {"level": "follow"}),
    ("post", lambda w: f"/talk/topics/{w.talk.members_topic.pk}/watch/",
     "302 302 302 302 404 302 302 404", {"level": "mute"}),
    ("post", lambda w: f"{T}/email/", "302 302 302 302 302 302 302 302", {"mode": "daily"}),
    ("post", lambda w: f"{T}/moderators/", "302 403 302 403 403 403 403 403",
     {"email": "chloe@example.org"}),
    ("post", lambda w: f"/talk/news/{w.talk.news.pk}/comment/",
     "302 302 302 302 302 302 302 403", {"body": "Cheers"}),
    ("get", lambda w: f"{T}/people/{w.mila.pk}/message/", "302 200 200 200 403 200 200 403",
     None),
    ("post", lambda w: f"{T}/people/{w.talk.c.chloe.pk}/message/",
     "302 400 302 302 403 302 400 403", {"body": "Hello"}),
    ("get", lambda w: f"{T}/ideas/", "200 200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{T}/search/?q=kegs", "200 200 200 200 200 200 200 200", None),
    ("get", lambda w: "/talk/contact/", "302 200 200 200 200 200 200 200", None),
    # the API
    ("get", lambda w: f"{A}/collective/brasserie-zinneke/moderation-log",
     "401 200 200 200 403 200 200 403", None),
    ("post", lambda w: f"{A}/posts/{w.reply.pk}/moderation", "401 403 200 200 403 200 403 403",
     {"action": "hide", "reason": "Advert", "rule_number": 2}),
    ("post", lambda w: f"{A}/collective/brasserie-zinneke/people/{w.talk.c.chloe.pk}/sanctions",
     "401 403 201 201 403 201 403 403", {"action": "mute", "hours": 2, "reason": "Calm down"}),
    ("post", lambda w: f"{A}/topics/{w.talk.question.pk}/posts", "401 201 201 201 403 201 403 403",
     {"body": "Yes"}),
    ("post", lambda w: f"{A}/collective/brasserie-zinneke/topics",
     "401 201 201 201 403 201 403 403",
     {"category": "questions", "title": "Bikes?", "body": "Where?"}),
    ("get", lambda w: f"{A}/topics/{w.talk.members_topic.pk}", "404 200 200 200 404 200 200 404",
     None),
    ("post", lambda w: f"{A}/posts/{w.talk.question.posts.get(number=1).pk}/reports",
     "401 422 201 201 201 201 201 403", {"reason": "Hm"}),
]  # fmt: skip


@pytest.fixture
def world(moderated: Any) -> Any:
    moderated.reply = actions.post_reply(
        actor=moderated.talk.c.bram, topic=moderated.talk.question, body="Buy a keg rack."
    )
    return moderated


def _user(world: Any, persona: str) -> Any:
    if persona == "anonymous":
        return None
    if persona in ("mila", "mats", "bert"):
        return getattr(world, persona)
    return getattr(world.talk.c, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client: Any, world: Any, persona: str) -> None:
    user = _user(world, persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for method, url_of, expected, data in ROWS:
        url = url_of(world)
        want = int(expected.split()[PERSONAS.index(persona)])
        with transaction.atomic():
            if method == "get":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(data or {}), content_type="application/json")
            else:
                response = client.post(url, data or {})
            transaction.set_rollback(True)
        if response.status_code != want:
            failures.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
    assert not failures, "\n".join(failures)


def test_muted_and_banned_get_clear_codes_from_the_api(client: Any, world: Any) -> None:
    client.force_login(world.mats)
    answer = client.post(f"{A}/topics/{world.talk.question.pk}/posts", json.dumps({"body": "x"}),
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 403
    assert answer.json()["code"] == "muted"
    client.force_login(world.bert)
    answer = client.post(f"{A}/posts/{world.reply.pk}/reports", json.dumps({"reason": "x"}),
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 403
    assert answer.json()["code"] == "banned"
