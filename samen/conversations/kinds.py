"""The notification kinds conversations sends, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, Kind, register

REPLY = "conversations.reply"
MENTION = "conversations.mention"
REACTION = "conversations.reaction"
APPROVED = "conversations.approved"
HIDDEN = "conversations.hidden"


def register_kinds() -> None:
    register(
        Kind(
            REPLY,
            _("Replies to my topics and posts"),
            _("%(actor)s replied in “%(title)s”"),
            Delivery.DIGEST,
        )
    )
    register(
        Kind(
            MENTION,
            _("Mentions of me"),
            _("%(actor)s mentioned you in “%(title)s”"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            REACTION,
            _("Reactions to my posts"),
            _("%(actor)s reacted to your post in “%(title)s”"),
            Delivery.IN_APP,
        )
    )
    register(
        Kind(
            APPROVED,
            _("My posts approved by a moderator"),
            _("A moderator approved your post in “%(title)s”"),
            Delivery.IN_APP,
        )
    )
    register(
        Kind(
            HIDDEN,
            _("My posts hidden by a moderator"),
            _("A moderator hid your post in “%(title)s”. Reason: %(reason)s"),
            Delivery.EMAIL,
        )
    )
