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
