"""A notification is seen and changed by its recipient only; anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from samen.notifications.models import Notification


def access_notification(user: Any, pk: int) -> Notification:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise Http404
    return notification
