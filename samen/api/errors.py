"""The API's error format: ``{"detail": "...", "code": "..."}`` with a 4xx status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class ErrorCode(models.TextChoices):
    INVALID = "invalid", _("The request is not valid.")
    MALFORMED = "malformed", _("The request body is not valid JSON.")
    NOT_AUTHENTICATED = "not_authenticated", _("Authentication is required.")
    INVALID_TOKEN = "invalid_token", _("The token is unknown, revoked or expired.")
    CSRF_FAILED = "csrf_failed", _("The CSRF check failed: send the X-CSRFToken header.")
    INVALID_CURSOR = "invalid_cursor", _("The cursor is not valid for this list.")
    PERMISSION_DENIED = "permission_denied", _("You may not do this.")
    INSUFFICIENT_SCOPE = "insufficient_scope", _("This token's scopes do not allow this.")
    NOT_FOUND = "not_found", _("Not found.")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("This method is not allowed here.")
    CONFLICT = "conflict", _("This conflicts with the current state.")
    RATE_LIMITED = "rate_limited", _("Too many requests; try again later.")


class ApiError(Exception):
    """Raise from an endpoint (or an action's domain error mapped to it) to answer a 4xx."""

    def __init__(self, status: int, code: str, detail: str | None = None) -> None:
        super().__init__(detail or code)
        self.status = status
        self.code = code
        self.detail = detail


class TokenError(DomainError):
    """A token action refused its input; ``message`` is translated and safe to show."""

    statuses = {ErrorCode.CONFLICT: 409}

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(code, message)
