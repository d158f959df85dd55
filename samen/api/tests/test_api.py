from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import timezone
from ninja.errors import Throttled
from openapi_spec_validator import validate

from samen.api.actions import token_revoke
from samen.api.errors import ApiError
from samen.api.models import PersonalToken
from samen.api.tests.factories import bearer, make_token
from samen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_me_with_a_token(client: Client, anna) -> None:
    _, secret = make_token(anna)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "id": anna.pk,
        "display_name": "Anna",
        "language": "",
        "email": "anna@example.org",
    }


def test_me_with_a_session(client: Client, anna) -> None:
    client.force_login(anna)
    assert client.get("/api/v1/me").json()["email"] == "anna@example.org"


def test_no_credentials_is_401_not_authenticated(client: Client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer samen_doesnotexist",
        "Bearer not-even-our-format",
        "Bearer ",
    ],
)
def test_unknown_token_is_401_invalid_token(client: Client, anna, header: str) -> None:
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_bad_token_is_refused_even_with_a_session(client: Client, anna) -> None:
    # A script with a broken token must learn so, not silently act as the browser's user.
    client.force_login(anna)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer samen_wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_revoked_token_cannot_be_reused(client: Client, anna) -> None:
    token, secret = make_token(anna)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    token_revoke(actor=anna, token=token)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_expired_token_is_refused(client: Client, anna) -> None:
    token, secret = make_token(anna, expires_at=timezone.now() + timedelta(days=1))
    PersonalToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_token_of_a_deactivated_person_is_refused(client: Client, anna) -> None:
    _, secret = make_token(anna)
    anna.is_active = False
    anna.save()
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(
    client: Client, anna, django_assert_num_queries
) -> None:
    token, secret = make_token(anna)
    assert token.last_used_at is None
    client.get("/api/v1/me", **bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    # The second call within the minute reads the token and writes nothing.
    with django_assert_num_queries(1):
        client.get("/api/v1/me", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first
    PersonalToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/me", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)


def test_patch_me_changes_name_and_language(client: Client, anna) -> None:
    _, secret = make_token(anna)
    response = client.patch(
        "/api/v1/me",
        data={"display_name": "Anna V.", "language": "nl"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Anna V."
    anna.refresh_from_db()
    assert (anna.display_name, anna.language) == ("Anna V.", "nl")
    assert AuditEntry.objects.filter(action="user.update", actor=anna).exists()


def test_patch_me_leaves_missing_fields_alone(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.patch("/api/v1/me", data={"language": "fr"}, content_type="application/json")
    assert response.status_code == 200
    anna.refresh_from_db()
    assert (anna.display_name, anna.language) == ("Anna", "fr")


def test_unknown_language_is_422_invalid(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.patch("/api/v1/me", data={"language": "xx"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"].startswith("language:")
    assert "en, nl, fr" in body["detail"]
    anna.refresh_from_db()
    assert anna.language == ""


def test_malformed_json_is_400_malformed(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.patch("/api/v1/me", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"


def test_session_write_without_csrf_is_403_csrf_failed(anna) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    response = client.patch("/api/v1/me", data={"language": "nl"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    anna.refresh_from_db()
    assert anna.language == ""


def test_session_write_with_csrf_token_passes(anna) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    client.get("/settings/tokens/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        "/api/v1/me",
        data={"language": "nl"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200
    assert response.json()["language"] == "nl"
    anna.refresh_from_db()
    assert anna.language == "nl"


def test_token_writes_need_no_csrf(anna) -> None:
    client = Client(enforce_csrf_checks=True)
    _, secret = make_token(anna)
    response = client.patch(
        "/api/v1/me", data={"language": "nl"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 200
    assert response.json()["language"] == "nl"
    anna.refresh_from_db()
    assert anna.language == "nl"


def test_unknown_api_path_is_404_json(client: Client) -> None:
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_is_405_json(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.put("/api/v1/me", data={}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "PATCH" in response["Allow"]


def test_tokens_create_list_revoke(client: Client, anna) -> None:
    client.force_login(anna)
    created = client.post(
        "/api/v1/me/tokens", data={"name": "backup script"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("samen_")
    assert body["token"].startswith(body["prefix"])
    assert body["status"] == "active"
    stored = PersonalToken.objects.get(pk=body["id"])
    assert body["token"] not in (stored.token_hash, stored.prefix)

    listed = client.get("/api/v1/me/tokens").json()
    assert [t["name"] for t in listed["items"]] == ["backup script"]
    assert "token" not in listed["items"][0]
    assert "token_hash" not in listed["items"][0]
    assert listed["next_cursor"] is None

    assert client.delete(f"/api/v1/me/tokens/{body['id']}").status_code == 204
    assert client.get("/api/v1/me", **bearer(body["token"])).status_code == 401
    assert client.get("/api/v1/me/tokens").json()["items"][0]["status"] == "revoked"


def test_a_token_cannot_mint_tokens(client: Client, anna) -> None:
    _, secret = make_token(anna)
    response = client.post(
        "/api/v1/me/tokens", data={"name": "x"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert PersonalToken.objects.count() == 1


def test_token_in_the_past_is_422(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.post(
        "/api/v1/me/tokens",
        data={"name": "x", "expires_at": "2001-01-01T00:00:00Z"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not PersonalToken.objects.exists()


def test_blank_token_name_is_422(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.post("/api/v1/me/tokens", data={"name": ""}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("name:")


def test_someone_elses_token_is_404(client: Client, anna, eva) -> None:
    token, _ = make_token(anna)
    client.force_login(eva)
    response = client.delete(f"/api/v1/me/tokens/{token.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_list_pages_through_everything_once(client: Client, anna) -> None:
    tokens = [make_token(anna, f"t{i}")[0] for i in range(7)]
    # Ties on created_at must still page correctly: the id breaks them.
    same = timezone.now()
    PersonalToken.objects.filter(pk__in=[t.pk for t in tokens[2:6]]).update(created_at=same)
    client.force_login(anna)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/me/tokens", query).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    expected = list(
        PersonalToken.objects.order_by("-created_at", "-id").values_list("id", flat=True)
    )
    assert seen == expected


def test_tampered_cursor_is_400_invalid_cursor(client: Client, anna) -> None:
    for i in range(3):
        make_token(anna, f"t{i}")
    client.force_login(anna)
    cursor = client.get("/api/v1/me/tokens", {"limit": 1}).json()["next_cursor"]
    forged = cursor[:-3] + ("aaa" if not cursor.endswith("aaa") else "bbb")
    for bad in (forged, "garbage", ""):
        response = client.get("/api/v1/me/tokens", {"cursor": bad, "limit": 1})
        if bad == "":
            assert response.status_code == 200  # empty means: first page
            continue
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_cursor"


def test_limit_is_bounded(client: Client, anna) -> None:
    client.force_login(anna)
    assert client.get("/api/v1/me/tokens", {"limit": 101}).status_code == 422
    assert client.get("/api/v1/me/tokens", {"limit": 0}).status_code == 422
    assert client.get("/api/v1/me/tokens", {"limit": 100}).status_code == 200


def test_tokens_list_query_count_does_not_grow(
    client: Client, anna, django_assert_max_num_queries
) -> None:
    client.force_login(anna)
    make_token(anna, "one")
    with django_assert_max_num_queries(4):
        client.get("/api/v1/me/tokens")
    for i in range(20):
        make_token(anna, f"t{i}")
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/me/tokens").json()["items"]) == 21


def test_openapi_document_is_valid_openapi_3(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    validate(document)
    assert "/api/v1/me/tokens" in document["paths"]
    assert "TokenOutPage" in document["components"]["schemas"]


def test_every_api_schema_has_a_name_of_its_own() -> None:
    """The OpenAPI document names each schema by its class; two classes of one name would
    leave one endpoint documented with the other's fields (the fuzz test found this twice:
    a survey question described as an event question)."""
    from ninja import Schema

    import samen.urls  # noqa: F401  (imports every API module)

    modules: dict[str, set[str]] = {}
    pending = [Schema]
    while pending:
        for schema in pending.pop().__subclasses__():
            if schema.__module__.startswith("samen."):
                modules.setdefault(schema.__name__, set()).add(schema.__module__)
            pending.append(schema)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}


def test_docs_page_uses_bundled_files_not_a_cdn(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


def test_errors_speak_the_callers_language(client: Client, anna) -> None:
    anonymous = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="fr")
    assert anonymous.json() == {
        "detail": "Une authentification est requise.",
        "code": "not_authenticated",
    }
    anna.language = "nl"
    anna.save()
    _, secret = make_token(anna)
    response = client.delete("/api/v1/me/tokens/999999", **bearer(secret))
    assert response.json() == {"detail": "Niet gevonden.", "code": "not_found"}


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (PermissionDenied(), 403, "permission_denied"),
        (Http404("secret thing"), 404, "not_found"),
        (ApiError(409, "conflict"), 409, "conflict"),
        (Throttled(wait=5), 429, "rate_limited"),
    ],
)
def test_exceptions_from_endpoints_share_the_error_shape(exc, status: int, code: str) -> None:
    from samen.api.api import api

    request = RequestFactory().get("/api/v1/anything")
    response = api.on_exception(request, exc)
    assert response.status_code == status
    body = json.loads(response.content)
    assert body["code"] == code
    assert body["detail"]
    assert "secret thing" not in body["detail"]  # a 404 never echoes what was looked up
