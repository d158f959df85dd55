"""Token scopes: chosen on the page and in the API, shown, and enforced by the API auth for
every operation (the scope matrix walks all of them)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from samen.api.api import api
from samen.api.models import PersonalToken
from samen.api.scopes import SAFE_METHODS, api_areas, operation_scope
from samen.api.tests.factories import bearer, make_token
from samen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _operations() -> list[tuple[str, str, Any]]:
    """(method, path template, operation) of every API operation."""
    found = []
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            template = "/".join(part for part in ("/api/v1", router.prefix, path) if part)
            template = re.sub(r"/+", "/", template)
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append((method, template, operation))
    return found


def _url(template: str) -> str:
    """A concrete URL naming nothing that exists (the scope check comes first anyway)."""
    url = re.sub(r"\{uuid:[^}]+\}", "00000000-0000-0000-0000-000000000000", template)
    return re.sub(r"\{[^}]+\}", "999999", url)


def _call(client: Client, method: str, url: str, secret: str) -> Any:
    return client.generic(
        method, url, data=json.dumps({}), content_type="application/json", **bearer(secret)
    )


def _refused_for_scope(response: Any) -> bool:
    if response.status_code != 403:
        return False
    return response.json().get("code") == "insufficient_scope"


def test_every_operation_has_an_area_the_token_page_offers() -> None:
    areas = {area for area, _label in api_areas()}
    assert {"accounts", "communities", "funding", "expenses", "credits", "ledger"} <= areas
    for _method, _template, operation in _operations():
        assert operation_scope(operation).area in areas


def test_scope_matrix_covers_every_operation(client: Client, anna: Any) -> None:
    """Each operation, with a read-only token, a token for its own area only and a token for
    another area only: refused with ``insufficient_scope`` exactly when the scopes say so."""
    areas = [area for area, _label in api_areas()]
    _, read_only = make_token(anna, "read", read_only=True)
    by_area = {area: make_token(anna, area, areas=[area])[1] for area in areas}
    wrong = []
    operations = _operations()
    assert len(operations) > 100
    for method, template, operation in operations:
        url = _url(template)
        area = operation_scope(operation).area
        other = next(a for a in areas if a != area)
        write = method not in SAFE_METHODS
        cases = [("read-only", read_only, write), ("own area", by_area[area], False)]
        cases.append(("other area", by_area[other], True))
        for name, secret, refused in cases:
            response = _call(client, method, url, secret)
            if _refused_for_scope(response) != refused:
                wrong.append(f"{method} {url} with the {name} token: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_read_only_token_reads_but_cannot_write(client: Client, anna: Any) -> None:
    _, secret = make_token(anna, "reader", read_only=True)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"display_name": "Mallory"}),
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "read-only" in response.json()["detail"]
    anna.refresh_from_db()
    assert anna.display_name == "Anna"


def test_area_token_is_refused_elsewhere_and_names_the_area(client: Client, anna: Any) -> None:
    _, secret = make_token(anna, "funding script", areas=["funding"])
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "Accounts" in response.json()["detail"]
    # In its own area the token goes on to the ordinary checks (here: an unknown contribution).
    response = client.get("/api/v1/funding/contributions/nope", **bearer(secret))
    assert response.status_code == 404


def test_scope_refusal_is_in_the_callers_language(client: Client, make_user: Any) -> None:
    gilles = make_user("gilles@example.org", "Gilles", language="fr")
    _, secret = make_token(gilles, "lecture", read_only=True)
    response = client.patch(
        "/api/v1/me", data=json.dumps({}), content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    assert "lecture seule" in response.json()["detail"]


def test_a_session_is_not_limited_by_scopes(client: Client, anna: Any) -> None:
    make_token(anna, "reader", read_only=True)
    client.force_login(anna)
    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"display_name": "Anna P."}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_csrf(client),
    )
    assert response.status_code == 200


def _csrf(client: Client) -> str:
    client.get("/settings/tokens/")
    return client.cookies["csrftoken"].value


def test_tokens_made_before_scopes_keep_full_access() -> None:
    token = PersonalToken()
    assert token.read_only is False
    assert token.areas == []
    assert token.allows("funding", write=True)
    assert token.allows("a-future-area", write=True)


def test_page_default_is_read_only_in_every_area(client: Client, anna: Any) -> None:
    client.force_login(anna)
    page = client.get("/settings/tokens/new/").content.decode()
    assert 'value="read" id="id_access_0" checked' in page
    response = client.post("/settings/tokens/new/", {"name": "cron", "lifetime": "30"})
    token = PersonalToken.objects.get(user=anna)
    assert token.read_only is True
    assert token.areas == []
    assert "every area" in response.content.decode()


def test_page_creates_a_scoped_token_and_shows_its_scopes(client: Client, anna: Any) -> None:
    client.force_login(anna)
    response = client.post(
        "/settings/tokens/new/",
        {
            "name": "bookkeeping",
            "lifetime": "90",
            "access": "write",
            "reach": "some",
            "areas": ["funding", "expenses"],
        },
    )
    assert response.status_code == 200
    token = PersonalToken.objects.get(user=anna)
    assert token.read_only is False
    assert token.areas == ["expenses", "funding"]
    page = response.content.decode()
    assert "read and change" in page
    assert "Expenses, Funding" in page
    listing = client.get("/settings/tokens/").content.decode()
    assert "Expenses, Funding" in listing
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.data["areas"] == ["expenses", "funding"]
    assert entry.data["read_only"] is False


def test_page_asks_for_an_area_when_some_areas_is_chosen(client: Client, anna: Any) -> None:
    client.force_login(anna)
    response = client.post(
        "/settings/tokens/new/", {"name": "x", "lifetime": "30", "reach": "some"}
    )
    assert "Choose at least one area" in response.content.decode()
    assert not PersonalToken.objects.exists()


def test_page_refuses_an_unknown_area(client: Client, anna: Any) -> None:
    client.force_login(anna)
    client.post(
        "/settings/tokens/new/",
        {"name": "x", "lifetime": "30", "reach": "some", "areas": ["nuclear"]},
    )
    assert not PersonalToken.objects.exists()


def test_api_creates_a_scoped_token(client: Client, anna: Any) -> None:
    client.force_login(anna)
    response = client.post(
        "/api/v1/me/tokens",
        data=json.dumps({"name": "ci", "read_only": False, "areas": ["ledger"]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_csrf(client),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["read_only"] is False
    assert body["areas"] == ["ledger"]
    listed = client.get("/api/v1/me/tokens").json()["items"][0]
    assert listed["areas"] == ["ledger"]
    assert listed["read_only"] is False


def test_api_token_defaults_to_read_only(client: Client, anna: Any) -> None:
    client.force_login(anna)
    response = client.post(
        "/api/v1/me/tokens",
        data=json.dumps({"name": "ci"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_csrf(client),
    )
    assert response.json()["read_only"] is True
    assert response.json()["areas"] == []


def test_api_refuses_an_unknown_area(client: Client, anna: Any) -> None:
    client.force_login(anna)
    response = client.post(
        "/api/v1/me/tokens",
        data=json.dumps({"name": "ci", "areas": ["nuclear"]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_csrf(client),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "nuclear" in response.json()["detail"]
    assert not PersonalToken.objects.exists()


def test_openapi_names_the_scope_of_each_operation(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    security = document["paths"]["/api/v1/me"]["patch"]["security"]
    assert {"TokenAuth": ["accounts:write"]} in security
    security = document["paths"]["/api/v1/collectives"]["get"]["security"]
    assert {"TokenAuth": ["communities:read"]} in security
    assert {} in security  # anonymous callers are welcome on public reads
