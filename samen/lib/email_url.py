"""Parse ``EMAIL_URL`` into Django's e-mail settings.

Schemes: ``console://``, ``file:///path``, ``locmem://``, ``smtp://user:pass@host:port``
(STARTTLS with ``?tls=1``), ``smtps://...`` (implicit TLS), and ``anymail+<esp>://KEY@``
for a provider through django-anymail (``anymail+postmark://token@``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def parse_email_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme = parts.scheme
    query = parse_qs(parts.query)
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL=file:///folder needs a folder.")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path,
        }
    if scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL=smtp://... needs a host.")
        try:
            port = parts.port
        except ValueError as exc:
            raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {exc}") from exc
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        }
    if scheme.startswith("anymail+"):
        esp = scheme.removeprefix("anymail+")
        if not esp.isidentifier():
            raise ImproperlyConfigured(f"EMAIL_URL names an unknown provider {esp!r}.")
        return {
            "EMAIL_BACKEND": f"anymail.backends.{esp}.EmailBackend",
            "ANYMAIL": {"API_KEY": unquote(parts.username or "")},
        }
    raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme {scheme!r}.")
