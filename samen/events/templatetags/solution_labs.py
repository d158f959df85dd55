"""The Solution Lab blocks other pages show: the link on a host's page and the questions
on a Solution Lab event's page, each only for the host's community."""

from __future__ import annotations

from typing import Any

from django import template

from samen.events.labs import queries
from samen.events.labs.access import in_community
from samen.events.models import EventKind

register = template.Library()


@register.inclusion_tag("events/labs/partials/host_link.html", takes_context=True)
def lab_calls_link(context: dict[str, Any], host: Any) -> dict[str, Any]:
    """A link to the host's calls, with how many are open (its community only)."""
    user = context.get("user")
    sees = in_community(user, host)
    return {
        "host": host,
        "sees": sees,
        "open_count": queries.open_calls(host).count() if sees else 0,
    }


@register.inclusion_tag("events/labs/partials/event_questions.html", takes_context=True)
def lab_questions(context: dict[str, Any], event: Any) -> dict[str, Any]:
    """The questions selected for a Solution Lab, linked to their call, and the way to the
    host's calls (the host's community only: a public lab's page does not show the
    community's questions)."""
    user = context.get("user")
    host = event.host
    if event.kind != EventKind.SOLUTION_LAB or host is None or not in_community(user, host):
        return {"show": False}
    questions = list(queries.event_questions(event))
    calls = {question.call for question in questions}
    return {
        "show": True,
        "host": host,
        "questions": questions,
        "call_url": calls.pop().get_absolute_url() if len(calls) == 1 else "",
    }
