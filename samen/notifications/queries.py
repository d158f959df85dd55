"""Reads for the notification pages, the header's bell and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from samen.notifications.models import Notification, Preference
from samen.notifications.registry import Delivery, Kind, all_kinds


def notifications_of(user: Any) -> QuerySet[Notification]:
    """A person's notifications, newest first, with what the list shows."""
    return Notification.objects.filter(recipient=user).select_related("actor")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def preferences_of(user: Any) -> dict[Kind, Delivery]:
    """Every registered kind with the person's choice, or the kind's default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: Delivery(chosen.get(kind.key, kind.default)) for kind in all_kinds()}
