"""The decisions a page of another app shows: a host's published survey results."""

from __future__ import annotations

from typing import Any

from django import template

from samen.decisions import queries

register = template.Library()

#: Published surveys shown on a host's page, newest first.
PUBLISHED_SHOWN = 3


@register.inclusion_tag("decisions/partials/published_surveys.html")
def published_surveys(host: Any) -> dict[str, Any]:
    """The results a host published (counts and charts; no names, no written answers)."""
    polls = list(queries.published_surveys(host)[:PUBLISHED_SHOWN])
    return {"published": [queries.survey_results(poll) for poll in polls]}
