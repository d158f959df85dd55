"""What every event page module needs: the htmx fragment test, the owner's context and the
answer to an organiser's decision on one registration (approve, decline, check in)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from samen.conversations.models import Owner, owner_kind
from samen.events import queries
from samen.events.access import access_registration, can_organise
from samen.events.errors import EventError
from samen.lib.htmx import render_page


def _fragment(request: HttpRequest) -> bool:
    """An htmx request (not a boosted navigation) wants the swapped block back."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def _owner_context(request: HttpRequest, owner: Owner) -> dict[str, Any]:
    return {
        "owner": owner,
        "owner_kind": owner_kind(owner),
        "can_organise": can_organise(request.user, owner),
    }


def _decide(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    registration = access_registration(request.user, pk)
    error = ""
    try:
        action(actor=request.user, registration=registration)
    except EventError as refused:
        error = refused.message
    if _fragment(request):
        row = queries.attendees(registration.occurrence).get(pk=registration.pk)
        return render_page(
            request, "events/partials/attendee_row.html", {"row": row, "error": error}
        )
    if error:
        messages.error(request, error)
    return redirect("events:attendees", registration.occurrence_id)
