"""Template helpers: safe Markdown, the ledger's money slot, signed invitation links."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from samen.communities.links import invitation_token
from samen.communities.models import Invitation
from samen.communities.validation import render_markdown
from samen.lib.money import EUR, Money, format_money

register = template.Library()

MONEY_SUMMARY = "ledger/partials/money_summary.html"


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Markdown rendered and sanitised by nh3, so it is safe to mark as such."""
    return mark_safe(render_markdown(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def money_summary(context: template.Context, owner: Any) -> str:
    """The ledger app's money summary for a host or collective; nothing until the ledger
    app provides ``ledger/partials/money_summary.html``."""
    try:
        partial = get_template(MONEY_SUMMARY)
    except template.TemplateDoesNotExist:
        return ""
    values: dict[str, Any] = {str(key): value for key, value in context.flatten().items()}
    return partial.render({**values, "owner": owner}, context.get("request"))


@register.filter
def invitation_path(invitation: Invitation) -> str:
    return reverse("communities:invitation", args=[invitation_token(invitation)])


@register.simple_tag
def dashboard_sections(user: Any, host: Any) -> list[dict[str, Any]]:
    from samen.communities.dashboard import sections_for

    return sections_for(user, host)


@register.filter
def euros(cents: int | None) -> str:
    """An amount in cents as euros for the active language (``12,50 €``, ``€12.50``)."""
    if cents is None:
        return ""
    return format_money(Money(int(cents), EUR))


@register.inclusion_tag("communities/partials/host_dashboard_links.html", takes_context=True)
def host_dashboard_links(context: template.Context) -> dict[str, Any]:
    """Dropdown items linking to the dashboard of each host the person administers or keeps
    the books of. The menu is on every page, so: no query for anonymous visitors, one
    query per request for everybody else (the result is kept on the request)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return {"dashboard_hosts": []}
    cached = getattr(request, "_samen_dashboard_hosts", None) if request is not None else None
    if cached is None:
        from samen.communities.queries import dashboard_hosts

        cached = list(dashboard_hosts(user))
        if request is not None:
            request._samen_dashboard_hosts = cached
    return {"dashboard_hosts": cached}
