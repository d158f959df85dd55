"""The sounding board: ideas with a stage and a question, structured feedback, helpful
marks by the idea's owner, and a page and an endpoint of ideas by stage."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from samen.conversations import actions, kinds
from samen.conversations.errors import ConversationError
from samen.conversations.models import TopicKind
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(talk: Any) -> Any:
    return actions.topic_create(
        actor=talk.c.chloe,
        category=talk.ideas,
        title="A repair café",
        body="Once a month in the brewery.",
        kind=TopicKind.IDEA,
        question="Who would come on a Sunday?",
    )


def test_feedback_helpful_and_stage(talk: Any, idea: Any, client: Any) -> None:
    c = talk.c
    assert (idea.stage, idea.question) == ("idea", "Who would come on a Sunday?")
    works = actions.post_reply(actor=c.bram, topic=idea, body="The room works.", feedback="works")
    talk_to = actions.post_reply(
        actor=c.bram, topic=idea, body="Talk to @Anna about tools.", feedback="talk_to"
    )
    assert talk_to.feedback == "talk_to"
    assert Notification.objects.filter(recipient=c.anna, kind=kinds.MENTION).exists()
    with pytest.raises(ConversationError) as refused:
        actions.post_reply(actor=c.bram, topic=talk.question, body="x", feedback="works")
    assert refused.value.code == "not_an_idea"
    with pytest.raises(PermissionDenied):
        actions.post_mark_helpful(actor=c.bram, post=works, helpful=True)
    assert actions.post_mark_helpful(actor=c.chloe, post=works, helpful=True).helpful
    actions.idea_set_stage(actor=c.chloe, topic=idea, stage="prototype")
    with pytest.raises(PermissionDenied):
        actions.idea_set_stage(actor=c.eva, topic=idea, stage="running")
    client.force_login(c.chloe)
    page = client.get(f"/talk/topics/{idea.pk}/").content.decode()
    assert "What works" in page
    assert "Helpful" in page
    assert "Who would come on a Sunday?" in page
    board = client.get("/talk/collective/brasserie-zinneke/ideas/").content.decode()
    assert "A repair café" in board
    assert "Prototype" in board


def test_ideas_page_and_api_hide_members_ideas_from_strangers(
    talk: Any, idea: Any, client: Any
) -> None:
    client.force_login(talk.c.eva)
    assert (
        "A repair café"
        not in client.get("/talk/collective/brasserie-zinneke/ideas/").content.decode()
    )
    api = client.get("/api/v1/talk/collective/brasserie-zinneke/ideas").content.decode()
    assert "A repair café" not in api
    client.force_login(talk.c.chloe)
    items = client.get("/api/v1/talk/collective/brasserie-zinneke/ideas").json()["items"]
    assert [(i["title"], i["stage"]) for i in items] == [("A repair café", "idea")]
    reply = client.post(
        f"/api/v1/talk/topics/{idea.pk}/posts",
        json.dumps({"body": "Improve the hours.", "feedback": "improve"}),
        content_type="application/json",
    )
    assert reply.status_code == 201
    assert reply.json()["feedback"] == "improve"
    mark = client.post(f"/api/v1/talk/posts/{reply.json()['id']}/helpful",
                       json.dumps({"helpful": True}), content_type="application/json")  # fmt: skip
    assert mark.status_code == 200
    assert mark.json()["helpful"] is True
    moved = client.put(f"/api/v1/talk/topics/{idea.pk}/stage", json.dumps({"stage": "running"}),
                       content_type="application/json")  # fmt: skip
    assert moved.status_code == 200
    assert moved.json()["stage"] == "running"
