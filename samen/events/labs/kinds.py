"""The notification kind Solution Labs send, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, Kind, register

SELECTED = "events.lab_selected"


def register_kinds() -> None:
    register(
        Kind(
            SELECTED,
            _("My Solution Lab question was selected"),
            _("Your question “%(title)s” was selected for the Solution Lab “%(lab)s” (%(when)s)."),
            Delivery.EMAIL,
        )
    )
