"""The notification kinds conversations sends, registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, Kind, register

REPLY = "conversations.reply"
MENTION = "conversations.mention"
REACTION = "conversations.reaction"
APPROVED = "conversations.approved"
HIDDEN = "conversations.hidden"
RESTORED = "conversations.restored"
DELETED = "conversations.deleted"
WARNED = "conversations.warned"
MUTED = "conversations.muted"
BANNED = "conversations.banned"
NEW_POST = "conversations.new_post"
SUSPENDED = "conversations.suspended"
SUSPENSION_LIFTED = "conversations.suspension_lifted"
GROUP_REQUEST = "conversations.group_request"
GROUP_APPROVED = "conversations.group_approved"
GROUP_DECLINED = "conversations.group_declined"
GROUP_REMOVED = "conversations.group_removed"


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
    register(
        Kind(
            RESTORED,
            _("My posts restored by a moderator"),
            _("A moderator restored your post in “%(title)s”. Reason: %(reason)s"),
            Delivery.IN_APP,
        )
    )
    register(
        Kind(
            DELETED,
            _("My posts deleted by a moderator"),
            _("A moderator deleted your post in “%(title)s”. Reason: %(reason)s"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            WARNED,
            _("Warnings from a community's moderators"),
            _("The moderators of %(community)s warned you. Reason: %(reason)s"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            MUTED,
            _("Being muted in a community"),
            _("The moderators of %(community)s muted you until %(until)s. Reason: %(reason)s"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            BANNED,
            _("Being removed from a community"),
            _("The moderators of %(community)s removed and banned you. Reason: %(reason)s"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            NEW_POST,
            _("New posts in communities and topics I follow"),
            _("%(actor)s posted in “%(title)s”"),
            Delivery.IN_APP,
        )
    )
    register(
        Kind(
            SUSPENDED,
            _("Being suspended by a host"),
            _(
                "The admins of %(community)s suspended you in all its communities (%(until)s). "
                "Reason: %(reason)s"
            ),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            SUSPENSION_LIFTED,
            _("A host's suspension lifted"),
            _("The admins of %(community)s lifted your suspension."),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            GROUP_REQUEST,
            _("Requests to join a private category (for the team)"),
            _("%(actor)s asks to join the private category “%(category)s”"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            GROUP_APPROVED,
            _("My requests to join a private category approved"),
            _("You may now read and write in “%(category)s” (%(community)s)"),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            GROUP_DECLINED,
            _("My requests to join a private category declined"),
            _(
                "The team of %(community)s declined your request to join “%(category)s”. "
                "Reason: %(reason)s"
            ),
            Delivery.EMAIL,
        )
    )
    register(
        Kind(
            GROUP_REMOVED,
            _("Being taken out of a private category"),
            _("The team of %(community)s took you out of “%(category)s”. Reason: %(reason)s"),
            Delivery.EMAIL,
        )
    )
