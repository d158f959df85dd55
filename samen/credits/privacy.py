"""What credits holds about a person beyond the ledger, for their data export and erasure
(docs/privacy.md): the requests for help they posted and the euros they paid to settle a
credit debt.

Deliveries that moved credits are ledger records, kept for the host's books; the ledger's
own privacy module says so. Settlements are payments booked on invoices and in the ledger:
accounting records, kept. A request is only the person's words, so erasure deletes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from samen.credits.models import HelpRequest, RequestDigest, Settlement

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
        ],
        "settlements": [
            {
                "host": s.scheme.host.slug,
                "amount_eur": f"{s.euros:f}",
                "credits": s.credits,
                "unit": s.scheme.unit.code,
                "paid_on": s.paid_on.isoformat(),
                "by_bank": s.bank_line_id is not None,
                "invoices": sorted(p.document.number for p in s.payments.all()),
            }
            for s in Settlement.objects.filter(member=user)
            .select_related("scheme__host", "scheme__unit")
            .prefetch_related("payments__document")
            .order_by("created_at", "pk")
        ],
    }


def must_keep(user: User) -> str | None:
    if Settlement.objects.filter(member=user).exists():
        return gettext("settlements of a credit debt in euros (accounting records, kept 7 years)")
    return None


def erase_data(user: User) -> None:
    HelpRequest.objects.filter(requester=user).delete()
    RequestDigest.objects.filter(user=user).delete()
