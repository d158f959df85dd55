"""Conversations through their actions: posting, mentions, reactions, answers, comments,
holding, reports and decisions, and the refusals that change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from samen.conversations import actions, queries
from samen.conversations.access import can_see_topic
from samen.conversations.errors import ConversationError
from samen.conversations.models import Post, PostStatus, Reviewable, ReviewStatus, Topic
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_reply_notifies_the_topic_author_and_counts(talk):
    c = talk.c
    reply = actions.post_reply(actor=c.bram, topic=talk.question, body="Use the shed.")
    talk.question.refresh_from_db()
    assert (reply.number, talk.question.reply_count) == (2, 1)
    assert Notification.objects.filter(recipient=c.chloe, kind="conversations.reply").count() == 1
    assert not Notification.objects.filter(recipient=c.bram).exists()  # not about own acts


def test_mentions_reach_only_people_who_can_read_the_topic(talk):
    c = talk.c
    actions.post_reply(actor=c.bram, topic=talk.members_topic, body="@Chloé and @Eva, look.")
    mentioned = Notification.objects.filter(kind="conversations.mention")
    assert [n.recipient for n in mentioned] == [c.chloe]  # eva is no member: not told


def test_reactions_toggle(talk):
    c = talk.c
    first = talk.question.posts.get(number=1)
    assert actions.reaction_toggle(actor=c.bram, post=first, kind="thanks") is True
    assert queries.reaction_counts([first.pk]) == {first.pk: {"thanks": 1}}
    assert actions.reaction_toggle(actor=c.bram, post=first, kind="thanks") is False
    assert queries.reaction_counts([first.pk]) == {}
    with pytest.raises(ValueError, match="poop"):
        actions.reaction_toggle(actor=c.bram, post=first, kind="poop")


def test_accepted_answer_by_the_asker_only(talk):
    c = talk.c
    reply = actions.post_reply(actor=c.bram, topic=talk.question, body="The shed.")
    with pytest.raises(PermissionDenied):
        actions.answer_accept(actor=c.eva, topic=talk.question, post=reply)
    actions.answer_accept(actor=c.chloe, topic=talk.question, post=reply)
    assert Topic.objects.get(pk=talk.question.pk).answer == reply
    with pytest.raises(ConversationError):
        actions.answer_accept(actor=c.bram, topic=talk.members_topic, post=None)


def test_markdown_script_is_inert_and_links_are_ugc(talk, client):
    c = talk.c
    actions.post_reply(
        actor=c.bram,
        topic=talk.question,
        body='<script>alert(1)</script> [site](https://example.org) <img src=x onerror="x()">',
    )
    page = client.get(talk.question.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert 'rel="nofollow ugc"' in page


def test_bad_input_changes_nothing(talk):
    c = talk.c
    before = Post.objects.count()
    for body in ("", "   ", "x" * 5_000_000):
        with pytest.raises(ConversationError):
            actions.post_reply(actor=c.bram, topic=talk.question, body=body)
    with pytest.raises(ConversationError):
        actions.topic_create(actor=c.chloe, category=talk.questions, title=" ", body="Hi")
    with pytest.raises(PermissionDenied):  # a stranger cannot post in a members' category
        actions.post_reply(actor=c.eva, topic=talk.members_topic, body="Hi")
    assert Post.objects.count() == before


def test_closed_topic_refuses_replies_but_not_moderators(talk):
    c = talk.c
    actions.topic_set_flags(actor=c.bram, topic=talk.question, closed=True, pinned=True)
    with pytest.raises(ConversationError):
        actions.post_reply(actor=c.chloe, topic=talk.question, body="One more thing")
    actions.post_reply(actor=c.bram, topic=talk.question, body="Closing note.")
    with pytest.raises(PermissionDenied):
        actions.topic_set_flags(actor=c.chloe, topic=talk.question, closed=False)


def test_rate_limit_and_slow_mode(talk):
    c = talk.c
    actions.settings_set(actor=c.bram, owner=c.collective, hold_first_posts=False, posts_per_hour=3)
    actions.post_reply(actor=c.chloe, topic=talk.question, body="Two")
    with pytest.raises(ConversationError) as refused:
        actions.post_reply(actor=c.chloe, topic=talk.question, body="Three")
    assert refused.value.status == 429


def test_first_post_held_until_a_moderator_approves(talk, make_user):
    c = talk.c
    actions.settings_set(actor=c.bram, owner=c.collective, hold_first_posts=True, posts_per_hour=20)
    newbie = make_user("newbie@example.org", "Newbie")
    from samen.communities import actions as community_actions

    community_actions.member_add(actor=c.bram, owner=c.collective, user=newbie, role="member")
    post = actions.post_reply(actor=newbie, topic=talk.question, body="Hello all")
    assert post.status == PostStatus.HELD
    assert post not in queries.topic_posts(c.chloe, talk.question)
    assert post in queries.topic_posts(newbie, talk.question)  # the author sees it waiting
    item = Reviewable.objects.get(kind="held")
    assert [i.pk for i in queries.review_queue(c.collective)] == [item.pk]
    actions.review_decide(actor=c.bram, reviewable=item, decision="approve")
    assert post in queries.topic_posts(c.chloe, talk.question)
    second = actions.post_reply(actor=newbie, topic=talk.question, body="Again")
    assert second.status == PostStatus.VISIBLE  # only the first waits


def test_a_link_in_a_first_post_is_held(talk, make_user):
    c = talk.c
    spammer = make_user("spam@example.org", "Spam")
    from samen.communities import actions as community_actions

    community_actions.member_add(actor=c.bram, owner=c.collective, user=spammer, role="member")
    post = actions.post_reply(actor=spammer, topic=talk.question, body="Cheap https://x.example")
    assert post.status == PostStatus.HELD


def test_report_and_hide_with_a_reason_the_author_sees(talk):
    c = talk.c
    from samen.communities import actions as community_actions

    community_actions.rules_publish(actor=c.bram, owner=c.collective, text="1. Be kind\n2. No ads")
    reply = actions.post_reply(actor=c.bram, topic=talk.question, body="Buy my beer!")
    with pytest.raises(ConversationError):
        actions.post_report(actor=c.bram, post=reply, reason="mine")  # own post
    item = actions.post_report(actor=c.chloe, post=reply, reason="Advertising", rule_number=2)
    with pytest.raises(ConversationError):
        actions.post_report(actor=c.chloe, post=reply, reason="Again")
    score = item.scores.get()
    assert score.rule is not None
    assert (score.rule_number, score.rule.version) == (2, 1)
    with pytest.raises(PermissionDenied):
        actions.review_decide(actor=c.chloe, reviewable=item, decision="hide", reason="x")
    with pytest.raises(ConversationError):
        actions.review_decide(actor=c.anna, reviewable=item, decision="hide")  # no reason
    actions.review_decide(actor=c.anna, reviewable=item, decision="hide", reason="Rule 2: ads")
    reply.refresh_from_db()
    assert (reply.status, reply.moderation_reason) == (PostStatus.HIDDEN, "Rule 2: ads")
    item.refresh_from_db()
    assert item.status == ReviewStatus.APPROVED
    assert item.scores.get().agreed is True
    told = Notification.objects.get(recipient=c.bram, kind="conversations.hidden")
    assert "Rule 2: ads" in told.text
    assert reply not in queries.topic_posts(c.chloe, talk.question)
    with pytest.raises(ConversationError):
        actions.review_decide(actor=c.anna, reviewable=item, decision="approve")


def test_comments_on_news_follow_the_news_audience(talk):
    c = talk.c
    comment = actions.comment_add(actor=c.dries, target=talk.news, body="Great!")
    topic = comment.topic
    assert topic.target == talk.news
    assert topic.category is None
    assert can_see_topic(None, topic)
    with pytest.raises(PermissionDenied):  # a members-only post is invisible to dries
        actions.comment_add(actor=c.dries, target=talk.members_news, body="Me too")
    members_comment = actions.comment_add(actor=c.chloe, target=talk.members_news, body="Yes")
    assert not can_see_topic(c.eva, members_comment.topic)
    with pytest.raises(PermissionDenied):
        actions.comments_switch(actor=c.chloe, target=talk.news, enabled=False)
    actions.comments_switch(actor=c.bram, target=talk.news, enabled=False)
    with pytest.raises(ConversationError):
        actions.comment_add(actor=c.dries, target=talk.news, body="Again")
    assert Topic.objects.filter(target_id=talk.news.pk).count() == 1
