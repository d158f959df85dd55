"""The learning network on other apps' pages: library items related to a credits request or
an event, and the people who offer what a request asks for. Other apps' templates load
these tags; the knowledge app decides what each person may see."""

from __future__ import annotations

from typing import Any

from django import template

from samen.knowledge import queries

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("knowledge/partials/related.html", takes_context=True)
def related_library(context: template.Context, target: Any) -> dict[str, Any]:
    """Published library items related to a credits request (by its skills) or to an event
    (by its collective's tags and its kind), among those the reader may see."""
    from samen.credits.models import HelpRequest

    user = _user(context)
    if isinstance(target, HelpRequest):
        items = queries.related_to_request(user, target)
    else:
        items = queries.related_to_event(user, target)
    return {"related": items}


@register.inclusion_tag("knowledge/partials/request_offers.html", takes_context=True)
def offers_for_request(context: template.Context, help_request: Any) -> dict[str, Any]:
    """ "People who offer what you asked for": open offers whose skills the request wants
    (shown to those signed in, as offers are)."""
    user = _user(context)
    if not getattr(user, "is_authenticated", False):
        return {"offers": []}
    return {"offers": list(queries.offers_for_request(help_request)[:10])}
