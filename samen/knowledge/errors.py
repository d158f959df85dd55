"""Why a knowledge action refused: one code per rule, for people and API clients."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class KnowledgeErrorCode(models.TextChoices):
    TITLE_REQUIRED = "title_required", _("Give it a name.")
    TEXT_REQUIRED = "text_required", _("Write something first.")
    BAD_STAGE = "bad_stage", _("A concept cannot move from its stage to that one.")
    SAME_STAGE = "same_stage", _("The concept is already at that stage.")
    WRONG_HOST = "wrong_host", _("That collective is not hosted by this host.")
    NOT_IN_COMMUNITY = "not_in_community", _("This person is not in the host's community.")
    ALREADY_COACH = "already_coach", _("This person already coaches the concept.")
    SUMMARY_REQUIRED = "summary_required", _("Give a short summary.")
    LINK_OR_TEXT = "link_or_text", _("Give a link or write the text.")
    NOT_EDITABLE = (
        "not_editable",
        _("An item waiting for review or published is changed by an editor."),
    )
    NOT_IN_REVIEW = "not_in_review", _("Only an item waiting for review can be decided.")
    BAD_EMAIL = "bad_email", _("Enter a valid e-mail address.")
    ISSUE_SENT = "issue_sent", _("This issue has already been sent.")
    PAST_SCHEDULE = "past_schedule", _("Choose a time in the future.")


class KnowledgeError(DomainError):
    statuses = {
        KnowledgeErrorCode.ALREADY_COACH: 409,
        KnowledgeErrorCode.SAME_STAGE: 409,
        KnowledgeErrorCode.NOT_EDITABLE: 409,
        KnowledgeErrorCode.NOT_IN_REVIEW: 409,
        KnowledgeErrorCode.ISSUE_SENT: 409,
    }
