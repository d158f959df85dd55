"""Hosting, clicked through in Debian's chromium: create a collective, apply to the host
answering its questions, the host admin approves with a custom fee, and the collective page
shows "hosted by" with the fee to the host."""

from __future__ import annotations

from typing import Any

import pytest

from samen.communities.models import Collective, HostApplication
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser


def test_create_apply_approve_with_custom_fee(page: Any, community):
    host = community.host
    # Eva starts a collective.
    log_in(page, "eva@example.org")
    page.goto("/collectives/new/")
    page.fill("#id_name", "Fietskeuken Anderlecht")
    page.fill("#id_tagline_en", "Repair your own bike")
    page.fill("#id_tags", "bike, repair")
    click_and_wait(page, "main form button[type=submit]")
    collective = Collective.objects.get(name="Fietskeuken Anderlecht")
    assert page.url.endswith(f"/collectives/{collective.slug}/")
    assert "Not hosted yet" in page.locator("#hosting").inner_text()

    # She applies to the host, answering its question and accepting its terms.
    page.goto(f"/hosts/{host.slug}/apply/?collective={collective.slug}")
    page.select_option("#id_collective", label="Fietskeuken Anderlecht")
    page.fill("#id_answer_0", "A bike kitchen, twice a week.")
    page.check("#id_terms_accepted")
    click_and_wait(page, "main form button[type=submit]")
    application = HostApplication.objects.get(collective=collective)
    assert application.answers[0]["answer"] == "A bike kitchen, twice a week."
    assert "Pending" in page.locator("[data-testid=application-status]").inner_text()

    # Anna, host admin, finds it on the dashboard and approves it at 2.5 %.
    log_in(page, "anna@example.org")
    page.goto(f"/hosts/{host.slug}/dashboard/applications/")
    click_and_wait(page, f"a[href='/applications/{application.pk}/']")
    page.check("input[name=decision][value=approve]")
    page.fill("#id_custom_fee_percent", "2.5")
    click_and_wait(page, "main form button[type=submit]")
    assert "Approved" in page.locator("[data-testid=application-status]").inner_text()

    # The collective page shows who hosts it, and the host's admin sees the fee.
    page.goto(f"/collectives/{collective.slug}/")
    assert "Brussels Commons" in page.locator("[data-testid=hosted-by]").inner_text()
    assert "2.50" in page.locator("[data-testid=host-fee]").inner_text()

    # A stranger sees "hosted by" but not the fee.
    page.context.clear_cookies()
    page.goto(f"/collectives/{collective.slug}/")
    assert "Brussels Commons" in page.locator("[data-testid=hosted-by]").inner_text()
    assert page.locator("[data-testid=host-fee]").count() == 0
