"""Who hears of new posts: each person's e-mail choice per community (every post, daily or
weekly digest, none), following or muting one topic, digests sent once in the reader's
language with one-click unsubscribe, and nothing ever about a topic they cannot read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from samen.conversations import actions, kinds
from samen.conversations.models import EmailChoice, EmailMode
from samen.notifications import actions as notification_actions
from samen.notifications.links import unsubscribe_token
from samen.notifications.models import Notification
from samen.notifications.registry import Delivery

pytestmark = pytest.mark.django_db


def _new_posts(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kinds.NEW_POST).order_by("pk"))


def test_every_post_is_emailed_and_digests_wait(
    talk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = talk.c
    actions.email_choice_set(actor=c.chloe, owner=c.collective, mode=EmailMode.EVERY_POST)
    actions.email_choice_set(actor=c.dries, owner=c.collective, mode=EmailMode.WEEKLY)
    actions.email_choice_set(actor=c.anna, owner=c.collective, mode=EmailMode.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_reply(actor=c.bram, topic=talk.question, body="The shed is free.")
    # chloe asked the question: she hears once, as the reply to her topic
    assert [n.kind for n in Notification.objects.filter(recipient=c.chloe)] == [kinds.REPLY]
    assert [n.delivery for n in _new_posts(c.dries)] == [Delivery.WEEKLY]
    assert [n.delivery for n in _new_posts(c.anna)] == [Delivery.DIGEST]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.topic_create(actor=c.chloe, category=talk.questions, title="Bikes?", body="Where?")
    assert not _new_posts(c.chloe)  # the author is not told of their own post
    with django_capture_on_commit_callbacks(execute=True):
        actions.topic_create(actor=c.bram, category=talk.ideas, title="Hops", body="Lovely.")
    emailed = [m for m in mail.outbox if m.to == [c.chloe.email]]
    assert emailed
    assert emailed[-1].extra_headers["List-Unsubscribe-Post"]


def test_members_only_posts_never_reach_a_stranger(
    talk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = talk.c
    for person in (c.eva, c.dries):
        actions.email_choice_set(actor=person, owner=c.collective, mode=EmailMode.EVERY_POST)
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_reply(actor=c.bram, topic=talk.members_topic, body="@Eva the recipe is hops.")
        actions.post_reply(actor=c.bram, topic=talk.question, body="Public answer.")
    assert [n.data["title"] for n in _new_posts(c.eva)] == [talk.question.title]
    assert not Notification.objects.filter(recipient=c.eva, data__title="Secret recipe").exists()
    assert not any(
        "Secret recipe" in f"{m.subject}{m.body}" or "hops" in m.body for m in mail.outbox
    )


def test_follow_and_mute_a_topic(talk: Any, moderated: Any) -> None:
    c = talk.c
    actions.topic_watch_set(actor=c.bram, topic=talk.question, level="follow")
    actions.topic_watch_set(actor=c.chloe, topic=talk.question, level="mute")
    actions.post_reply(actor=moderated.mila, topic=talk.question, body="Try the attic.")
    assert len(_new_posts(c.bram)) == 1
    assert _new_posts(c.bram)[0].delivery == Delivery.IN_APP
    assert not Notification.objects.filter(recipient=c.chloe).exists()  # muted: no reply notice
    actions.topic_watch_set(actor=c.chloe, topic=talk.question, level="")
    actions.post_reply(actor=moderated.mila, topic=talk.question, body="Or the roof.")
    assert Notification.objects.filter(recipient=c.chloe, kind=kinds.REPLY).count() == 1


def test_daily_digest_once_in_the_readers_language(
    talk: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = talk.c
    noor = make_user("noor@example.org", "Noor", language="nl")
    from samen.communities import actions as community_actions

    community_actions.member_add(actor=c.bram, owner=c.collective, user=noor, role="member")
    actions.email_choice_set(actor=noor, owner=c.collective, mode=EmailMode.DAILY)
    actions.post_reply(actor=c.bram, topic=talk.members_topic, body="Harvest on Sunday.")
    before = timezone.now() + dt.timedelta(minutes=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_actions.digest_send(user_id=noor.pk, before=before) == 1
        assert notification_actions.digest_send(user_id=noor.pk, before=before) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "dagelijks" in message.subject.lower() or "overzicht" in message.subject.lower()
    assert "Secret recipe" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_weekly_digest_leaves_on_monday(talk: Any, django_capture_on_commit_callbacks: Any) -> None:
    c = talk.c
    actions.email_choice_set(actor=c.dries, owner=c.collective, mode=EmailMode.WEEKLY)
    actions.post_reply(actor=c.bram, topic=talk.question, body="Weekly news.")
    from samen.notifications.tasks import send_weekly_digests

    monday = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(monday - dt.timedelta(days=1), tick=False):
        assert send_weekly_digests.call() == 0
    mail.outbox.clear()
    with time_machine.travel(monday, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.call() == 1
        assert send_weekly_digests.call() == 0
    assert [m.to for m in mail.outbox] == [[c.dries.email]]
    assert "weekly" in mail.outbox[0].subject


def test_one_click_unsubscribe_ends_the_community_choice(talk: Any, client: Any) -> None:
    c = talk.c
    actions.email_choice_set(actor=c.dries, owner=c.collective, mode=EmailMode.DAILY)
    actions.email_choice_set(actor=c.anna, owner=c.collective, mode=EmailMode.EVERY_POST)
    assert (
        client.post(
            f"/notifications/unsubscribe/{unsubscribe_token(c.dries, 'digest')}/"
        ).status_code
        == 200
    )
    token = unsubscribe_token(c.anna, kinds.NEW_POST)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    modes = dict(EmailChoice.objects.values_list("user_id", "mode"))
    assert modes == {c.dries.pk: EmailMode.NONE, c.anna.pk: EmailMode.NONE}


def test_the_bell_counts_unread(talk: Any, client: Any) -> None:
    actions.post_reply(actor=talk.c.bram, topic=talk.question, body="Answer.")
    client.force_login(talk.c.chloe)
    response = client.get("/notifications/bell/", headers={"HX-Request": "true"})
    assert 'data-unread="1"' in response.content.decode()
