"""A consent proposal clicked through in Debian's chromium: the admin opens it, a member
objects with a reason, the admin amends, nobody objects any more, the admin closes it and
publishes the outcome as news, which the register of closed decisions shows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from samen.decisions.models import Outcome, Poll
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser

D = "/decisions/collective/brasserie-zinneke"


def test_consent_objection_amendment_outcome(page: Any, community):
    log_in(page, "bram@example.org")
    page.goto(f"{D}/new/")
    page.select_option("#id_kind", value="consent")
    page.fill("#id_title", "Open on Sundays")
    page.fill("#id_details", "From 10 to 14h.")
    closes = timezone.localtime() + timedelta(days=7)
    page.fill("#id_closes_at", closes.strftime("%Y-%m-%dT%H:%M"))
    click_and_wait(page, "main form button[type=submit]")
    poll = Poll.objects.get()
    assert page.url.endswith(poll.get_absolute_url())

    log_in(page, "chloe@example.org")
    page.goto(poll.get_absolute_url())
    page.get_by_label("Objection", exact=True).check()
    page.fill("#id_reason", "Who staffs it?")
    page.get_by_role("button", name="Vote").click()  # htmx swaps the ballot and results
    page.get_by_text("Does not pass").wait_for()

    log_in(page, "bram@example.org")
    page.goto(poll.get_absolute_url())
    page.get_by_text("Amend the proposal").click()
    page.fill("form[action$='/amend/'] textarea", "From 10 to 14h; Bram staffs it.")
    click_and_wait(page, "form[action$='/amend/'] button[type=submit]")
    assert "Passes" in page.locator("[data-testid=results]").inner_text()
    click_and_wait(page, "form[action$='/close/'] button")
    page.get_by_role("link", name="Write the outcome").click()
    page.fill("#id_statement", "We open on Sundays; Bram staffs it.")
    page.get_by_label("Also publish it as news").check()
    click_and_wait(page, "main form button[type=submit]")
    assert "We open on Sundays" in page.locator("[data-testid=outcome]").inner_text()
    assert Outcome.objects.get().news is not None
    page.goto(f"{D}/?state=closed")
    assert "We open on Sundays" in page.locator("#poll-rows").inner_text()
