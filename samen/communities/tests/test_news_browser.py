"""News, clicked through in Debian's chromium: the htmx preview swaps in without leaving the
form, publishing e-mails the followers, and a follower switches news e-mails off with the
button next to "Unfollow"."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from samen.communities.models import Follow, NewsPost
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser

C = "/collectives/brasserie-zinneke"


def test_preview_publish_and_switch_emails_off(page: Any, community):
    log_in(page, "bram@example.org")
    page.goto(f"{C}/news/new/")
    page.fill("#id_title_en", "Tasting on Saturday")
    page.fill("#id_body_en", "Come and **taste** the saison.")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("[data-testid=news-preview]")
    preview.wait_for()
    assert preview.inner_html() == "<p>Come and <strong>taste</strong> the saison.</p>"
    assert page.url.endswith(f"{C}/news/new/")
    assert not NewsPost.objects.exists()

    mail.outbox.clear()
    click_and_wait(page, "button[name=do][value=publish]")
    post = NewsPost.objects.get()
    assert page.url.endswith(post.get_absolute_url())
    assert "taste" in page.locator("[data-testid=news-body]").inner_text()
    assert sorted(m.to[0] for m in mail.outbox) == ["chloe@example.org", "dries@example.org"]

    log_in(page, "dries@example.org")
    page.goto(f"{C}/")
    assert "Tasting on Saturday" in page.locator("[data-testid=latest-news]").inner_text()
    page.get_by_role("button", name="Stop news e-mails").click()
    page.get_by_role("button", name="Get news by e-mail").wait_for()
    assert not Follow.objects.get(user=community.dries, collective=community.collective).news_emails
