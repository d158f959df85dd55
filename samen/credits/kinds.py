"""The notification kinds credits sends, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, Kind, register

#: A delivery of a quarter that has ended waits for the reader's confirmation.
REMINDER_KIND = "credits.confirm_reminder"
#: A delivery of an ended quarter could not confirm itself in time (host admins).
FLAGGED_KIND = "credits.delivery_flagged"


def register_kinds() -> None:
    register(
        Kind(
            REMINDER_KIND,
            _("Deliveries of an ended quarter waiting for my confirmation"),
            _(
                "%(service)s of %(date)s with %(other)s waits for your confirmation: it "
                "confirms itself on %(confirm_by)s, so that its documents fall in the "
                "quarter of the service."
            ),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            FLAGGED_KIND,
            _("Deliveries that could not be confirmed in their quarter"),
            _(
                "%(service)s of %(date)s with %(other)s could not be confirmed in time for "
                "its quarter: %(reason)s"
            ),
            Delivery.EMAIL,
        )
    )
