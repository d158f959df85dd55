"""A member in debt finds a request matching their skills and answers it, clicked through in
Debian's chromium: the requester confirms, the request is answered and the debt shrinks."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from samen.credits.actions import delivery_confirm, help_request_create, wallet, workshop_record
from samen.credits.models import RequestStatus
from samen.credits.tests.factories import give_skills, make_scheme
from samen.ledger.queries import balance
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser


def test_debtor_answers_a_matching_request(page: Any, community):
    scheme = make_scheme(community)
    bram, chloe = community.bram, community.chloe
    slug = community.host.slug
    (workshop,) = workshop_record(
        actor=community.anna,
        scheme=scheme,
        service_code="workshop",
        on=timezone.localdate(),
        participants=[bram],
    )
    delivery_confirm(actor=bram, delivery=workshop)
    give_skills(bram, "Cooking")
    asked = help_request_create(
        actor=chloe,
        scheme=scheme,
        title="Soup for the street party",
        skills=["Cooking"],
        service_code="session",
    )

    # Bram, 0.5 in debt, sees the request among those he could answer.
    log_in(page, bram.email)
    page.goto(f"/credits/{slug}/")
    assert "-0.5" in page.locator("#balance").inner_text()
    matches = page.locator("#matches")
    assert "Soup for the street party" in matches.inner_text()
    click_and_wait(page, "#matches a:has-text('Soup for the street party')")
    click_and_wait(page, "#i-can-help")
    assert "You answer the request" in page.locator("#answering").inner_text()
    assert page.locator("#id_member").input_value() == str(chloe.pk)
    assert page.locator("#id_service").input_value() == "session"
    click_and_wait(page, "main form button[type=submit]")
    assert page.url.endswith(f"/credits/requests/{asked.pk}/")

    # Chloé confirms the session on her request.
    log_in(page, chloe.email)
    page.goto(f"/credits/requests/{asked.pk}/")
    click_and_wait(page, "#offers button:has-text('Confirm')")
    assert "Answered" in page.locator("#request-status").inner_text()
    assert "Answered by Bram" in page.locator("#answered").inner_text()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ANSWERED
    assert balance(wallet(scheme, bram)) == 500
    assert balance(wallet(scheme, chloe)) == -1000

    # Back on Bram's page the request is no longer offered.
    log_in(page, bram.email)
    page.goto(f"/credits/{slug}/")
    assert "Soup for the street party" not in page.locator("#matches").inner_text()
