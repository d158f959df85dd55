"""Every discussion page and endpoint for anonymous, member (chloé), collective admin
(bram), host admin (anna) and a stranger (eva). Pages send anonymous visitors to log in
(302), the API answers 401; successful POSTs redirect (302) or answer 201; what a person
may not know about answers 404. Each row runs in a transaction that is rolled back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from samen.conversations import actions

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "chloe", "bram", "anna", "eva"]
T = "/talk/collective/brasserie-zinneke"
A = "/api/v1/talk"

Row = tuple[str, Callable[[Any], str], str, dict[str, Any] | None]


def _first(topic: Any) -> int:
    return int(topic.posts.get(number=1).pk)


ROWS: list[Row] = [
    ("get", lambda t: f"{T}/", "200 200 200 200 200", None),
    ("get", lambda t: f"{T}/?category=questions", "200 200 200 200 200", None),
    ("get", lambda t: f"{T}/?category=ideas", "404 200 200 200 404", None),
    ("get", lambda t: f"{T}/?category=team", "404 404 200 200 404", None),
    ("get", lambda t: f"{T}/new/", "302 200 200 200 403", None),
    ("get", lambda t: f"{T}/review/", "302 403 200 200 403", None),
    ("get", lambda t: f"{T}/manage/", "302 403 200 403 403", None),
    ("get", lambda t: f"/talk/topics/{t.question.pk}/", "200 200 200 200 200", None),
    ("get", lambda t: f"/talk/topics/{t.members_topic.pk}/", "404 200 200 200 404", None),
    ("post", lambda t: f"/talk/topics/{t.question.pk}/reply/", "302 302 302 302 403",
     {"body": "Hello"}),
    ("post", lambda t: f"/talk/topics/{t.members_topic.pk}/reply/", "302 302 302 302 404",
     {"body": "Hello"}),
    ("post", lambda t: f"/talk/posts/{_first(t.question)}/react/", "302 302 302 302 403",
     {"kind": "thanks"}),
    ("get", lambda t: f"/talk/posts/{_first(t.members_topic)}/report/", "302 200 200 200 404",
     None),
    ("post", lambda t: f"/talk/posts/{_first(t.question)}/report/", "302 400 302 302 302",
     {"reason": "Off topic"}),
    ("post", lambda t: f"/talk/posts/{t.reply.pk}/answer/", "302 302 302 302 403", None),
    ("post", lambda t: f"/talk/topics/{t.question.pk}/flags/", "302 403 302 302 403",
     {"flag": "pinned", "value": "1"}),
    ("post", lambda t: f"/talk/review/{t.review.pk}/decide/", "302 404 302 302 404",
     {"decision": "hide", "reason": "Rule 1"}),
    ("post", lambda t: f"/talk/news/{t.members_news.pk}/comment/", "302 302 302 404 404",
     {"body": "Cheers"}),
    ("post", lambda t: f"/talk/news/{t.news.pk}/comments/", "302 403 302 403 403",
     {"enabled": "0"}),
    # the API
    ("get", lambda t: f"{A}/collective/brasserie-zinneke/topics", "200 200 200 200 200", None),
    ("get", lambda t: f"{A}/collective/brasserie-zinneke/topics?category=ideas",
     "404 200 200 200 404", None),
    ("get", lambda t: f"{A}/topics/{t.members_topic.pk}", "404 200 200 200 404", None),
    ("post", lambda t: f"{A}/collective/brasserie-zinneke/topics", "401 201 201 201 403",
     {"category": "questions", "title": "Bikes?", "body": "Where?"}),
    ("post", lambda t: f"{A}/topics/{t.members_topic.pk}/posts", "401 201 201 201 404",
     {"body": "Yes"}),
    ("post", lambda t: f"{A}/posts/{_first(t.question)}/reactions", "401 200 200 200 403",
     {"kind": "heart"}),
    ("post", lambda t: f"{A}/posts/{t.reply.pk}/reports", "401 409 422 201 201",
     {"reason": "Rude"}),
    ("get", lambda t: f"{A}/collective/brasserie-zinneke/review", "401 403 200 200 403", None),
    ("post", lambda t: f"{A}/review/{t.review.pk}/decision", "401 404 200 200 404",
     {"decision": "approve"}),
]  # fmt: skip


@pytest.fixture
def world(talk: Any) -> Any:
    c = talk.c
    talk.reply = actions.post_reply(actor=c.bram, topic=talk.question, body="In the shed.")
    talk.review = actions.post_report(actor=c.chloe, post=talk.reply, reason="Unkind")
    return talk


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client: Any, world: Any, persona: str) -> None:
    user = None if persona == "anonymous" else getattr(world.c, persona)
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


def test_members_topic_never_reaches_a_stranger(client: Any, world: Any) -> None:
    """Not in the list, not in the API list, not through a mention e-mail."""
    from django.core import mail

    client.force_login(world.c.eva)
    page = client.get(f"{T}/").content.decode()
    api = client.get(f"{A}/collective/brasserie-zinneke/topics").content.decode()
    assert "Secret recipe" not in page
    assert "Secret recipe" not in api
    assert "Where do we store the kegs?" in page
    actions.post_reply(actor=world.c.bram, topic=world.members_topic, body="@Eva have a look")
    assert not any("Secret recipe" in f"{m.subject} {m.body}" for m in mail.outbox)
