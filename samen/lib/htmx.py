"""One URL, full page or fragment (DESIGN rule 11)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``template``, or only ``partial`` when htmx asks for a fragment.

    A boosted navigation (``hx-boost``) wants the whole page, so only non-boosted htmx
    requests get the fragment.
    """
    htmx = getattr(request, "htmx", None)
    wants_fragment = bool(htmx) and not getattr(htmx, "boosted", False)
    name = partial if partial and wants_fragment else template
    response = render(request, name, context or {}, status=status)
    response.headers["Vary"] = "HX-Request"
    return response
