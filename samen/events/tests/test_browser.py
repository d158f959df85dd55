"""Registering, clicked through in Debian's chromium: the register button swaps the date's
block in place (htmx); once the workshop is full the next person lands on the waiting list."""

from __future__ import annotations

from typing import Any

import pytest

from samen.events.models import RegistrationStatus
from samen.lib.testing import log_in

pytestmark = pytest.mark.browser


def test_register_until_full_then_waiting_list(page: Any, agenda: Any) -> None:
    slot = agenda.slot
    block = f"#occurrence-{slot.pk}"
    for email in ("chloe@example.org", "dries@example.org"):
        log_in(page, email)
        page.goto(agenda.workshop.get_absolute_url())
        page.locator(f"{block} button", has_text="Register").click()
        page.locator(f"{block} [data-testid=my-status]").wait_for()
        assert "You are going." in page.locator(block).inner_text()
    log_in(page, "eva@example.org")
    page.goto(agenda.workshop.get_absolute_url())
    assert "2 of 2 places taken" in page.locator(f"{block} [data-testid=places]").inner_text()
    page.locator(f"{block} button", has_text="Join the waiting list").click()
    page.locator(f"{block} [data-testid=my-status]").wait_for()
    assert "You are number 1 on the waiting list." in page.locator(block).inner_text()
    assert slot.registrations.get(user=agenda.c.eva).status == RegistrationStatus.WAITING
