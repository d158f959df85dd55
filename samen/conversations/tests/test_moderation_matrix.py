"""The moderation pages and endpoints, and writing, for every persona including a moderator
(mila), a muted member (mats), a banned one (bert) and a member the host suspended across
all its collectives (sven). Pages send anonymous visitors to log in (302); refusals the
person may know about are 403 (or 400 with the form's message for a muted or suspended
person), what they may not know about is 404. The world also holds an idea by chloe with a
reply by bram, an image in the members-only topic, a message from mila to chloe and sven's
suspension, so that the recent URLs (permalinks, images, ideas, messages, blocks, member
reports, insights, suspensions, a private group's people: sven is in the "Team" group) have
their rows too."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from samen.communities import actions as community_actions
from samen.conversations import actions
from samen.conversations.models import TopicKind

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "chloe", "bram", "anna", "eva", "mila", "mats", "bert", "sven"]
T = "/talk/collective/brasserie-zinneke"
H = "/talk/host/brussels-commons"
A = "/api/v1/talk"

Row = tuple[str, Callable[[Any], str], str, dict[str, Any] | Callable[[Any], Any] | None]

ROWS: list[Row] = [
    ("get", lambda w: f"{T}/log/", "302 200 200 200 403 200 200 403 200", None),
    ("get", lambda w: f"{T}/people/{w.talk.c.chloe.pk}/",
     "302 403 200 200 403 200 403 403 403", None),
    ("post", lambda w: f"{T}/people/{w.talk.c.chloe.pk}/", "302 403 302 302 403 302 403 403 403",
     {"action": "warn", "reason": "Tone"}),
    ("get", lambda w: f"/talk/posts/{w.reply.pk}/moderate/", "302 403 200 200 403 200 403 403 403",
     None),
    ("post", lambda w: f"/talk/posts/{w.reply.pk}/moderate/", "302 403 302 302 403 302 403 403 403",
     {"action": "hide", "reason": "Advert"}),
    ("get", lambda w: f"/talk/topics/{w.talk.members_topic.pk}/",
     "404 200 200 200 404 200 200 404 200", None),
    ("post", lambda w: f"/talk/topics/{w.talk.question.pk}/reply/",
     "302 302 302 302 403 302 400 403 400", {"body": "Hello"}),
    ("post", lambda w: f"/talk/topics/{w.talk.members_topic.pk}/reply/",
     "302 302 302 302 404 302 400 404 400", {"body": "Hello"}),
    ("post", lambda w: f"/talk/topics/{w.talk.question.pk}/watch/",
     "302 302 302 302 302 302 302 302 302", {"level": "follow"}),
    ("post", lambda w: f"/talk/topics/{w.talk.members_topic.pk}/watch/",
     "302 302 302 302 404 302 302 404 302", {"level": "mute"}),
    ("post", lambda w: f"{T}/email/", "302 302 302 302 302 302 302 302 302", {"mode": "daily"}),
    ("post", lambda w: f"{T}/moderators/", "302 403 302 403 403 403 403 403 403",
     {"email": "chloe@example.org"}),
    ("post", lambda w: f"/talk/news/{w.talk.news.pk}/comment/",
     "302 302 302 302 302 302 302 403 302", {"body": "Cheers"}),
    ("get", lambda w: f"{T}/people/{w.mila.pk}/message/", "302 200 200 200 403 200 200 403 200",
     None),
    ("post", lambda w: f"{T}/people/{w.talk.c.chloe.pk}/message/",
     "302 400 302 302 403 302 400 403 400", {"body": "Hello"}),
    ("get", lambda w: f"{T}/ideas/", "200 200 200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{T}/search/?q=kegs", "200 200 200 200 200 200 200 200 200", None),
    ("get", lambda w: "/talk/contact/", "302 200 200 200 200 200 200 200 200", None),
    # the API
    ("get", lambda w: f"{A}/collective/brasserie-zinneke/moderation-log",
     "401 200 200 200 403 200 200 403 200", None),
    ("post", lambda w: f"{A}/posts/{w.reply.pk}/moderation", "401 403 200 200 403 200 403 403 403",
     {"action": "hide", "reason": "Advert", "rule_number": 2}),
    ("post", lambda w: f"{A}/collective/brasserie-zinneke/people/{w.talk.c.chloe.pk}/sanctions",
     "401 403 201 201 403 201 403 403 403", {"action": "mute", "hours": 2, "reason": "Calm down"}),
    ("post", lambda w: f"{A}/topics/{w.talk.question.pk}/posts",
     "401 201 201 201 403 201 403 403 403", {"body": "Yes"}),
    ("post", lambda w: f"{A}/collective/brasserie-zinneke/topics",
     "401 201 201 201 403 201 403 403 403",
     {"category": "questions", "title": "Bikes?", "body": "Where?"}),
    ("get", lambda w: f"{A}/topics/{w.talk.members_topic.pk}",
     "404 200 200 200 404 200 200 404 200", None),
    ("post", lambda w: f"{A}/posts/{w.talk.question.posts.get(number=1).pk}/reports",
     "401 422 201 201 201 201 201 403 201", {"reason": "Hm"}),
    # the recent pages (9 columns: anonymous chloe bram anna eva mila mats bert sven)
    ("get", lambda w: f"/talk/posts/{w.reply.pk}/", "302 302 302 302 302 302 302 302 302", None),
    ("get", lambda w: f"/talk/posts/{w.members_first.pk}/",
     "404 302 302 302 404 302 302 404 302", None),
    ("get", lambda w: f"/talk/images/{w.image.pk}/", "404 200 200 200 404 200 200 404 200", None),
    ("post", lambda w: f"/talk/topics/{w.idea.pk}/stage/",
     "302 302 302 302 404 302 403 404 403", {"stage": "prototype"}),
    ("post", lambda w: f"/talk/posts/{w.idea_reply.pk}/helpful/",
     "302 302 403 403 404 403 403 404 403", {"helpful": "1"}),
    ("get", lambda w: f"/talk/messages/{w.message.pk}/report/",
     "302 200 200 200 404 200 404 404 404", None),
    ("post", lambda w: f"/talk/messages/{w.message.pk}/report/",
     "302 302 404 404 404 404 404 404 404", {"reason": "Pushy"}),
    ("post", lambda w: f"/talk/people/{w.mila.pk}/block/",
     "302 302 302 302 302 404 302 302 302", {"block": "1"}),
    ("get", lambda w: f"{T}/people/{w.mila.pk}/report/",
     "302 200 200 404 404 200 200 404 200", None),
    ("post", lambda w: f"{T}/people/{w.mila.pk}/report/",
     "302 302 302 404 404 400 302 404 302", {"reason": "Rude"}),
    ("get", lambda w: f"{T}/insights/", "302 403 200 200 403 200 403 403 403", None),
    ("get", lambda w: f"{H}/suspensions/", "302 403 403 200 403 403 403 403 403", None),
    ("post", lambda w: f"{H}/suspensions/", "302 403 403 302 403 403 403 403 403",
     {"email": "eva@example.org", "reason": "Spam"}),
    ("post", lambda w: f"/talk/suspensions/{w.suspension.pk}/lift/",
     "302 404 404 302 404 404 404 404 404", None),
    ("get", lambda w: f"{T}/search/?q=recipe", "200 200 200 200 200 200 200 200 200", None),
    # a private category's people (its group: sven), for the team; questions for admins
    ("get", lambda w: f"{T}/groups/team/people/", "302 404 200 200 404 200 404 404 403", None),
    ("post", lambda w: f"{T}/groups/team/people/", "302 404 302 302 404 302 404 404 403",
     {"do": "add", "email": "chloe@example.org"}),
    ("post", lambda w: f"{T}/groups/team/people/", "302 404 302 302 404 302 404 404 403",
     lambda w: {"do": "remove", "person": w.sven.pk, "reason": "Rotation"}),
    ("post", lambda w: f"{T}/groups/team/people/", "302 404 302 403 404 403 404 404 403",
     {"do": "questions", "join_questions": "Why?"}),
    # the recent endpoints
    ("get", lambda w: f"{A}/collective/brasserie-zinneke/search?q=recipe",
     "200 200 200 200 200 200 200 200 200", None),
    ("get", lambda w: f"{A}/collective/brasserie-zinneke/ideas",
     "200 200 200 200 200 200 200 200 200", None),
    ("multipart", lambda w: f"{A}/topics/{w.talk.question.pk}/posts/with-images",
     "401 201 201 201 403 201 403 403 403", {"body": "A photo"}),
    ("post", lambda w: f"{A}/posts/{w.talk.question.posts.get(number=1).pk}/reactions",
     "401 200 200 200 403 200 403 403 403", {"kind": "heart"}),
    ("put", lambda w: f"{A}/topics/{w.idea.pk}/stage", "401 200 200 200 404 200 403 404 403",
     {"stage": "running"}),
    ("post", lambda w: f"{A}/posts/{w.idea_reply.pk}/helpful",
     "401 200 403 403 404 403 403 404 403", {"helpful": True}),
    ("post", lambda w: f"{A}/collective/brasserie-zinneke/people/{w.talk.c.chloe.pk}/messages",
     "401 422 201 201 403 201 403 403 403", {"body": "Hi"}),
    ("post", lambda w: f"{A}/messages/{w.message.pk}/reports",
     "401 201 404 404 404 404 404 404 404", {"reason": "Pushy"}),
    ("put", lambda w: f"{A}/contact", "401 204 204 204 204 204 204 204 204", {"refuse": True}),
    ("get", lambda w: f"{A}/host/brussels-commons/suspensions",
     "401 403 403 200 403 403 403 403 403", None),
    ("post", lambda w: f"{A}/host/brussels-commons/suspensions",
     "401 403 403 201 403 403 403 403 403",
     lambda w: {"user_id": w.talk.c.eva.pk, "reason": "Spam"}),
    ("post", lambda w: f"{A}/suspensions/{w.suspension.pk}/lift",
     "401 404 404 200 404 404 404 404 404", {}),
]  # fmt: skip


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(out, "PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def world(moderated: Any, make_user: Any) -> Any:
    c = moderated.talk.c
    moderated.reply = actions.post_reply(
        actor=c.bram, topic=moderated.talk.question, body="Buy a keg rack."
    )
    moderated.members_first = moderated.talk.members_topic.posts.get(number=1)
    labelled = actions.post_reply(actor=c.chloe, topic=moderated.talk.members_topic,
                                  body="The label", images=[_png()])  # fmt: skip
    moderated.image = labelled.images.get()
    moderated.idea = actions.topic_create(actor=c.chloe, category=moderated.talk.ideas,
                                          title="A Sunday brew day", body="Who joins?",
                                          kind=TopicKind.IDEA)  # fmt: skip
    moderated.idea_reply = actions.post_reply(actor=c.bram, topic=moderated.idea,
                                              body="The yard works.", feedback="works")  # fmt: skip
    moderated.message = actions.message_send(actor=moderated.mila, owner=c.collective,
                                             recipient=c.chloe, body="Coffee?")  # fmt: skip
    moderated.sven = make_user("sven@example.org", "Sven")
    community_actions.member_add(actor=c.bram, owner=c.collective, user=moderated.sven,
                                 role="member")  # fmt: skip
    actions.category_group_add(actor=c.bram, category=moderated.talk.team, users=[moderated.sven])
    moderated.suspension = actions.host_suspend(
        actor=c.anna, host=c.host, person=moderated.sven, reason="Spam in three collectives"
    )
    return moderated


def _user(world: Any, persona: str) -> Any:
    if persona == "anonymous":
        return None
    if persona in ("mila", "mats", "bert", "sven"):
        return getattr(world, persona)
    return getattr(world.talk.c, persona)


def _send(client: Any, method: str, url: str, data: Any) -> Any:
    if method == "get":
        return client.get(url)
    if method == "multipart":
        return client.post(url, {**data, "images": [_png()]})
    if url.startswith("/api/"):
        send = client.put if method == "put" else client.post
        return send(url, json.dumps(data or {}), content_type="application/json")
    return client.post(url, data or {})


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
            response = _send(client, method, url, data(world) if callable(data) else data)
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
    client.force_login(world.sven)
    answer = client.post(f"{A}/posts/{world.reply.pk}/reactions", json.dumps({"kind": "heart"}),
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 403
    assert answer.json()["code"] == "suspended"
    assert "Spam in three collectives" in answer.json()["detail"]


def test_a_members_topic_never_reaches_a_stranger_anywhere(client: Any, world: Any) -> None:
    """Eva (no role) and bert (banned) ask for the members-only topic "Secret recipe" and
    its image everywhere: the lists, the topic, the permalink, the image, search, the
    ideas board, their bell and the community's page, in pages and the API; and neither
    gets it by e-mail, as a mention, a new post for an "every post" choice or in the daily
    digest."""
    from samen.notifications.tasks import send_digests

    c = world.talk.c
    secret = world.talk.members_topic
    for person, mode in ((c.eva, "every"), (world.bert, "daily")):
        actions.email_choice_set(actor=person, owner=c.collective, mode=mode)
    mail.outbox.clear()
    actions.post_reply(actor=c.bram, topic=secret, body="@Eva @Bert the secret recipe")
    with _later():
        send_digests.enqueue()
    for person in (c.eva, world.bert):
        assert not [m for m in mail.outbox if person.email in m.to and "recipe" in
                    f"{m.subject} {m.body}".lower()]  # fmt: skip
        client.force_login(person)
        for url in (f"{T}/", f"{T}/?category=ideas", f"/talk/topics/{secret.pk}/",
                    f"/talk/posts/{world.members_first.pk}/", f"/talk/images/{world.image.pk}/",
                    f"{T}/search/?q=recipe", f"{T}/ideas/",
                    f"{A}/collective/brasserie-zinneke/topics",
                    f"{A}/collective/brasserie-zinneke/topics?category=ideas",
                    f"{A}/topics/{secret.pk}", f"{A}/collective/brasserie-zinneke/search?q=recipe",
                    f"{A}/collective/brasserie-zinneke/ideas",
                    # their feeds: the bell's list (page and API) and the community's page
                    "/notifications/", "/api/v1/notifications/",
                    reverse("communities:collective", args=[c.collective.slug])):  # fmt: skip
            response = client.get(url)
            body = b"" if response.streaming else response.content
            assert response.status_code in (200, 404), url
            assert b"Secret recipe" not in body, url
            assert b"secret recipe" not in body, url
            assert b"Sunday brew" not in body, url
    # while chloe, a member, finds it in search and in the API
    client.force_login(c.chloe)
    assert "Secret recipe" in client.get(f"{T}/search/?q=recipe").content.decode()


def _later() -> Any:
    import time_machine

    return time_machine.travel(timezone.now() + timedelta(hours=1))
