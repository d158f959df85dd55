"""What notifications holds about a person (docs/privacy.md): the notifications they
received and their choices. Both are only theirs, so erasure deletes them; notifications
others received about the person's acts lose the link to them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samen.notifications.models import Notification, Preference

if TYPE_CHECKING:
    from samen.accounts.models import User


def export_data(user: User) -> dict[str, Any]:
    return {
        "notifications": [
            {
                "kind": n.kind,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(recipient=user).order_by("pk")
        ],
        "preferences": dict(Preference.objects.filter(user=user).values_list("kind", "delivery")),
    }


def must_keep(user: User) -> str | None:
    return None


def erase_data(user: User) -> None:
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()
    # What others were told about the person's acts keeps its text but not their name.
    told = list(Notification.objects.filter(actor=user))
    for row in told:
        row.actor = None
        row.data = {k: v for k, v in row.data.items() if k != "actor"}
    Notification.objects.bulk_update(told, ["actor", "data"], batch_size=500)
