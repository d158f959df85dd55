"""Discussion pages beyond access: query counts, htmx fragments, forms with errors, the
review queue at work, comments under a news post, and the notifications API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.conversations import actions
from samen.conversations.models import Post, PostStatus, Topic

pytestmark = pytest.mark.django_db

T = "/talk/collective/brasserie-zinneke"


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _topics(talk: Any, n: int) -> None:
    actions.settings_set(
        actor=talk.c.bram, owner=talk.c.collective, hold_first_posts=False, posts_per_hour=1000
    )
    for i in range(n):
        category = talk.questions if i % 2 else talk.ideas
        actions.topic_create(actor=talk.c.chloe, category=category, title=f"T{i}", body="Hi")


@pytest.mark.parametrize("persona", ["anonymous", "chloe", "bram"])
def test_topic_list_queries_do_not_grow_with_rows(client, talk, persona):
    if persona != "anonymous":
        client.force_login(getattr(talk.c, persona))
    _topics(talk, 2)
    few = _count(client, f"{T}/")
    _topics(talk, 12)
    assert _count(client, f"{T}/") == few


def test_topic_page_queries_do_not_grow_with_replies(client, talk):
    client.force_login(talk.c.chloe)
    actions.settings_set(
        actor=talk.c.bram, owner=talk.c.collective, hold_first_posts=False, posts_per_hour=1000
    )
    url = talk.question.get_absolute_url()
    actions.post_reply(actor=talk.c.bram, topic=talk.question, body="One")
    few = _count(client, url)
    for i in range(10):
        post = actions.post_reply(actor=talk.c.bram, topic=talk.question, body=f"R{i}")
        actions.reaction_toggle(actor=talk.c.chloe, post=post, kind="thanks")
    assert _count(client, url) == few


def test_htmx_asks_for_the_rows_only(client, talk):
    page = client.get(f"{T}/", HTTP_HX_REQUEST="true").content.decode()
    assert page.lstrip().startswith('<div id="topic-rows">')
    assert "Where do we store the kegs?" in page


def test_new_topic_form_shows_errors_and_writes_nothing(client, talk):
    client.force_login(talk.c.chloe)
    before = Topic.objects.count()
    response = client.post(
        f"{T}/new/",
        {
            "category": talk.questions.pk,
            "kind": "discussion",
            "title": "Huge",
            "body": "x" * 30_000,
        },
    )
    assert response.status_code == 400
    assert Topic.objects.count() == before


def test_held_post_approved_then_reported_and_hidden_through_the_pages(client, talk, make_user):
    from samen.communities import actions as community_actions

    c = talk.c
    actions.settings_set(actor=c.bram, owner=c.collective, hold_first_posts=True, posts_per_hour=20)
    newbie = make_user("nina@example.org", "Nina")
    community_actions.member_add(actor=c.bram, owner=c.collective, user=newbie, role="member")
    client.force_login(newbie)
    client.post(f"/talk/topics/{talk.question.pk}/reply/", {"body": "Rude words"})
    post = Post.objects.get(author=newbie)
    assert post.status == PostStatus.HELD
    client.force_login(c.bram)
    queue = client.get(f"{T}/review/").content.decode()
    assert "Rude words" in queue
    item = post_review(post)
    client.post(f"/talk/review/{item}/decide/", {"decision": "approve"})
    client.force_login(c.chloe)
    client.post(f"/talk/posts/{post.pk}/report/", {"reason": "Insulting", "rule_number": 2})
    client.force_login(c.bram)
    client.post(f"/talk/review/{post_review(post)}/decide/", {"decision": "hide", "reason": "No"})
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
    client.force_login(newbie)
    assert (
        "Hidden by a moderator. Reason: No"
        in client.get(talk.question.get_absolute_url()).content.decode()
    )
    client.force_login(c.chloe)
    assert "Rude words" not in client.get(talk.question.get_absolute_url()).content.decode()


def post_review(post: Post) -> int:
    from samen.conversations.models import Reviewable

    return int(Reviewable.objects.filter(target_id=post.pk, status="pending").get().pk)


def test_comments_under_a_news_post(client, talk):
    url = talk.news.get_absolute_url()
    client.force_login(talk.c.dries)
    client.post(f"/talk/news/{talk.news.pk}/comment/", {"body": "See you *there*"})
    page = client.get(url).content.decode()
    assert "<em>there</em>" in page
    client.force_login(talk.c.bram)
    client.post(f"/talk/news/{talk.news.pk}/comments/", {"enabled": "0"})
    client.force_login(talk.c.dries)
    page = client.get(url).content.decode()
    assert "Comments are switched off here." in page
    assert "<em>there</em>" in page


def test_notifications_api(client, talk):
    actions.post_reply(actor=talk.c.bram, topic=talk.question, body="@Chloé look")
    client.force_login(talk.c.chloe)
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}
    items = client.get("/api/v1/notifications/").json()["items"]
    assert items[0]["text"] == "Bram mentioned you in “Where do we store the kegs?”"
    client.post(f"/api/v1/notifications/{items[0]['id']}/read")
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 0}
    bad = client.put(
        "/api/v1/notifications/preferences",
        json.dumps(
            [{"kind": "conversations.reply", "delivery": "none"}, {"kind": "x", "delivery": "none"}]
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"
    prefs = client.get("/api/v1/notifications/preferences").json()
    assert {p["kind"]: p["delivery"] for p in prefs}["conversations.reply"] == "digest"
    client.force_login(talk.c.eva)
    assert client.post(f"/api/v1/notifications/{items[0]['id']}/read").status_code == 404


def test_export_and_erasure(talk):
    from samen.accounts.actions import user_erase
    from samen.conversations import privacy
    from samen.notifications.models import Notification

    c = talk.c
    reply = actions.post_reply(actor=c.bram, topic=talk.question, body="Shed")
    actions.reaction_toggle(actor=c.chloe, post=reply, kind="heart")
    actions.post_report(actor=c.chloe, post=reply, reason="Too short")
    exported = privacy.export_data(c.chloe)
    assert [p["body"] for p in exported["posts"]] == [
        "The cellar is full. Ideas?",
        "Hops from the garden.",
    ]
    assert exported["reactions"][0]["kind"] == "heart"
    assert exported["reports"][0]["reason"] == "Too short"
    user_erase(actor=c.chloe, user=c.chloe)
    post = Post.objects.get(topic=talk.question, number=1)
    assert post.author is None
    assert post.author_name == "Former member"
    told = Notification.objects.get(kind="conversations.reaction")  # bram was told
    assert told.text == "Former member reacted to your post in “Where do we store the kegs?”"
