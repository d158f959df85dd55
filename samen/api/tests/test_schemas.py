"""PatchSchema: a null for a field that needs a value is a 422, never a server error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from samen.api.tests.factories import bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/hosts/brussels-commons", {"name": None}),
        ("/api/v1/hosts/brussels-commons", {"iban": None, "terms": None}),
        ("/api/v1/collectives/brasserie-zinneke", {"name": None}),
    ],
)
def test_null_where_a_value_is_needed_is_422(
    client: Client, community: Any, url: str, body: dict[str, Any]
) -> None:
    """Found by the fuzz test: ``{"name": null}`` reached the database as NULL (500)."""
    admin = community.anna if "hosts" in url else community.bram
    _, secret = make_token(admin)
    response = client.patch(
        url, data=json.dumps(body), content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert "may not be null" in response.json()["detail"]


def test_null_where_it_means_something_is_accepted(client: Client, community: Any) -> None:
    _, secret = make_token(community.anna)
    response = client.patch(
        "/api/v1/hosts/brussels-commons",
        data=json.dumps({"flat_monthly_fee_cents": None}),
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 200, response.content


def test_billing_profile_country_longer_than_two_letters_is_422(
    client: Client, community: Any
) -> None:
    """Found by the fuzz test on PostgreSQL: a long country was a 500 (varchar(2))."""
    _, secret = make_token(community.anna)
    response = client.put(
        "/api/v1/invoicing/hosts/brussels-commons/billing-profile",
        data=json.dumps({"country": "Belgium"}),
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 422, response.content
