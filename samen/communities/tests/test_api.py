"""API flows and its bad-input answers: {"detail", "code"} with a 4xx, nothing saved."""

from __future__ import annotations

import json

import pytest

from samen.communities.models import Collective, Host

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(f"/api/v1{url}", data=json.dumps(data), content_type="application/json")


def test_create_collective_and_taken_slug(client, community):
    client.force_login(community.eva)
    response = _post(client, "/collectives", {"name": "Garden", "tags": ["garden"]})
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "garden"
    assert body["host"] is None
    assert body["status"] == "unhosted"
    assert body["tags"] == ["garden"]
    response = _post(client, "/collectives", {"name": "Other", "slug": "garden"})
    assert response.status_code == 409
    assert response.json()["code"] == "slug_taken"
    assert Collective.objects.filter(slug="garden").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("iban", "BE68 5390 0754 7035", "invalid_iban"),
        ("enterprise_number", "0403019262", "invalid_enterprise_number"),
    ],
)
def test_host_bad_numbers(client, eva, field, value, code):
    client.force_login(eva)
    response = _post(client, "/hosts", {"name": "H", field: value})
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Host.objects.exists()


def test_host_bank_details_only_for_finance(client, community):
    assert "iban" not in client.get("/api/v1/hosts/brussels-commons").json()
    client.force_login(community.femke)
    assert client.get("/api/v1/hosts/brussels-commons").json()["iban"] == "BE68539007547034"


def test_apply_and_approve_with_custom_fee(client, community):
    c = community
    client.force_login(c.bram)
    _post(client, "/collectives", {"name": "Pop-up"})
    response = _post(
        client,
        "/hosts/brussels-commons/applications",
        {"collective": "pop-up", "answers": ["Beer"], "terms_accepted": True},
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    response = _post(client, f"/applications/{pk}/approve", {"custom_fee_percent": "1.5"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_host_admin"
    client.force_login(c.anna)
    response = _post(client, f"/applications/{pk}/approve", {"custom_fee_percent": "1.5"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    detail = client.get("/api/v1/collectives/pop-up").json()
    assert detail["host"] == "brussels-commons"
    assert detail["fee_percent"] == "1.50"
    client.logout()
    assert client.get("/api/v1/collectives/pop-up").json()["fee_percent"] is None


def test_cursor_pagination_of_collectives(client, community):
    first = client.get("/api/v1/collectives?limit=1").json()
    assert len(first["items"]) == 1
    second = client.get(f"/api/v1/collectives?limit=1&cursor={first['next_cursor']}").json()
    assert second["items"][0]["slug"] != first["items"][0]["slug"]
    assert client.get("/api/v1/collectives?cursor=forged").status_code == 400


def test_search_through_the_api(client, community):
    items = client.get("/api/v1/collectives?q=champignons").json()["items"]
    assert [i["slug"] for i in items] == ["champignons-de-forest"]


def test_rules_state_for_a_member(client, community):
    client.force_login(community.bram)
    assert (
        _post(client, "/collectives/brasserie-zinneke/rules", {"text": "Be kind."}).status_code
        == 201
    )
    client.force_login(community.chloe)
    state = client.get("/api/v1/collectives/brasserie-zinneke/rules").json()
    assert state["needs_acceptance"] is True
    assert state["current"]["version"] == 1
    state = _post(client, "/collectives/brasserie-zinneke/rules/accept", {}).json()
    assert state["needs_acceptance"] is False


def test_validation_errors_are_422_with_the_error_shape(client, eva):
    client.force_login(eva)
    response = _post(client, "/collectives", {"name": ""})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
