"""The notification kinds events sends, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, Kind, register

PROMOTED = "events.promoted"
CANCELLED = "events.cancelled"
CHANGED = "events.changed"
UPDATED = "events.updated"
APPROVED = "events.approved"
APPROVED_WAITING = "events.approved_waiting"
DECLINED = "events.declined"
SKIPPED = "events.skipped"


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
    register(
        Kind(
            UPDATED,
            _("New times or places of events I registered for"),
            _(
                "The time or place of “%(title)s” changed: it starts on %(when)s. The event's "
                "page has the details. %(reason)s"
            ),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            APPROVED,
            _("Registrations the organisers accepted"),
            _(
                "The organisers accepted your registration: you are going to “%(title)s” on "
                "%(when)s."
            ),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            APPROVED_WAITING,
            _("Registrations the organisers accepted onto a waiting list"),
            _(
                "The organisers accepted your registration for “%(title)s” on %(when)s; it is "
                "full, so you are number %(place)s on the waiting list."
            ),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            DECLINED,
            _("Registrations the organisers declined"),
            _("The organisers declined your registration for “%(title)s” on %(when)s."),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            SKIPPED,
            _("A freed place I could not take"),
            _(
                "A place freed up for “%(title)s” on %(when)s, but you can no longer take it: "
                "its price in credits is more than your credit limit leaves you, or you are no "
                "longer a member of the host. It went to the next person waiting; you may "
                "register again."
            ),
            Delivery.EMAIL,
        )
    )
