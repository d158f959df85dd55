"""The rate-card pick-list: where a library item or an offer names the rate-card service
that pays its author, the form offers the host's services as a select (the earning host
services for items, the services between members for offers) and refuses any other."""

from __future__ import annotations

import re
from typing import Any

import pytest

from samen.credits.tests.factories import make_scheme
from samen.knowledge import actions, queries
from samen.knowledge.models import ItemCredit, ItemKind, ItemStatus, Offer

pytestmark = pytest.mark.django_db

OFFER_NEW = "/knowledge/hosts/brussels-commons/offers/new/"


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, html
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def _in_review(c: Any) -> Any:
    item = actions.item_create(
        actor=c.chloe,
        host=c.host,
        kind=ItemKind.CASE,
        title="The repair café case",
        summary="How it went.",
        body="Well.",
        language="en",
    )
    return actions.item_submit(actor=c.chloe, item=item)


def test_the_review_form_offers_the_services_that_pay_authors(client: Any, community: Any) -> None:
    c = community
    make_scheme(c)
    assert queries.rate_card_services(c.host, peer=False) == [("article", "Article")]
    item = _in_review(c)
    client.force_login(c.anna)
    assert _options(client.get(item.get_absolute_url()).content.decode(), "service_code") == [
        "",
        "article",
    ]
    url = f"/knowledge/library/{item.pk}/review/"
    for forged in ("workshop", "session", "essay"):  # costs, between members, unknown
        response = client.post(url, {"decision": "publish", "service_code": forged})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        item.refresh_from_db()
        assert item.status == ItemStatus.REVIEW
    response = client.post(url, {"decision": "publish", "service_code": "article"})
    assert response.status_code == 302
    assert ItemCredit.objects.filter(item=item, author=c.chloe).exists()


def test_the_offer_form_offers_the_services_between_members(client: Any, community: Any) -> None:
    c = community
    make_scheme(c)
    client.force_login(c.chloe)
    assert _options(client.get(OFFER_NEW).content.decode(), "service_code") == ["", "session"]
    refused = client.post(OFFER_NEW, {"title": "Soldering", "service_code": "workshop"})
    assert refused.status_code == 400
    assert not Offer.objects.filter(title="Soldering").exists()
    response = client.post(OFFER_NEW, {"title": "Soldering", "service_code": "session"})
    assert response.status_code == 302
    assert Offer.objects.get(title="Soldering").service_code == "session"


def test_a_host_without_credits_shows_no_pick_list(client: Any, community: Any) -> None:
    c = community
    item = _in_review(c)
    client.force_login(c.anna)
    assert 'name="service_code"' not in client.get(item.get_absolute_url()).content.decode()
    response = client.post(f"/knowledge/library/{item.pk}/review/", {"decision": "publish"})
    assert response.status_code == 302
    client.force_login(c.chloe)
    assert 'name="service_code"' not in client.get(OFFER_NEW).content.decode()
