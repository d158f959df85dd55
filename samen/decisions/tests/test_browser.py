"""The issue's done-when, clicked through in Debian's chromium: a chapter's connector opens a
consent proposal; a member objects with a reason; the connector amends; nobody objects by
the deadline, when the scheduled task closes it; the connector publishes the outcome as
news, which the chapter's news and its register of closed decisions show."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from samen.communities.actions import chapter_create, chapter_join
from samen.decisions.models import Outcome, Poll
from samen.decisions.tasks import close_due_polls
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser

D = "/decisions/chapter/gent"


def test_consent_in_a_chapter_from_objection_to_news_and_register(page: Any, community):
    c = community
    c.anna.is_staff = True  # the network's staff start chapters
    c.anna.save(update_fields=["is_staff"])
    chapter = chapter_create(actor=c.anna, name="Gent", slug="gent", connectors=[c.gilles])
    chapter_join(actor=c.chloe, chapter=chapter)

    log_in(page, "gilles@example.org")
    page.goto(f"{D}/new/")
    page.select_option("#id_kind", value="consent")
    page.fill("#id_title", "Monthly meetup on Thursdays")
    page.fill("#id_details", "Every first Thursday at 19h.")
    closes = timezone.localtime() + timedelta(days=2)
    page.fill("#id_closes_at", closes.strftime("%Y-%m-%dT%H:%M"))
    click_and_wait(page, "main form button[type=submit]")
    poll = Poll.objects.get()
    assert poll.chapter == chapter
    assert page.url.endswith(poll.get_absolute_url())

    log_in(page, "chloe@example.org")
    page.goto(poll.get_absolute_url())
    page.get_by_label("Objection", exact=True).check()
    page.fill("#id_reason", "I work late on Thursdays.")
    page.get_by_role("button", name="Vote").click()  # htmx swaps the ballot and results
    page.get_by_text("Does not pass").wait_for()

    log_in(page, "gilles@example.org")  # he reads French: the steps go by form, not by words
    page.goto(poll.get_absolute_url())
    assert "Non adoptée" in page.locator("[data-testid=results]").inner_text()
    page.locator("details:has(form[action$='/amend/']) summary").click()
    page.fill("form[action$='/amend/'] textarea", "Every first Thursday at 20h30.")
    click_and_wait(page, "form[action$='/amend/'] button[type=submit]")
    assert page.locator("[data-testid=results] .badge.text-bg-success").count() == 1  # passes

    with time_machine.travel(poll.closes_at + timedelta(minutes=5)):
        close_due_polls.enqueue()  # the scheduler's task at the deadline: nobody objected
        poll.refresh_from_db()
        assert poll.closed_at == poll.closes_at
        log_in(page, "gilles@example.org")
        page.goto(poll.get_absolute_url())
        assert page.locator("[data-testid=results] .badge.text-bg-success").count() == 1
        assert "Clôturé à l\u2019échéance" in page.locator("[data-testid=timeline]").inner_text()
        click_and_wait(page, "a[href$='/outcome/']")
        page.fill("#id_statement", "We meet every first Thursday at 20h30.")
        page.check("#id_publish_news")
        click_and_wait(page, "main form button[type=submit]")
        assert "every first Thursday" in page.locator("[data-testid=outcome]").inner_text()
        news = Outcome.objects.get().news
        assert news is not None
        assert news.chapter == chapter

        log_in(page, "chloe@example.org")
        page.goto(news.get_absolute_url())
        assert "We meet every first Thursday at 20h30." in page.locator("main").inner_text()
        page.goto(f"{D}/?state=closed")
        assert "every first Thursday at 20h30" in page.locator("#poll-rows").inner_text()
