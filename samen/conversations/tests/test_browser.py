"""Posting and replying, clicked through in Debian's chromium: a member opens a topic, the
admin replies "in reply to" it, the member marks that reply as the answer, and the bell
shows the reply's notification."""

from __future__ import annotations

from typing import Any

import pytest

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
