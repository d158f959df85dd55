"""Helpers shared by the communities pages: owners, log-in redirects, links back."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from samen.communities.access import Need, access_collective, access_host
from samen.communities.models import Collective, Host

Owner = Collective | Host
PAGE_SIZE = 24


def _owner(request: HttpRequest, kind: str, slug: str, need: Need) -> Owner:
    """Hosts and collectives share the team, rules and follow pages."""
    if need != Need.VIEW and not request.user.is_authenticated:
        raise _LoginRequired
    if kind == "collective":
        return access_collective(request.user, slug, need)
    return access_host(request.user, slug, need)


class _LoginRequired(Exception):
    pass


def _login_or(view: Any) -> Any:
    """Anonymous people are sent to log in instead of seeing 403 on pages that need a role."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _owner_url(owner: Owner) -> str:
    if isinstance(owner, Collective):
        return reverse("communities:collective", args=[owner.slug])
    return reverse("communities:host", args=[owner.slug])


def _next_or(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _kind(owner: Owner) -> str:
    return "collective" if isinstance(owner, Collective) else "host"
