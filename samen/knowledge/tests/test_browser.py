"""The open network in Debian's chromium: a visitor subscribes to the host's newsletter,
confirms, receives an issue listing a concept that needs a skill and unsubscribes in one
click; an owner moves their concept to "prototype" and the host's funnel shows it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from samen.knowledge import actions
from samen.knowledge.models import Subscription, SubscriptionStatus
from samen.lib.testing import click_and_wait, log_in

pytestmark = pytest.mark.browser


def _path(body: str, kind: str) -> str:
    found = re.search(rf"(/knowledge/newsletter/{kind}/[^\s]+/)", body)
    assert found
    return found.group(1)


def test_subscribe_receive_unsubscribe_and_the_funnel(page: Any, network: Any) -> None:
    c = network.c
    mail.outbox.clear()
    page.goto("/knowledge/newsletter/host/brussels-commons/")
    page.fill("#id_email", "visitor@example.org")
    page.select_option("#id_language", value="en")
    click_and_wait(page, "main form button[type=submit]")
    page.locator("#subscribed").wait_for()
    [confirmation] = mail.outbox
    page.goto(_path(str(confirmation.body), "confirm"))
    click_and_wait(page, "main form button[type=submit]")
    page.locator("#confirmed").wait_for()

    mail.outbox.clear()
    issue = actions.issue_create(
        actor=c.anna, owner=c.host, subject="Help wanted", body=actions.issue_suggestion(c.host)
    )
    actions.issue_send(actor=c.anna, issue=issue)
    [message] = [m for m in mail.outbox if m.to == ["visitor@example.org"]]
    assert "Repair café (Carpentry)" in str(message.body)
    page.goto(_path(str(message.body), "unsubscribe"))
    click_and_wait(page, "main form button[type=submit]")
    page.locator("#unsubscribed").wait_for()
    visitor = Subscription.objects.get(email="visitor@example.org")
    assert visitor.status == SubscriptionStatus.UNSUBSCRIBED

    log_in(page, "gilles@example.org")
    page.goto(network.public.get_absolute_url())
    page.select_option("#id_stage", value="prototype")
    click_and_wait(page, "form[action$='/move/'] button[type=submit]")
    assert page.locator("#stage").inner_text() in {"Prototype"}
    log_in(page, "anna@example.org")
    page.goto("/knowledge/hosts/brussels-commons/concepts/")
    assert page.locator("#funnel tr[data-stage=prototype] .count").inner_text() == "1"
    assert "Repair café" in page.locator("#board [data-stage=prototype]").inner_text()


def test_an_owner_registers_an_organisation_that_then_co_owns_the_concept(
    page: Any, network: Any
) -> None:
    c = network.c
    log_in(page, "gilles@example.org")  # his pages are in French: the test reads ids
    page.goto("/knowledge/hosts/brussels-commons/concepts/")
    click_and_wait(page, "a[href$='/organisations/new/']")
    page.fill("#id_name", "Forest Mushrooms cv")
    page.fill("#id_vat_number", "BE0123")
    click_and_wait(page, "main form button[type=submit]")
    assert page.locator("#id_name").input_value() == "Forest Mushrooms cv"  # kept
    assert "BE0403170701" in page.locator("main form [role=alert]").inner_text()  # its example
    page.fill("#id_vat_number", "BE 0403.170.701")
    click_and_wait(page, "main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Forest Mushrooms cv"
    page.select_option("#id_person", label=c.chloe.public_name)
    click_and_wait(page, "#person-form button[type=submit]")
    assert c.chloe.public_name in page.locator("#organisation-people").inner_text()

    page.goto(network.private.get_absolute_url())
    page.select_option("#id_organisation", label="Forest Mushrooms cv")
    click_and_wait(page, "#organisation-owner-form button[type=submit]")
    assert "Forest Mushrooms cv" in page.locator("#owners").inner_text()

    # Chloé acts for the organisation: the private concept and its notes are hers too.
    log_in(page, "chloe@example.org")
    page.goto(network.private.get_absolute_url())
    assert page.locator("h1").inner_text() == "Secret garden"
    assert page.locator("#notes-title").is_visible()
