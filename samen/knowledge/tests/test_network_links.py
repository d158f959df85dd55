"""Where the learning network meets the other pages: a credits request shows the people who
offer what it asks for and related library items; an event page shows related items; the
newsletter's first draft lists the upcoming events; an offerer records the session given
to someone who asked, as a credits delivery the recipient confirms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from samen.credits.actions import help_request_create
from samen.credits.models import DeliveryStatus
from samen.credits.tests.factories import make_scheme
from samen.events.actions import event_create, event_publish
from samen.knowledge import actions
from samen.knowledge.models import ItemKind, OfferTake

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, html
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_a_request_shows_who_offers_its_skills_and_related_items(client: Any, network: Any) -> None:
    c = network.c
    scheme = make_scheme(c)
    offer = actions.offer_create(
        actor=c.bram, host=c.host, title="Woodwork afternoons", skills=["Carpentry"]
    )
    wanted = help_request_create(
        actor=c.chloe, scheme=scheme, title="A bench for the garden", skills=["Carpentry"]
    )
    client.force_login(c.chloe)
    page = client.get(f"/credits/requests/{wanted.pk}/").content.decode()
    offers = page.split('id="matching-offers"', 1)[1].split("</section>", 1)[0]
    assert offer.title in offers
    related = page.split('id="related-library"', 1)[1].split("</section>", 1)[0]
    assert network.published.title in related  # tagged Carpentry, for everyone
    assert network.in_review.title not in page  # waiting for review: never shown


def test_an_event_page_and_the_newsletter_draft_link_the_library_and_the_events(
    client: Any, network: Any
) -> None:
    c = network.c
    guide = actions.item_create(
        actor=c.gilles,
        host=c.host,
        kind=ItemKind.CHECKLIST,
        title="Running a workshop",
        summary="Before, during, after.",
        body="Book the room.",
        language="en",
        tags=["Workshop"],
    )
    actions.item_review(
        actor=c.anna, item=actions.item_submit(actor=c.gilles, item=guide), publish=True
    )
    starts = timezone.now() + dt.timedelta(days=7)
    event = event_create(
        actor=c.anna,
        owner=c.host,
        kind="workshop",
        title="Repair workshop",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        place="Rue Haute 1, Brussels",
    )
    assert "Repair workshop" not in actions.issue_suggestion(c.host)  # a draft: not yet
    event_publish(actor=c.anna, event=event)

    page = client.get(event.get_absolute_url()).content.decode()
    related = page.split('id="related-library"', 1)[1].split("</section>", 1)[0]
    assert "Running a workshop" in related
    assert "Repair workshop" in actions.issue_suggestion(c.host)


def test_the_offerer_records_the_session_given_from_the_offer_page(
    client: Any, network: Any
) -> None:
    c = network.c
    make_scheme(c)  # bram and chloe become members of the host with credits
    offer = actions.offer_create(actor=c.bram, host=c.host, title="Brewing lessons")
    take = actions.offer_take(actor=c.chloe, offer=offer, message="Next week?")
    url = f"/knowledge/offers/takes/{take.pk}/deliver/"
    client.force_login(c.bram)
    page = client.get(offer.get_absolute_url()).content.decode()
    assert _options(page, "service_code") == ["", "session"]  # between members only

    refused = client.post(url, {"on": "2026-11-02", "quantity": "1", "service_code": "workshop"})
    assert refused.status_code == 400
    assert OfferTake.objects.get(pk=take.pk).delivery is None
    response = client.post(url, {"on": "2026-11-02", "quantity": "2", "service_code": "session"})
    assert response.status_code == 302
    delivery = OfferTake.objects.select_related("delivery").get(pk=take.pk).delivery
    assert delivery is not None
    assert (delivery.provider, delivery.recipient, delivery.status) == (
        c.bram,
        c.chloe,
        DeliveryStatus.PENDING,
    )
    assert f'action="{url}"' not in client.get(offer.get_absolute_url()).content.decode()
    again = client.post(url, {"on": "2026-11-02", "quantity": "1", "service_code": "session"})
    assert again.status_code == 400

    client.force_login(c.chloe)  # the one who asked cannot record it
    assert client.post(url, {"on": "2026-11-02", "quantity": "1"}).status_code == 403
