"""Posting and replying, clicked through in Debian's chromium: a member opens a topic, the
admin replies "in reply to" it, the member marks that reply as the answer, and the bell
shows the reply's notification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from samen.conversations import actions
from samen.conversations.models import Post, Topic, Visibility
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser

T = "/talk/collective/brasserie-zinneke"


def test_post_reply_and_accept(page: Any, community):
    actions.category_create(
        actor=community.bram,
        owner=community.collective,
        name="Questions",
        visibility=Visibility.PUBLIC,
    )
    log_in(page, "chloe@example.org")
    page.goto(f"{T}/new/")
    page.select_option("#id_category", label="Questions")
    page.select_option("#id_kind", value="question")
    page.fill("#id_title", "Which yeast for a saison?")
    page.fill("#id_body", "We tried **Dupont** yeast; any better idea?")
    click_and_wait(page, "main form button[type=submit]")
    topic = Topic.objects.get()
    assert page.url.endswith(topic.get_absolute_url())
    assert "Dupont" in page.locator("#post-1 .post-body strong").inner_text()

    log_in(page, "bram@example.org")
    page.goto(topic.get_absolute_url())
    page.get_by_role("link", name="Reply to this").first.click()
    page.fill("#id_body", "> any better idea?\n\nTry a French saison strain, @Chloé.")
    click_and_wait(page, "form[action$='/reply/'] button[type=submit]")
    reply = Post.objects.get(number=2)
    assert reply.reply_to is not None
    assert reply.reply_to.number == 1
    assert "in reply to Chloé" in page.locator("#post-2").inner_text()
    assert page.locator("#post-2 .post-body blockquote").inner_text().strip() == "any better idea?"

    log_in(page, "chloe@example.org")
    page.goto("/")
    page.locator("#notification-bell [data-unread]").wait_for()
    page.goto(topic.get_absolute_url())
    click_and_wait(page, "#post-2 form[action$='/answer/'] button")
    assert "Accepted answer" in page.locator("#post-2").inner_text()
    topic.refresh_from_db()
    assert topic.answer == reply


def test_the_moderation_flow_of_the_issue(page: Any, moderated: Any, make_user: Any):
    """Issue 13 clicked through: a new member's first post is held; a moderator approves
    it; another member reports it citing rule 2; the moderator hides it with a reason; its
    author sees the reason; a third member gets it in a daily digest only once."""
    from django.core import mail

    from samen.communities import actions as community_actions
    from samen.conversations.models import PostStatus
    from samen.notifications.tasks import send_digests

    m, c = moderated, moderated.talk.c
    actions.settings_set(actor=c.bram, owner=c.collective, hold_first_posts=True, posts_per_hour=20)
    nina = make_user("nina@example.org", "Nina")
    for person in (nina, c.dries):
        community_actions.member_add(actor=c.bram, owner=c.collective, user=person, role="member")
    topic_url = m.talk.question.get_absolute_url()

    log_in(page, "dries@example.org")
    page.goto(f"{T}/")
    page.select_option("#id_mode", value="daily")
    click_and_wait(page, f"form[action$='{T}/email/'] button")

    log_in(page, "nina@example.org")
    page.goto(topic_url)
    page.fill("#id_body", "Cheap kegs and bikes at my shop!")
    click_and_wait(page, "form[action$='/reply/'] button[type=submit]")
    held = Post.objects.get(author=nina)
    assert held.status == PostStatus.HELD

    log_in(page, "mila@example.org")
    page.goto(f"{T}/review/")
    click_and_wait(page, "button[name=decision][value=approve]")
    held.refresh_from_db()
    assert held.status == PostStatus.VISIBLE

    log_in(page, "chloe@example.org")
    page.goto(topic_url)
    click_and_wait(page, f"#post-{held.number} a:text('Report')")
    page.fill("#id_reason", "An advert")
    page.fill("#id_rule_number", "2")
    click_and_wait(page, "main form button[type=submit]")

    log_in(page, "mila@example.org")
    page.goto(f"{T}/review/")
    assert "rule 2 (version 1)" in page.locator("main").inner_text()
    page.locator("input[name=reason]").first.fill("Rule 2: no advertising")
    click_and_wait(page, "button[name=decision][value=hide]")

    log_in(page, "nina@example.org")
    page.goto(topic_url)
    assert (
        "Hidden by a moderator. Reason: Rule 2: no advertising"
        in page.locator(f"#post-{held.number}").inner_text()
    )

    mail.outbox.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        send_digests.enqueue()
        send_digests.enqueue()
    digests = [message for message in mail.outbox if message.to == ["dries@example.org"]]
    assert len(digests) == 1
    assert "Nina posted in “Where do we store the kegs?”" in digests[0].body
