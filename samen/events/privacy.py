"""What events holds about a person, for their data export and erasure (docs/privacy.md,
discovered by samen.accounts.privacy).

The export has their registrations (with their guests, their answers to the organisers'
questions and check-ins) and their feedback. Erasure frees their places for dates to come
(the first people waiting get them), deletes their registrations with their answers, and
keeps their feedback without their name, so the organisers' averages stay true.
Nothing here is an accounting record.

Solution Labs add the questions a person asked and those they support
(samen/events/labs/privacy.py): the supports go, the questions stay as "Former member"'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samen.events import actions
from samen.events.labs import privacy as labs_privacy
from samen.events.models import Feedback, Registration

if TYPE_CHECKING:
    from samen.accounts.models import User


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_data(user: User) -> dict[str, Any]:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("occurrence__event", "check_in")
        .order_by("created_at", "pk")
    )
    feedback = Feedback.objects.filter(user=user).select_related("occurrence__event")
    return {
        **labs_privacy.export_data(user),
        "registrations": [
            {
                "event": r.occurrence.event.title,
                "starts_at": _when(r.occurrence.starts_at),
                "status": r.status,
                "guests": r.guests,
                "walk_in": r.walk_in,
                "answers": r.answers,
                "registered_at": _when(r.created_at),
                "checked_in_at": _when(getattr(r, "check_in", None) and r.check_in.created_at),
            }
            for r in registrations
        ],
        "feedback": [
            {
                "event": f.occurrence.event.title,
                "starts_at": _when(f.occurrence.starts_at),
                "rating": f.rating,
                "text": f.text,
                "given_at": _when(f.created_at),
            }
            for f in feedback.order_by("created_at", "pk")
        ],
    }


def must_keep(user: User) -> str | None:
    return None


def erase_data(user: User) -> None:
    actions.registrations_erase(actor=user)
    labs_privacy.erase_data(user)
