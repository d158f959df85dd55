"""The credits and invoicing API: the delivery cycle, refusals as {"detail", "code"} 4xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from samen.credits.models import Delivery
from samen.credits.tests.factories import make_scheme
from samen.invoicing.models import Document

pytestmark = pytest.mark.django_db


def _send(client, method, url, data=None):
    return getattr(client, method)(
        f"/api/v1{url}", data=json.dumps(data or {}), content_type="application/json"
    )


def test_delivery_cycle_through_the_api(client, community):
    make_scheme(community)
    slug = community.host.slug
    today = timezone.localdate().isoformat()
    client.force_login(community.bram)
    card = client.get(f"/api/v1/credits/{slug}/rate-card").json()
    assert {s["code"]: s["value"] for s in card["services"]}["workshop"] == "0.500"
    created = _send(
        client,
        "post",
        f"/credits/{slug}/deliveries",
        {"service": "session", "date": today, "member_id": community.chloe.pk},
    )
    assert created.status_code == 201
    delivery_id = created.json()["id"]
    refused = _send(client, "post", f"/credits/deliveries/{delivery_id}/confirm")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed"

    client.force_login(community.chloe)
    waiting = client.get(f"/api/v1/credits/{slug}/deliveries/awaiting").json()
    assert [d["id"] for d in waiting] == [delivery_id]
    confirmed = _send(client, "post", f"/credits/deliveries/{delivery_id}/confirm")
    assert confirmed.json()["status"] == "confirmed"
    mine = client.get(f"/api/v1/credits/{slug}/balance").json()
    assert mine["balance_units"] == -1000
    assert mine["balance"] == "-1.000"
    documents = client.get("/api/v1/invoicing/documents").json()["items"]
    assert [(d["kind"], d["gross_total"]) for d in documents] == [("invoice", "60.50")]
    pdf = client.get(f"/api/v1/invoicing/documents/{documents[0]['id']}/pdf")
    assert pdf.content.startswith(b"%PDF-")
    assert client.get(f"/api/v1/invoicing/documents/{documents[0]['id']}/ubl").status_code == 404

    client.force_login(community.anna)
    debtors = client.get(f"/api/v1/credits/{slug}/imbalances").json()
    assert [(d["name"], d["balance_units"]) for d in debtors] == [("Chloé", -1000)]
    host_docs = client.get(f"/api/v1/invoicing/hosts/{slug}/documents").json()["items"]
    assert len(host_docs) == 2


def test_api_refusals(client, community):
    make_scheme(community, limit=0)
    slug = community.host.slug
    today = timezone.localdate().isoformat()
    client.force_login(community.bram)
    over = _send(
        client,
        "post",
        f"/credits/{slug}/deliveries",
        {"service": "session", "date": today, "member_id": community.chloe.pk},
    )
    assert over.status_code == 422
    assert over.json()["code"] == "limit_exceeded"
    stranger = _send(
        client,
        "post",
        f"/credits/{slug}/deliveries",
        {"service": "session", "date": today, "member_id": community.eva.pk},
    )
    assert stranger.json()["code"] == "not_a_member"
    bad = _send(client, "post", f"/credits/{slug}/deliveries", {"service": "session"})
    assert bad.status_code == 422
    assert not Delivery.objects.exists()
    assert (
        _send(
            client, "put", f"/credits/{slug}/limits/{community.chloe.pk}", {"limit_units": 5000}
        ).status_code
        == 403
    )
    client.force_login(community.anna)
    assert (
        _send(
            client, "put", f"/credits/{slug}/limits/{community.chloe.pk}", {"limit_units": 5000}
        ).status_code
        == 204
    )
    client.force_login(community.eva)
    assert client.get(f"/api/v1/credits/{slug}/balance").status_code == 403
    assert client.get(f"/api/v1/credits/{slug}/imbalances").status_code == 403
    profile = _send(
        client, "put", f"/invoicing/hosts/{slug}/billing-profile", {"enterprise_number": "1"}
    )
    assert profile.status_code in {403, 422}
    client.logout()
    assert client.get(f"/api/v1/credits/{slug}/balance").status_code == 401
    assert not Document.objects.exists()


def test_host_admin_creates_a_scheme_and_publishes_rate_cards(client, community):
    slug = community.host.slug
    scheme = {"code": "SIF", "name": "SIF", "euro_value": "50.00", "vat_rate": "21.00"}
    client.force_login(community.chloe)
    assert _send(client, "post", f"/credits/{slug}/scheme", scheme).status_code == 403
    client.force_login(community.anna)
    bad = _send(client, "post", f"/credits/{slug}/scheme", {**scheme, "vat_rate": "19"})
    assert bad.status_code == 422
    created = _send(client, "post", f"/credits/{slug}/scheme", scheme)
    assert created.status_code == 201
    assert created.json()["auto_confirm_days"] == 14
    assert (
        _send(client, "post", f"/credits/{slug}/scheme", scheme).json()["code"] == "scheme_exists"
    )
    card: dict[str, Any] = {
        "valid_from": "2026-01-01",
        "services": [
            {
                "code": "workshop",
                "name_en": "Workshop",
                "name_nl": "Workshop",
                "direction": "costs",
                "value_units": 500,
            },
            {
                "code": "session",
                "name_en": "Session",
                "direction": "earns",
                "counterparty": "member",
                "value_units": 1000,
            },
        ],
    }
    published = _send(client, "post", f"/credits/{slug}/rate-cards", card)
    assert published.status_code == 201
    assert published.json()["version"] == 1
    again = _send(
        client, "post", f"/credits/{slug}/rate-cards", {**card, "valid_from": "2026-01-01"}
    )
    assert again.status_code == 422
    wrong = {
        "valid_from": "2026-02-01",
        "services": [{**card["services"][1], "direction": "costs"}],
    }
    assert _send(client, "post", f"/credits/{slug}/rate-cards", wrong).status_code == 422
