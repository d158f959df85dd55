"""The issue's "done when", clicked through in Debian's chromium: Chloé registers for a
full workshop paid in credits and lands on the waiting list; Dries cancels; she gets the
place and the e-mail; Bram checks her in by her code; her credits and invoice follow; she
rates the session; Anna, host admin, sees the rating in Bram's aggregate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from samen.communities import actions as communities
from samen.communities.models import HostRole
from samen.credits.actions import wallet
from samen.credits.models import Delivery, DeliveryStatus
from samen.credits.tests.factories import make_scheme
from samen.events import actions
from samen.events.models import Feedback, RegistrationStatus
from samen.invoicing.models import Document, DocumentKind
from samen.ledger.queries import balance
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser


def test_waiting_list_place_check_in_credits_feedback_and_aggregate(
    page: Any, community: Any, settings: Any
) -> None:
    c = community
    scheme = make_scheme(c)
    communities.member_add(actor=c.anna, owner=c.host, user=c.dries, role=HostRole.MEMBER)
    # Later today, so that the rating (from the start on) needs only a short jump in time.
    starts = (timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    event = actions.event_create(
        actor=c.bram, owner=c.collective, kind="workshop", title="Soldering workshop",
        place="Rue Haute 1, 1000 Brussels", starts_at=starts, ends_at=starts + timedelta(hours=2),
        capacity=1, price_kind="credits", credit_service="workshop",
    )  # fmt: skip
    actions.event_publish(actor=c.bram, event=event)
    slot = event.occurrences.get()
    actions.occurrence_register(actor=c.dries, occurrence=slot)
    block = f"#occurrence-{slot.pk}"

    # Chloé finds it full, with its price, and joins the waiting list.
    log_in(page, "chloe@example.org")
    page.goto(event.get_absolute_url())
    assert "0.500 SIF" in page.locator("[data-testid=price]").first.inner_text()
    page.locator(f"{block} button", has_text="Join the waiting list").click()
    page.locator(f"{block} [data-testid=my-status]").wait_for()
    assert "You are number 1 on the waiting list." in page.locator(block).inner_text()

    # Dries cancels: the place goes to Chloé, who is e-mailed.
    log_in(page, "dries@example.org")
    page.goto(event.get_absolute_url())
    page.locator(f"{block} button", has_text="Cancel my registration").click()
    # Her place went at once to Chloé: the date is full again.
    page.locator(f"{block} button", has_text="Join the waiting list").wait_for()
    registration = slot.registrations.get(user=c.chloe)
    assert registration.status == RegistrationStatus.GOING
    promoted = [m for m in mail.outbox if m.to == ["chloe@example.org"]]
    assert promoted
    assert "Soldering workshop" in f"{promoted[-1].subject} {promoted[-1].body}"

    # Her page shows the place and her check-in code.
    log_in(page, "chloe@example.org")
    page.goto(event.get_absolute_url())
    assert "You are going." in page.locator(block).inner_text()
    page.locator(f"{block} [data-testid=check-in] summary").click()
    code = page.locator(f"{block} [data-testid=check-in] code").inner_text().strip()

    # Bram checks her in at the desk by her code: her credits and invoice follow. The
    # invoice's PDF is not what is clicked through here (the credits tests render them).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    log_in(page, "bram@example.org")
    page.goto(f"/events/dates/{slot.pk}/check-in/")
    page.fill("#id_code", code)
    click_and_wait(page, "main form button[type=submit]")
    assert "is checked in" in page.locator("[data-testid=checked-in]").inner_text()
    delivery = Delivery.objects.get(recipient=c.chloe)
    assert (delivery.status, delivery.credits) == (DeliveryStatus.CONFIRMED, 500)
    assert balance(wallet(scheme, c.chloe)) == -500
    assert Document.objects.filter(customer=c.chloe, kind=DocumentKind.INVOICE).count() == 1

    with time_machine.travel(starts + timedelta(hours=3)):
        # She rates the session.
        log_in(page, "chloe@example.org")
        page.goto(event.get_absolute_url())
        click_and_wait(page, f"{block} a:has-text('How did it go?')")
        page.locator("input[name=rating][value='4']").check()
        page.locator("input[name=prepared][value='5']").check()
        page.fill("textarea[name=text]", "Clear and hands-on")
        click_and_wait(page, "main form button[type=submit]")
        assert Feedback.objects.get(user=c.chloe).rating == 4

        # Anna, host admin, sees it in Bram's aggregate.
        log_in(page, "anna@example.org")
        page.goto(f"/events/coaching/{c.host.slug}/")
        coaches = page.locator("[data-testid=coaches]").inner_text()
        assert c.bram.public_name in coaches
        assert "4.0" in coaches
        assert page.locator("[data-testid=chart]").count() == 1
