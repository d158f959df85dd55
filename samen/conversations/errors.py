"""Why a conversations action refused: one code per rule, for people and API clients."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class ConversationErrorCode(models.TextChoices):
    EMPTY = "empty", _("Write something first.")
    TOO_LONG = "too_long", _("This text is too long.")
    TITLE_MISSING = "title_missing", _("Give your topic a title.")
    CLOSED = "closed", _("This topic is closed.")
    COMMENTS_OFF = "comments_off", _("Comments are switched off here.")
    RATE_LIMITED = "rate_limited", _("You are posting too fast; wait a while and try again.")
    SLOW_MODE = "slow_mode", _("This category is in slow mode; wait a while before posting.")
    OWN_POST = "own_post", _("You cannot report your own post.")
    ALREADY_REPORTED = "already_reported", _("You have already reported this.")
    REASON_MISSING = "reason_missing", _("Give a reason.")
    NOT_A_QUESTION = "not_a_question", _("Only a reply to a question can be its answer.")
    WRONG_TOPIC = "wrong_topic", _("That post belongs to another topic.")
    DECIDED = "decided", _("This has already been decided.")
    BAD_DECISION = "bad_decision", _("Choose approve, hide or ignore.")
    SLUG_TAKEN = "slug_taken", _("This community already has a category with that address.")
    NAME_MISSING = "name_missing", _("Give the category a name.")
    MUTED = "muted", _("A moderator muted you in this community for a while.")
    BANNED = "banned", _("You have been banned from this community.")
    TEAM_MEMBER = "team_member", _("A member of the moderation team cannot be sanctioned.")
    BAD_DURATION = "bad_duration", _("Choose a period between one hour and one year.")
    NOT_RESTORABLE = "not_restorable", _("A deleted post cannot be restored.")
    BAD_ACTION = "bad_action", _("Choose hide, restore or delete.")
    NOT_AN_IDEA = "not_an_idea", _("Only a reply to an idea can be structured feedback.")
    REFUSES_MESSAGES = "refuses_messages", _("This person does not accept messages.")
    DAILY_LIMIT = "daily_limit", _("You have sent as many messages as you may today.")
    SELF = "self", _("You cannot send a message to yourself.")
    BAD_IMAGE = "bad_image", _("This file is not an image we can use.")
    TOO_MANY_IMAGES = "too_many_images", _("Attach at most four images to a post.")
    BLOCKED = "blocked", _("You cannot write to this person.")
    SUSPENDED = "suspended", _("The host's admins suspended you in all its communities.")
    BAD_UNTIL = "bad_until", _("Choose a date in the future, or none for an indefinite suspension.")
    NOT_SUSPENDED = "not_suspended", _("This suspension has already ended.")
    BLOCKED_DOMAIN = (
        "blocked_domain",
        _("The host does not accept posts or messages from your e-mail address's domain."),
    )
    BLOCKED_LINK = "blocked_link", _("This text links to a web address that the host refuses.")
    BAD_BLOCKLIST_ENTRY = (
        "bad_blocklist_entry",
        _("Give a domain such as example.com, or a web address such as example.com/offers."),
    )
    BAD_QUESTIONS = "bad_questions", _("One of these questions cannot be asked.")
    ANSWER_MISSING = "answer_missing", _("Answer this question.")
    ANSWER_NOT_A_CHOICE = "answer_not_a_choice", _("Choose one of the answers offered.")
    ALREADY_IN_GROUP = "already_in_group", _("You can already read this category.")
    NOT_A_MEMBER = "not_a_member", _("This person is no longer a member of the community.")
    IN_GROUP = "in_group", _("This person is already in the group.")
    NO_SUCH_MEMBER = "no_such_member", _("No member of this community has that e-mail address.")
    GROUP_REQUEST_OPEN = (
        "group_request_open",
        _("You have already asked to join; the team will answer soon."),
    )


class ConversationError(DomainError):
    statuses = {
        ConversationErrorCode.RATE_LIMITED: 429,
        ConversationErrorCode.DAILY_LIMIT: 429,
        ConversationErrorCode.REFUSES_MESSAGES: 409,
        ConversationErrorCode.SLOW_MODE: 429,
        ConversationErrorCode.ALREADY_REPORTED: 409,
        ConversationErrorCode.DECIDED: 409,
        ConversationErrorCode.SLUG_TAKEN: 409,
        ConversationErrorCode.CLOSED: 409,
        ConversationErrorCode.COMMENTS_OFF: 409,
        ConversationErrorCode.MUTED: 403,
        ConversationErrorCode.BANNED: 403,
        ConversationErrorCode.SUSPENDED: 403,
        ConversationErrorCode.NOT_SUSPENDED: 409,
        ConversationErrorCode.TEAM_MEMBER: 409,
        ConversationErrorCode.NOT_RESTORABLE: 409,
        ConversationErrorCode.BLOCKED_DOMAIN: 403,
        ConversationErrorCode.ALREADY_IN_GROUP: 409,
        ConversationErrorCode.GROUP_REQUEST_OPEN: 409,
        ConversationErrorCode.NOT_A_MEMBER: 409,
        ConversationErrorCode.IN_GROUP: 409,
    }
