"""Block lists and reporting a member: a block silences notifications both ways and
refuses relayed messages; a member is reported from their profile into the review queue,
and the profile offers "send a message" in each shared community."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from samen.conversations import actions, queries
from samen.conversations.errors import ConversationError
from samen.conversations.models import Block, Reviewable, ReviewStatus
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

T = "/talk/collective/brasserie-zinneke"


def test_a_block_silences_both_ways_and_refuses_messages(moderated: Any, client: Any) -> None:
    m, c = moderated, moderated.talk.c
    client.force_login(c.chloe)
    assert client.post(f"/talk/people/{c.bram.pk}/block/", {"block": "1"}).status_code == 302
    assert Block.objects.filter(user=c.chloe, blocked=c.bram).exists()
    # bram replies to chloe's question and mentions her: she hears nothing of it
    actions.topic_watch_set(actor=c.chloe, topic=talk_question(m), level="follow")
    reply = actions.post_reply(actor=c.bram, topic=talk_question(m), body="Ask @Chloé")
    actions.reaction_toggle(actor=c.bram, post=first_post(m), kind="thanks")
    assert not Notification.objects.filter(recipient=c.chloe).exists()
    # and bram is not told of chloe's reply either (he blocked nobody: she blocked him)
    actions.topic_watch_set(actor=c.bram, topic=talk_question(m), level="follow")
    actions.post_reply(actor=c.chloe, topic=talk_question(m), body="Thanks", reply_to=reply)
    assert not Notification.objects.filter(recipient=c.bram).exists()
    # mila still hears of both
    actions.topic_watch_set(actor=m.mila, topic=talk_question(m), level="follow")
    actions.post_reply(actor=c.bram, topic=talk_question(m), body="Again")
    assert Notification.objects.filter(recipient=m.mila).count() == 1
    for sender, recipient in ((c.chloe, c.bram), (c.bram, c.chloe)):
        with pytest.raises(ConversationError) as refused:
            actions.message_send(actor=sender, owner=c.collective, recipient=recipient, body="Hi")
        assert refused.value.code == "blocked"
    client.force_login(c.bram)
    page = client.post(f"{T}/people/{c.chloe.pk}/message/", {"body": "Please"})
    assert page.status_code == 400
    assert "You cannot write to this person." in page.content.decode()
    # lifting the block lets messages through again
    client.force_login(c.chloe)
    client.post(f"/talk/people/{c.bram.pk}/block/", {"block": "0"})
    assert not Block.objects.exists()
    assert actions.message_send(actor=c.bram, owner=c.collective, recipient=c.chloe, body="Hi")
    with pytest.raises(PermissionDenied):
        actions.person_block(actor=c.chloe, person=c.chloe)
    assert client.post("/talk/people/999999/block/", {"block": "1"}).status_code == 404


def talk_question(m: Any) -> Any:
    return m.talk.question


def first_post(m: Any) -> Any:
    return m.talk.question.posts.get(number=1)


def test_report_a_member_from_the_profile(moderated: Any, client: Any) -> None:
    m, c = moderated, moderated.talk.c
    client.force_login(c.chloe)
    profile = client.get(f"/people/{m.mila.pk}/").content.decode()
    assert f"{T}/people/{m.mila.pk}/message/" in profile
    assert f"{T}/people/{m.mila.pk}/report/" in profile
    assert f"/talk/people/{m.mila.pk}/block/" in profile
    empty = client.post(f"{T}/people/{m.mila.pk}/report/", {"reason": " "})
    assert empty.status_code == 400
    assert not Reviewable.objects.filter(kind="profile").exists()
    sent = client.post(
        f"{T}/people/{m.mila.pk}/report/", {"reason": "Sells bikes in messages", "rule_number": 2}
    )
    assert sent.status_code == 302
    item = Reviewable.objects.get(kind="profile")
    assert item.target_id == m.mila.pk
    rule = item.scores.get().rule
    assert rule is not None
    assert rule.version == 1
    again = client.post(f"{T}/people/{m.mila.pk}/report/", {"reason": "Again"})
    assert again.status_code == 400  # already reported
    # a stranger cannot report a member, nor be reported
    client.force_login(c.eva)
    assert client.get(f"{T}/people/{m.mila.pk}/report/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.profile_report(actor=c.chloe, owner=c.collective, person=c.eva, reason="x")
    # the team sees it in the queue and keeps the member (the report was wrong)
    queue = queries.review_queue(c.collective, c.bram)
    assert [getattr(i, "person", None) for i in queue if i.kind == "profile"] == [m.mila]
    client.force_login(c.bram)
    page = client.get(f"{T}/review/").content.decode()
    assert "Member reported: Mila" in page
    with pytest.raises(ConversationError):
        actions.review_decide(actor=c.bram, reviewable=item, decision="hide", reason="x")
    actions.review_decide(actor=c.bram, reviewable=item, decision="approve", reason="Fine")
    item.refresh_from_db()
    assert item.status == ReviewStatus.REJECTED
    assert item.scores.get().agreed is False
