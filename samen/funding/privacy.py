"""What funding holds about a person, for their data export and erasure (docs/privacy.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samen.funding.models import (
    Contribution,
    ContributionStatus,
    RecurringContribution,
    RecurringStatus,
)
from samen.ledger.actions import counterparty_erase

if TYPE_CHECKING:
    from samen.accounts.models import User


def export_data(user: User) -> dict[str, Any]:
    contributions = Contribution.objects.filter(contributor=user).select_related(
        "collective", "campaign", "reward"
    )
    return {
        "contributions": [
            {
                "created": c.created_at.isoformat(),
                "paid": c.paid_at.isoformat() if c.paid_at else None,
                "collective": c.collective.slug,
                "campaign": c.campaign.slug if c.campaign else None,
                "reward": c.reward.title if c.reward else None,
                "amount_cents": c.amount,
                "method": c.method,
                "status": c.status,
                "interval": c.interval,
                "on_behalf_of": c.organisation_name,
                "incognito": c.is_incognito,
                "message": c.message,
                "structured_communication": c.formatted_communication,
            }
            for c in contributions.order_by("created_at", "pk")
        ],
        "recurring": [
            {
                "collective": r.collective.slug,
                "amount_cents": r.amount,
                "interval": r.interval,
                "status": r.status,
                "next_due": r.next_due.isoformat(),
            }
            for r in RecurringContribution.objects.filter(contributor=user).select_related(
                "collective"
            )
        ],
    }


def must_keep(user: User) -> str | None:
    if Contribution.objects.filter(contributor=user).exists() or (
        RecurringContribution.objects.filter(contributor=user).exists()
    ):
        return "contributions and receipts (accounting records, kept 7 years)"
    return None


def erase_data(user: User) -> None:
    """Keep the accounting facts, drop what is personal: gifts become anonymous, public
    messages go, regular gifts stop, unpaid promises are cancelled, and the giver's name
    leaves the public ledger rows of their gifts and refunds (the sealed commitments
    stay, so the seals still verify)."""
    contributions = Contribution.objects.filter(contributor=user)
    # First: the update waits for a payment being posted right now (it holds the
    # contribution's row lock), so its ledger row exists when the names are erased below.
    contributions.update(is_incognito=True, message="")
    Contribution.objects.filter(contributor=user, status=ContributionStatus.PENDING).update(
        status=ContributionStatus.CANCELLED, hold_until=None
    )
    RecurringContribution.objects.filter(contributor=user).exclude(
        status=RecurringStatus.CANCELLED
    ).update(status=RecurringStatus.CANCELLED, is_incognito=True)
    counterparty_erase(actor=user, causes=contributions.only("pk"))
