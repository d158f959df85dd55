"""The error pages a visitor can meet: in their language, in the site's look, never Django's
bare defaults, and the ones rendered without a request need no database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults
from django.views.csrf import csrf_failure

pytestmark = pytest.mark.django_db


def test_404_in_the_visitors_language(client: Client) -> None:
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'lang="nl"' in body
    assert "Deze pagina vinden we niet" in body
    assert 'href="/collectives/"' in body


def test_403_on_a_refused_page(client: Client, community) -> None:
    client.force_login(community.eva)
    response = client.get(f"/hosts/{community.host.slug}/dashboard/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You may not open this page" in body
    assert "You are logged in as Eva" in body


def test_403_for_an_anonymous_visitor_offers_login() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "/accounts/login/?next=/somewhere/" in response.content.decode()


def test_500_and_400_render_without_a_request_or_user() -> None:
    request = RequestFactory().get("/")
    with translation.override("fr"):
        response = defaults.server_error(request)
        assert response.status_code == 500
        assert "Un problème est survenu de notre côté" in response.content.decode()
        assert defaults.bad_request(request, Exception()).status_code == 400


def test_csrf_failure_says_the_form_expired() -> None:
    with translation.override("en"):
        response = csrf_failure(RequestFactory().post("/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
