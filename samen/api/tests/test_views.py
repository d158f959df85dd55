from __future__ import annotations

import pytest
from django.test import Client

from samen.api.models import PersonalToken
from samen.api.tests.factories import bearer, make_token
from samen.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_token_pages_need_login(client: Client) -> None:
    for url in ("/settings/tokens/", "/settings/tokens/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert client.post("/settings/tokens/1/revoke/").status_code == 302


def test_list_shows_own_tokens_only(client: Client, anna, eva) -> None:
    make_token(anna, "anna's export")
    make_token(eva, "eva's secret script")
    client.force_login(anna)
    body = client.get("/settings/tokens/").content.decode()
    assert "anna&#x27;s export" in body
    assert "eva" not in body


def test_list_query_count_does_not_grow(client: Client, anna, django_assert_max_num_queries):
    client.force_login(anna)
    make_token(anna, "first")
    with django_assert_max_num_queries(6) as first:
        client.get("/settings/tokens/")
    for i in range(15):
        make_token(anna, f"t{i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/settings/tokens/")


def test_create_shows_the_token_once_and_it_works(client: Client, anna) -> None:
    client.force_login(anna)
    assert client.get("/settings/tokens/new/").status_code == 200
    response = client.post("/settings/tokens/new/", {"name": "cron", "lifetime": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    plaintext = response.context["plaintext"]
    assert plaintext.startswith("samen_")
    assert plaintext in response.content.decode()
    assert "data-copy-target" in response.content.decode()
    token = PersonalToken.objects.get(user=anna)
    assert token.expires_at is not None
    assert AuditEntry.objects.filter(action="token.create", target_id=str(token.pk)).exists()
    assert client.get("/api/v1/me", **bearer(plaintext)).status_code == 200
    # The list never shows the secret again.
    assert plaintext not in client.get("/settings/tokens/").content.decode()


def test_create_with_blank_name_shows_the_error(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.post("/settings/tokens/new/", {"name": "   ", "lifetime": "90"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not PersonalToken.objects.exists()


def test_create_with_unknown_lifetime_is_refused(client: Client, anna) -> None:
    client.force_login(anna)
    response = client.post("/settings/tokens/new/", {"name": "x", "lifetime": "9999"})
    assert response.status_code == 200
    assert not PersonalToken.objects.exists()


def test_revoke_without_javascript_redirects_with_a_message(client: Client, anna) -> None:
    token, secret = make_token(anna, "old")
    client.force_login(anna)
    response = client.post(f"/settings/tokens/{token.pk}/revoke/", follow=True)
    assert response.redirect_chain[-1][0] == "/settings/tokens/"
    assert "is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_revoke_with_htmx_returns_the_row(client: Client, anna) -> None:
    token, _ = make_token(anna, "old")
    client.force_login(anna)
    response = client.post(f"/settings/tokens/{token.pk}/revoke/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<tr id="token-{token.pk}">')
    assert "revoked" in html
    assert "<html" not in html


def test_revoke_twice_writes_one_audit_row(client: Client, anna) -> None:
    token, _ = make_token(anna, "old")
    client.force_login(anna)
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_revoke_someone_elses_token_is_404(client: Client, anna, eva) -> None:
    token, _ = make_token(anna)
    client.force_login(eva)
    assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert client.get(f"/settings/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
