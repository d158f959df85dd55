from __future__ import annotations

import pytest
from django.test import Client

from samen.accounts.models import Visibility
from samen.accounts.tests.factories import give_profile
from samen.api.actions import token_revoke
from samen.api.tests.factories import bearer, make_token

pytestmark = pytest.mark.django_db


def test_token_caller_counts_as_a_signed_in_member(client: Client, anna, bram) -> None:
    give_profile(anna, city="Members Town", visibility=Visibility.MEMBERS)
    assert client.get(f"/api/v1/people/{anna.pk}").json()["city"] is None
    token, secret = make_token(bram)
    data = client.get(f"/api/v1/people/{anna.pk}", **bearer(secret)).json()
    assert data["city"] == "Members Town"
    token_revoke(actor=bram, token=token)
    response = client.get(f"/api/v1/people/{anna.pk}", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_person_endpoint_is_in_the_openapi_document(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/people/{person_id}"]["get"]
    assert "email" not in str(schema["components"]["schemas"]["PersonOut"])
    assert operation["tags"] == ["people"]
