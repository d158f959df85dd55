from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse

from samen.audit.context import client_ip


def request_ip(request: HttpRequest) -> str | None:
    """The client's address as allauth's rate limits see it.

    Behind a reverse proxy REMOTE_ADDR is the proxy's; allauth's ALLAUTH_TRUSTED_PROXY_COUNT
    (or ALLAUTH_TRUSTED_CLIENT_IP_HEADER) says which forwarded address to believe, so the
    audit log and the login rate limits share one configuration. Anything that is not an IP
    address is dropped rather than stored.
    """
    from allauth.account.adapter import get_adapter

    try:
        ip = get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        ip = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


class RequestContextMiddleware:
    """Remembers the client address so that ``audit_record`` can store it without every
    action having to take the request as a parameter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
