"""Who is calling the API: a personal access token or the browser session.

Two ready-made auth lists (see docs/api.md):

- ``api_auth``: the endpoint needs a person. A bearer token (``Authorization: Bearer
  samen_...``) or a logged-in session; otherwise 401 ``not_authenticated``.
- ``api_auth_optional``: the API's default. Anonymous callers pass, but when credentials are
  present they are checked (a bad token is still a 401) and ``request.user`` is the caller.

Either way ``request.user`` is the person (or AnonymousUser) and ``request.auth`` is the same
object; ``request.auth_token`` is the PersonalToken when a token was used, else None.

Session callers must send the CSRF token (``X-CSRFToken`` header) on unsafe methods, like
ninja's ``django_auth``: ninja views are exempt from Django's CSRF middleware, so this is the
only check. Token callers need no CSRF token: a browser never adds the header on its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from samen.api.actions import token_touch
from samen.api.errors import ApiError, ErrorCode
from samen.api.models import TOKEN_PREFIX, PersonalToken
from samen.api.queries import token_for_secret
from samen.api.scopes import Scope, area_label


class TokenAuth(HttpBearer):
    """``Authorization: Bearer samen_...``. A token that is unknown, revoked or expired is
    refused with 401 ``invalid_token`` rather than ignored, so a script learns why at once.

    This is also the one place where token scopes are enforced: every operation gets its own
    ``TokenAuth`` carrying the operation's ``Scope`` (samen/api/scopes.py), and a token whose
    scopes do not cover it is refused with 403 ``insufficient_scope``.
    """

    def __init__(self, scope: Scope | None = None) -> None:
        super().__init__()
        self.scope = scope

    def scoped(self, scope: Scope) -> TokenAuth:
        return TokenAuth(scope)

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for_secret(token) if token.startswith(TOKEN_PREFIX) else None
        if found is None:
            raise ApiError(401, ErrorCode.INVALID_TOKEN)
        token_touch(found)
        if found.user.language:
            # As UserLanguageMiddleware does for sessions: answers in the person's language.
            translation.activate(found.user.language)
            request.LANGUAGE_CODE = found.user.language
        self._check_scope(found)
        request.user = found.user
        request.auth_token = found  # type: ignore[attr-defined]
        return found.user

    def _check_scope(self, token: PersonalToken) -> None:
        # An operation without a scope cannot happen once the API is bound; refuse restricted
        # tokens there all the same rather than let them through.
        scope = self.scope
        if scope is None:
            if token.read_only or token.areas:
                raise ApiError(403, ErrorCode.INSUFFICIENT_SCOPE)
            return
        if token.allows(scope.area, write=scope.write):
            return
        if scope.write and token.read_only:
            detail = gettext("This token is read-only: it cannot change anything.")
        else:
            detail = gettext("This token does not cover the area “%(area)s”.") % {
                "area": area_label(scope.area)
            }
        raise ApiError(403, ErrorCode.INSUFFICIENT_SCOPE, detail)


class SessionAuth(APIKeyCookie):
    """The browser session of a logged-in person, with Django's CSRF check on unsafe methods.

    Unlike ninja's ``django_auth`` it checks CSRF only once a session user is present, so an
    anonymous call is told 401 ``not_authenticated`` and a forged one 403 ``csrf_failed``.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise ApiError(403, ErrorCode.CSRF_FAILED)
        request.auth_token = None  # type: ignore[attr-defined]
        return user


def anonymous(request: HttpRequest) -> Any:
    """Let the call through as whoever ``request.user`` is (AnonymousUser is truthy)."""
    request.auth_token = None  # type: ignore[attr-defined]
    return request.user


token_auth = TokenAuth()
session_auth = SessionAuth()

api_auth: list[Any] = [token_auth, session_auth]
api_auth_optional: list[Any] = [token_auth, session_auth, anonymous]


def require_session(request: HttpRequest) -> None:
    """Refuse a call made with a token, for acts a script must not do (minting new tokens:
    a leaked token must not be able to outlive its own revocation)."""
    if getattr(request, "auth_token", None) is not None:
        raise ApiError(
            403,
            ErrorCode.PERMISSION_DENIED,
            gettext("This can only be done from a logged-in browser session, not with a token."),
        )
