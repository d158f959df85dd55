"""``{% load funding %}``: small display helpers for payment details."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter(name="iban")
def iban_filter(value: str) -> str:
    """An IBAN in groups of four, as banks print it: ``BE68 5390 0754 7034``."""
    compact = "".join(str(value or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@register.inclusion_tag("funding/partials/support_box.html", takes_context=True)
def support_box(context: Any, collective: Any) -> dict[str, Any]:
    """A collective page's "support us" card: give, the running campaign, recent supporters.

    ``{% load funding %}{% support_box collective %}``; three queries.
    """
    from samen.funding.models import Campaign, CampaignStatus
    from samen.funding.queries import campaign_progress, recent_supporters

    campaign = (
        Campaign.objects.filter(collective=collective, status=CampaignStatus.RUNNING)
        .select_related("collective")
        .order_by("deadline")
        .first()
    )
    return {
        "collective": collective,
        "campaign": campaign,
        "progress": campaign_progress(campaign) if campaign else None,
        "supporters": recent_supporters(collective),
        "request": context.get("request"),
    }
