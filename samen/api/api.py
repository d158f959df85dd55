"""The one NinjaAPI object at /api/v1/; each app contributes a router from its ``api.py``.

Every answer that is not a success has the same shape, ``{"detail": "...", "code": "..."}``
with a 4xx status (docs/api.md): ninja's own errors, Django's 404 and 403, a wrong method,
an unknown URL under /api/v1/, a body that is not JSON and a failed CSRF check included.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from samen.api.auth import api_auth_optional
from samen.api.errors import ApiError, ErrorCode
from samen.api.idempotency import idempotent
from samen.api.openapi import SamenOpenAPISchema
from samen.api.scopes import scope_operations
from samen.lib.errors import DomainError


class SamenAPI(NinjaAPI):
    """NinjaAPI whose URL patterns answer a wrong method and an unknown path in our format,
    whose operations carry their token scope, and whose OpenAPI document lists the error
    answers of every operation.

    ninja answers a wrong method or path with plain-text Django responses and offers no hook
    for them, so its URL list is wrapped here: the narrowest place that sees every API path.
    Likewise the scopes are given once, when ninja binds the routers to the API.
    """

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = [_json_not_allowed(p) for p in super()._get_urls()]
        patterns.append(re_path(r"^.*$", _unknown_path, name="api-unknown"))
        return patterns

    def _get_bound_routers(self) -> list[Any]:
        routers: list[Any] = super()._get_bound_routers()
        if not getattr(self, "_scoped", False):
            scope_operations(routers)
            self._scoped = True
        return routers

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return SamenOpenAPISchema(self, path_prefix)


api = SamenAPI(
    title="Samen API",
    version="1",
    description=(
        "Hosts, collectives, a public ledger and community credits. Authenticate with a "
        "personal access token (`Authorization: Bearer samen_...`, created at "
        "/settings/tokens/) or a browser session (send `X-CSRFToken` on writes). Errors are "
        '`{"detail": "...", "code": "..."}`; lists are paginated with `?cursor=&limit=`. '
        "Texts that people write (descriptions, stories, rewards, terms...) come in the language "
        "asked for with `?lang=en|nl|fr` or the `Accept-Language` header, or in a language the "
        "author wrote when that translation is missing; `translations` holds every language "
        "written, and writes accept it too."
    ),
    urls_namespace="api",
    # Public endpoints still see who calls (request.user) and refuse bad credentials;
    # endpoints that need a person say auth=api_auth (samen.api.auth).
    auth=api_auth_optional,
)
# Every POST with an Idempotency-Key header runs once (samen/api/idempotency.py).
api.add_decorator(idempotent, mode="view")


def error_response(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": str(code)}, status=status)


def _label(code: str) -> str:
    return str(ErrorCode(code).label) if code in ErrorCode.values else code


def _json_not_allowed(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    if not isinstance(pattern, URLPattern):
        return pattern
    view = pattern.callback

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            allowed = response.get("Allow", "")
            response = error_response(
                request, 405, ErrorCode.METHOD_NOT_ALLOWED, _label(ErrorCode.METHOD_NOT_ALLOWED)
            )
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]  # as ninja's own views
    return URLPattern(pattern.pattern, wrapped, pattern.default_args, pattern.name)


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(request, 404, ErrorCode.NOT_FOUND, _label(ErrorCode.NOT_FOUND))


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.detail or _label(exc.code))


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """An action's refusal, from any app: its own status, code and translated message."""
    return error_response(request, exc.status, str(exc.code), exc.message)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": _field_path(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    parts = [f"{e['loc']}: {e['msg']}" if e["loc"] else str(e["msg"]) for e in errors]
    detail = "; ".join(parts) or _label(ErrorCode.INVALID)
    return api.create_response(
        request, {"detail": detail, "code": str(ErrorCode.INVALID), "errors": errors}, status=422
    )


def _field_path(loc: Any) -> str:
    """``("body", "payload", "items", 0, "name")`` -> ``"items.0.name"``: what a client sent,
    without ninja's location and the endpoint's parameter name."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"] and len(parts) > 2:
        parts = parts[2:]
    elif parts[:1] and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    code = ErrorCode.NOT_AUTHENTICATED
    response = error_response(request, 401, code, _label(code))
    response["WWW-Authenticate"] = 'Bearer realm="samen"'
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, ErrorCode.NOT_FOUND, _label(ErrorCode.NOT_FOUND))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    code = ErrorCode.PERMISSION_DENIED
    return error_response(request, 403, code, str(exc) or _label(code))


_HTTP_CODES: dict[int, str] = {
    400: ErrorCode.MALFORMED,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    429: ErrorCode.RATE_LIMITED,
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _HTTP_CODES.get(exc.status_code, ErrorCode.INVALID)
    # ninja's 400 is "Cannot parse request body": say it in the caller's language.
    detail = _label(code) if exc.status_code == 400 else str(exc)
    return error_response(request, exc.status_code, code, detail)


def _register_routers() -> None:
    from samen.accounts.api import router as accounts_router
    from samen.communities.api import router as communities_router
    from samen.conversations.api import router as conversations_router
    from samen.credits.api import router as credits_router
    from samen.decisions.api import router as decisions_router
    from samen.events.api import router as events_router
    from samen.events.labs.api import router as labs_router
    from samen.expenses.api import router as expenses_router
    from samen.funding.api import router as funding_router
    from samen.invoicing.api import router as invoicing_router
    from samen.knowledge.api import router as knowledge_router
    from samen.ledger.api import router as ledger_router
    from samen.notifications.api import router as notifications_router

    api.add_router("/", accounts_router)
    api.add_router("/", communities_router)
    api.add_router("/ledger/", ledger_router)
    api.add_router("/funding/", funding_router)
    api.add_router("/expenses/", expenses_router)
    api.add_router("/credits/", credits_router)
    api.add_router("/invoicing/", invoicing_router)
    api.add_router("/talk/", conversations_router)
    api.add_router("/decisions/", decisions_router)
    api.add_router("/notifications/", notifications_router)
    api.add_router("/events/", events_router)
    api.add_router("/events/labs/", labs_router)
    api.add_router("/knowledge/", knowledge_router)


_register_routers()


def _register_own_routers() -> None:
    from samen.api.me import router as me_router

    api.add_router("/me", me_router)


_register_own_routers()
