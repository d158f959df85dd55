"""The agenda's filter bar on a 390 px phone and walk-ins at the check-in desk, clicked
through in Debian's chromium."""

from __future__ import annotations

from typing import Any

import pytest

from samen.events.models import EventKind, Registration, WalkInGuest
from samen.events.tests.conftest import make_event
from samen.lib.testing import log_in

pytestmark = pytest.mark.browser


def test_filters_on_a_phone_survive_the_month_view(page: Any, community: Any) -> None:
    c = community
    make_event(c, title="Houtbewerking", kind=EventKind.WORKSHOP, languages=["nl"])
    make_event(c, title="Coffee", kind=EventKind.MEETUP, languages=["en"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/events/")
    page.select_option("#filter-language", "nl")
    page.select_option("#filter-kind", "workshop")
    page.get_by_role("button", name="Filter").click()
    page.locator("[data-testid=active-filters]").wait_for()
    assert "language=nl" in page.url
    assert "kind=workshop" in page.url
    rows = page.locator("#event-rows").inner_text()
    assert "Houtbewerking" in rows
    assert "Coffee" not in rows
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#filter-language").input_value() == "nl"
    page.locator("[data-testid=month-link]").click()
    page.locator("a[rel=next]").click()
    assert "language=nl" in page.url
    assert page.locator("#filter-kind").input_value() == "workshop"


def test_an_organiser_adds_a_walk_in(page: Any, community: Any) -> None:
    c = community
    slot = make_event(c, capacity=1).occurrences.get()
    log_in(page, "bram@example.org")
    page.goto(f"/events/dates/{slot.pk}/check-in/")
    page.fill("#walk-in-q", "Chl")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Add and check in").click()
    page.get_by_text("is added as a walk-in and checked in").wait_for()
    assert Registration.objects.get(occurrence=slot, user=c.chloe).walk_in
    # someone without an account, by name only, in the desk's second form
    page.get_by_label("Name", exact=True).fill("Zoë Peeters")
    page.get_by_role("button", name="Add the guest and check in").click()
    page.get_by_text("Zoë Peeters is added as a walk-in and checked in").wait_for()
    assert WalkInGuest.objects.get(occurrence=slot).name == "Zoë Peeters"
