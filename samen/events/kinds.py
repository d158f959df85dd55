"""The notification kinds events sends, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, Kind, register

PROMOTED = "events.promoted"
CANCELLED = "events.cancelled"
CHANGED = "events.changed"


def register_kinds() -> None:
    register(
        Kind(
            PROMOTED,
            _("A place freed for me on a waiting list"),
            _("A place freed up: you are now going to “%(title)s” on %(when)s."),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            CANCELLED,
            _("Cancelled events I registered for"),
            _("“%(title)s” is cancelled. %(reason)s"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            CHANGED,
            _("New times of events I registered for"),
            _("“%(title)s” moved: it now starts on %(when)s. %(reason)s"),
            Delivery.EMAIL,
        )
    )
