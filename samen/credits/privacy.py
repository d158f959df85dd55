"""What credits holds about a person beyond the ledger, for their data export and erasure
(docs/privacy.md): the requests for help they posted.

Deliveries that moved credits are ledger records, kept for the host's books; the ledger's
own privacy module says so. A request is only the person's words, so erasure deletes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samen.credits.models import HelpRequest, RequestDigest

if TYPE_CHECKING:
    from samen.accounts.models import User


def export_data(user: User) -> dict[str, Any]:
    requests = (
        HelpRequest.objects.filter(requester=user)
        .select_related("scheme__host")
        .prefetch_related("skills")
        .order_by("created_at", "pk")
    )
    return {
        "help_requests": [
            {
                "host": r.scheme.host.slug,
                "title": r.title,
                "description": r.description,
                "skills": sorted(s.name for s in r.skills.all()),
                "service": r.service_code,
                "status": r.status,
                "created": r.created_at.isoformat(),
                "answered_by_delivery": r.answered_by_id,
                "closed": r.closed_at.isoformat() if r.closed_at else None,
            }
            for r in requests
        ]
    }


def must_keep(user: User) -> str | None:
    return None


def erase_data(user: User) -> None:
    HelpRequest.objects.filter(requester=user).delete()
    RequestDigest.objects.filter(user=user).delete()
