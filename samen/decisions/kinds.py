"""The notification kinds decisions sends, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.decisions.links import email_lines
from samen.notifications.registry import Delivery, Kind, register

NEW_POLL = "decisions.new_poll"
CLOSING_SOON = "decisions.closing_soon"
OBJECTION = "decisions.objection"
OUTCOME = "decisions.outcome"
AMENDED = "decisions.amended"
ADVICE_ASKED = "decisions.advice_asked"


def register_kinds() -> None:
    register(
        Kind(
            NEW_POLL,
            _("New decisions in my communities"),
            _("%(actor)s asks you to take part in “%(title)s”"),
            Delivery.EMAIL,
            email_extra=email_lines,
        )
    )
    register(
        Kind(
            CLOSING_SOON,
            _("Decisions closing soon that I have not taken part in"),
            _("“%(title)s” closes in less than a day; you have not taken part yet"),
            Delivery.EMAIL,
            email_extra=email_lines,
        )
    )
    register(
        Kind(
            OBJECTION,
            _("Objections to my proposals"),
            _("Someone objects to “%(title)s”: amend it or withdraw it"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            OUTCOME,
            _("Outcomes of decisions"),
            _("The outcome of “%(title)s” is in"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            AMENDED,
            _("Amendments to proposals I objected to"),
            _("“%(title)s” was amended: look again, and object again if you still do"),
            Delivery.EMAIL,
            email_extra=email_lines,
        )
    )
    register(
        Kind(
            ADVICE_ASKED,
            _("Advice asked of me"),
            _("%(actor)s asks your advice on “%(title)s”"),
            Delivery.EMAIL,
            email_extra=email_lines,
        )
    )
