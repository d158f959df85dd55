"""What every event page module needs: the htmx fragment test and the owner's context."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samen.conversations.models import Owner, owner_kind
from samen.events.access import can_organise


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
