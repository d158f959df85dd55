"""Moderation insights for the team: reports per week, time to the first answer, the
answered ratio and what still waits; for the team only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from samen.conversations import actions, queries
from samen.conversations.models import Post, Reviewable

pytestmark = pytest.mark.django_db

T = "/talk/collective/brasserie-zinneke"


def test_insights_count_reports_and_answers(moderated: Any, client: Any) -> None:
    m, c = moderated, moderated.talk.c
    first = Post.objects.get(topic=m.talk.question, number=1)
    reply = actions.post_reply(actor=c.bram, topic=m.talk.question, body="Buy my bikes")
    answered = actions.post_report(actor=c.chloe, post=reply, reason="Advert", rule_number=2)
    actions.post_report(actor=m.mila, post=first, reason="Unclear")
    actions.review_decide(actor=m.mila, reviewable=answered, decision="hide", reason="Advert")
    decided = Reviewable.objects.get(pk=answered.pk)
    assert decided.decided_at is not None
    Reviewable.objects.filter(pk=answered.pk).update(  # answered three hours after the report
        created_at=decided.decided_at - timedelta(hours=3)
    )
    found = queries.moderation_insights(c.collective)
    assert found["total"] == {"reports": 2, "answered": 1, "median_hours": 3.0, "ratio": 50}
    assert found["open"] == 1
    assert len(found["weeks"]) == 8
    assert sum(week["reports"] for week in found["weeks"]) == 2
    client.force_login(m.mila)
    page = client.get(f"{T}/insights/")
    assert page.status_code == 200
    assert "1 of 2 reports answered" in page.content.decode()
    for persona in (c.chloe, c.eva):
        client.force_login(persona)
        assert client.get(f"{T}/insights/").status_code in (403, 404)
    client.logout()
    assert client.get(f"{T}/insights/").status_code == 302


def test_activity_insights_posts_first_replies_unanswered_and_joined(
    talk: Any, client: Any, make_user: Any
) -> None:
    from django.utils import timezone

    from samen.communities import actions as community_actions
    from samen.conversations.models import Topic

    c = talk.c
    newcomer = make_user("noor@example.org", "Noor")
    community_actions.member_add(actor=c.bram, owner=c.collective, user=newcomer, role="member")
    lonely = actions.topic_create(actor=c.chloe, category=talk.questions, title="Anyone?",
                                  body="Where is the key?", kind="question")  # fmt: skip
    reply = actions.post_reply(actor=c.bram, topic=talk.question, body="In the attic.")
    # the question's opening moves back five hours before its reply: the median is 5 h
    earlier = reply.created_at - timedelta(hours=5)
    Topic.objects.filter(pk=talk.question.pk).update(created_at=earlier)
    found = queries.activity_insights(c.collective)
    weeks = found["activity"]
    assert len(weeks) == 8
    assert weeks[0]["week"] == timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    # the fixture's two topics and "Anyone?" (three opening posts) and the reply
    assert sum(week["topics"] for week in weeks) == 3
    assert sum(week["posts"] for week in weeks) == 4
    assert [w["median_first_reply_hours"] for w in weeks if w["median_first_reply_hours"]] == [5.0]
    assert sum(week["joined"] for week in weeks) >= 1  # Noor (and the fixture's members)
    assert found["unanswered_count"] == 1
    assert [t.pk for t in found["unanswered"]] == [lonely.pk]
    assert found["without_answer_count"] == 2  # nobody accepted the attic either
    client.force_login(c.bram)
    page = client.get(f"{T}/insights/").content.decode()
    assert "1 question has no reply yet." in page
    assert "Anyone?" in page
    assert "Median hours to the first reply" in page
