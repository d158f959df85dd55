"""On a phone (390 px wide, in Debian's chromium): the money is readable and the way to give
is near the top."""

from __future__ import annotations

from typing import Any

import pytest

from samen.expenses.tests.factories import fund
from samen.funding.tests.factories import give_by_bank

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_transactions_show_every_amount_on_a_phone(page: Any, community) -> None:
    fund(community.collective, 123_456)
    give_by_bank(community.collective)
    page.set_viewport_size(PHONE)
    for language in ("en", "nl", "fr"):
        page.set_extra_http_headers({"Accept-Language": language})
        page.goto(f"/collectives/{community.collective.slug}/transactions/")
        assert _page_width(page) <= PHONE["width"]
        amounts = page.locator("td[data-label].stack-first")
        assert amounts.count() >= 1
        for i in range(amounts.count()):
            box = amounts.nth(i).bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= PHONE["width"]
            assert amounts.nth(i).is_visible()


def test_support_button_comes_before_the_money_box_on_a_phone(page: Any, community) -> None:
    fund(community.collective, 10_000)
    page.set_viewport_size(PHONE)
    page.goto(f"/collectives/{community.collective.slug}/")
    support = page.locator("[data-testid=support-box] a.btn").first.bounding_box()
    money = page.locator("[data-testid=money-summary]").bounding_box()
    assert support is not None
    assert money is not None
    assert support["y"] < money["y"]
    assert support["y"] < 1000
    assert _page_width(page) <= PHONE["width"]
