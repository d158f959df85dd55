"""The pages of the readable ledger and of the journeys, on a phone (390 px, Debian's chromium)
in each language: nothing wider than the screen, tables as cards, amounts in view."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samen.communities import actions as community_actions
from samen.expenses.tests.factories import fund, make_expense
from samen.funding.tests.factories import give_by_bank, make_campaign
from samen.lib.testing import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    assert width <= PHONE["width"], page.url


def test_changed_pages_fit_a_phone_in_three_languages(page: Any, community) -> None:
    slug = community.collective.slug
    fund(community.collective, 50_000)
    make_expense(community.chloe, community.collective, title="Paint for the mural")
    campaign = make_campaign(community)
    contribution = give_by_bank(community.collective, amount=1250, campaign=campaign)
    community_actions.join_request_submit(
        actor=community.eva, collective=community.collective, answers=[], rules_accepted=True
    )
    public = [
        f"/collectives/{slug}/transactions/",
        f"/hosts/{community.host.slug}/transactions/",
        reverse("expenses:collective_list", args=[slug]),
        reverse("funding:contribute", args=[slug]),
        reverse("funding:contribution", args=[contribution.token]),
        reverse("funding:campaign", args=[slug, campaign.slug]),
        reverse("funding:campaign_widget", args=[slug, campaign.slug]),
    ]
    page.set_viewport_size(PHONE)
    for language in ("en", "nl", "fr"):
        page.set_extra_http_headers({"Accept-Language": language})
        for url in public:
            page.goto(url)
            _fits(page)
        # The expenses table is a stack of cards: each amount leads its card, in view.
        page.goto(reverse("expenses:collective_list", args=[slug]))
        amount = page.locator("td.stack-first").first.bounding_box()
        assert amount is not None
        assert amount["x"] + amount["width"] <= PHONE["width"]
    log_in(page, community.eva.email)
    for url in [reverse("accounts:welcome"), reverse("communities:mine")]:
        page.goto(url)
        _fits(page)
    log_in(page, community.anna.email)
    page.goto(reverse("expenses:host_dashboard", args=[community.host.slug]))
    _fits(page)
