"""The notification kinds the knowledge app sends, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, Kind, register

STAGE = "knowledge.stage"
COACH = "knowledge.coach"
NOTE = "knowledge.note"
REVIEW = "knowledge.review"
REVIEWED = "knowledge.reviewed"
OFFER_TAKEN = "knowledge.offer_taken"


def register_kinds() -> None:
    register(
        Kind(
            STAGE,
            _("My concepts moving to another stage"),
            _("%(actor)s moved “%(title)s” to the stage %(stage)s"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            COACH,
            _("Coaches assigned to my concepts"),
            _("%(actor)s made %(coach)s a coach of “%(title)s”"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            NOTE,
            _("Coaching notes on my concepts"),
            _("%(actor)s added a coaching note to “%(title)s”"),
            Delivery.DIGEST,
        )
    )
    register(
        Kind(
            REVIEW,
            _("Library items waiting for my review"),
            _("%(actor)s sent “%(title)s” for review"),
            Delivery.DIGEST,
        )
    )
    register(
        Kind(
            REVIEWED,
            _("Reviews of my library items"),
            _("An editor decided on “%(title)s”: %(decision)s"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            OFFER_TAKEN,
            _("Someone asking for what I offer"),
            _("%(actor)s would like “%(title)s”"),
            Delivery.EMAIL,
        )
    )
