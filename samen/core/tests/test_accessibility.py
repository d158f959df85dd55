"""Automated accessibility check: axe-core (bundled with axe-playwright-python) runs the WCAG
2.1 A and AA rules (labels, landmarks, names, contrast, language...) on the main pages, in
Debian's chromium, for a visitor and for signed-in people in Dutch and French."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from samen.communities.actions import news_create
from samen.credits.tests.factories import make_scheme
from samen.expenses.tests.factories import fund, make_expense
from samen.funding.tests.factories import give_by_bank, make_campaign
from samen.lib.testing import log_in

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _violations(page: Any, path: str) -> list[str]:
    response = page.goto(path)
    assert response.status < 400, path
    found = Axe().run(page, options=WCAG).response["violations"]
    return [
        f"{path}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
    ]


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    assert page.locator("html").get_attribute("lang") == code


def test_main_pages_have_no_wcag_violations(page: Any, community) -> None:
    c, h = community.collective.slug, community.host.slug
    make_scheme(community)
    fund(community.collective, 10_000)
    give_by_bank(community.collective)
    make_campaign(community, goal=10_000)
    make_expense(community.chloe, community.collective)
    news_create(
        actor=community.bram,
        owner=community.collective,
        title="Brew day",
        body="**Saturday**",
        publish=True,
    )

    public = [
        "/",
        "/collectives/",
        f"/collectives/{c}/",
        f"/collectives/{c}/transactions/",
        f"/collectives/{c}/contribute/",
        f"/collectives/{c}/expenses/",
        f"/collectives/{c}/news/",
        f"/hosts/{h}/",
        "/chapters/",
        "/ledger/seals/",
        "/accounts/login/",
        "/accounts/signup/",
    ]
    problems = [v for path in public for v in _violations(page, path)]

    log_in(page, community.chloe.email)  # a member, in Dutch
    page.goto("/")
    _switch_language(page, "nl")
    for path in [
        "/people/me/",
        "/news/",
        f"/collectives/{c}/expenses/new/",
        f"/credits/{h}/",
        f"/credits/{h}/requests/",
        f"/credits/{h}/requests/new/",
        f"/credits/{h}/members/",
    ]:
        problems += _violations(page, path)

    log_in(page, community.anna.email)  # a host admin, in French
    _switch_language(page, "fr")
    for path in [
        f"/hosts/{h}/dashboard/",
        f"/hosts/{h}/dashboard/guests/",
        f"/credits/{h}/dashboard/",
        f"/credits/{h}/dashboard/settlements/",
        f"/hosts/{h}/news/new/",
        "/settings/tokens/",
    ]:
        problems += _violations(page, path)
    assert problems == []
