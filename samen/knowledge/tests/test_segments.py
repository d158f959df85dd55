"""Newsletter segments by topic and by chapter: readers choose the topics and chapters they
follow when they subscribe or on their preferences page, and an issue sent to a topic or a
chapter reaches only its followers (and a chapter's members)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from samen.communities import actions as community_actions
from samen.communities.tests.factories import make_chapter
from samen.knowledge import actions, queries
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.links import unsubscribe_url
from samen.knowledge.models import Segment, Subscription

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/knowledge/newsletter/host/brussels-commons/"


def _subscribed(c: Any, email: str, **choice: Any) -> Subscription:
    subscription = actions.subscription_request(owner=c.host, email=email, language="en", **choice)
    return actions.subscription_confirm(subscription=subscription)


def _sent_to(c: Any, capture: Any, **segment: str) -> list[str]:
    issue = actions.issue_create(actor=c.anna, owner=c.host, subject="News", body="Hi", **segment)
    mail.outbox.clear()
    with capture(execute=True):
        actions.issue_send(actor=c.anna, issue=issue)
    return sorted(m.to[0] for m in mail.outbox)


def test_a_visitor_chooses_topics_and_a_chapter_when_subscribing(client: Any, network: Any) -> None:
    make_chapter("Gent", "Gent")
    page = client.get(SUBSCRIBE).content.decode()
    assert 'value="carpentry"' in page
    assert 'value="gent"' in page
    response = client.post(
        SUBSCRIBE,
        {"email": "fan@example.org", "language": "en", "topics": ["carpentry"], "chapters": "gent"},
    )
    assert response.status_code == 200
    subscription = Subscription.objects.get(email="fan@example.org")
    assert [t.slug for t in subscription.tags.all()] == ["carpentry"]
    assert [ch.slug for ch in subscription.chapters.all()] == ["gent"]


def test_a_topic_the_newsletter_does_not_offer_is_refused(client: Any, network: Any) -> None:
    response = client.post(
        SUBSCRIBE, {"email": "fan@example.org", "language": "en", "topics": ["gardening"]}
    )
    assert response.status_code == 400
    assert not Subscription.objects.filter(email="fan@example.org").exists()
    with pytest.raises(KnowledgeError) as caught:
        actions.subscription_request(
            owner=network.c.host, email="fan@example.org", language="en", chapters=["nowhere"]
        )
    assert caught.value.code == KnowledgeErrorCode.BAD_TOPIC
    assert caught.value.field == "chapters"


def test_an_issue_for_a_topic_or_a_chapter_reaches_only_its_segment(
    network: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = network.c
    gent = make_chapter("Gent", "Gent")
    community_actions.chapter_join(actor=c.eva, chapter=gent)
    _subscribed(c, "wood@example.org", topics=["carpentry"])
    _subscribed(c, "gent@example.org", chapters=["gent"])
    _subscribed(c, c.eva.email)  # no choice made, but a member of the chapter
    pending = actions.subscription_request(
        owner=c.host, email="unconfirmed@example.org", language="en", topics=["carpentry"]
    )
    capture = django_capture_on_commit_callbacks
    assert _sent_to(c, capture, segment="tag", segment_tag="carpentry") == ["wood@example.org"]
    assert _sent_to(c, capture, segment="chapter", segment_chapter="gent") == sorted(
        ["gent@example.org", c.eva.email.lower()]
    )
    assert len(_sent_to(c, capture, segment="all")) == 4  # reader, wood, gent, eva
    assert pending.deliveries.count() == 0


def test_a_segment_without_its_topic_or_chapter_is_refused(network: Any) -> None:
    c = network.c
    for segment in ({"segment": "tag"}, {"segment": "tag", "segment_tag": "gardening"}):
        with pytest.raises(KnowledgeError) as caught:
            actions.issue_create(actor=c.anna, owner=c.host, subject="S", body="b", **segment)
        assert caught.value.code == KnowledgeErrorCode.BAD_SEGMENT
        assert caught.value.field == "segment_tag"
    with pytest.raises(KnowledgeError) as caught:
        actions.issue_create(actor=c.anna, owner=c.host, subject="S", body="b", segment="chapter")
    assert caught.value.field == "segment_chapter"


def test_the_editor_sends_to_a_topic_from_the_form(client: Any, network: Any) -> None:
    c = network.c
    _subscribed(c, "wood@example.org", topics=["carpentry"])
    client.force_login(c.anna)
    response = client.post(
        f"{SUBSCRIBE}issues/new/",
        {"subject": "Wood", "body": "Sawdust", "segment": "tag", "segment_tag": "carpentry"},
    )
    assert response.status_code == 302
    issue = queries.issues_of(c.host).get(subject="Wood")
    assert issue.segment == Segment.TAG
    assert issue.segment_tag is not None
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Send now to 1 subscriber" in page
    bad = client.post(f"{SUBSCRIBE}issues/new/", {"subject": "X", "body": "y", "segment": "tag"})
    assert bad.status_code == 400
    assert "topic or chapter" in bad.content.decode()


def test_a_reader_changes_their_topics_on_the_preferences_page(client: Any, network: Any) -> None:
    c = network.c
    make_chapter("Gent", "Gent")
    subscription = _subscribed(c, "wood@example.org", topics=["carpentry"])
    link = unsubscribe_url(subscription)
    stop_page = client.get(re.sub(r"^https?://[^/]+", "", link)).content.decode()
    path = re.search(r'href="(/knowledge/newsletter/preferences/[^"]+/)"', stop_page)
    assert path
    page = client.get(path.group(1))
    assert page.status_code == 200
    response = client.post(path.group(1), {"chapters": ["gent"]})
    assert response.status_code == 302
    assert list(subscription.tags.all()) == []
    assert [ch.slug for ch in subscription.chapters.all()] == ["gent"]
    assert client.get("/knowledge/newsletter/preferences/forged/").status_code == 404
