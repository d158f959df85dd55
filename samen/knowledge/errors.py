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
    NOT_PAYABLE = (
        "not_payable",
        _("Only a published item earns credits, by a rate-card service the network pays."),
    )
    NOT_OPEN = "not_open", _("This is no longer open.")
    OWN_OFFER = "own_offer", _("You cannot ask for your own offer.")
    ALREADY_ASKED = "already_asked", _("You have already asked for this.")
    BAD_DATES = "bad_dates", _("The season must end after it starts.")
    ALREADY_APPLIED = "already_applied", _("You have already applied to this season in this role.")
    ALREADY_PAIRED = "already_paired", _("This mentee already has a mentor this season.")
    NOT_APPLIED = "not_applied", _("Both must have applied: one as mentor, one as mentee.")
    NOT_IN_PAIR = "not_in_pair", _("Only the mentor and the mentee of a pair write its check-ins.")
    ALREADY_CHECKED_IN = "already_checked_in", _("You have already checked in for that month.")
    SEASON_NOT_OVER = "season_not_over", _("Feedback is given once the season has ended.")
    BAD_HOURS = "bad_hours", _("Give between 0 and 200 hours.")
    BAD_RATING = "bad_rating", _("Give a rating from 1 to 5.")
    ALREADY_GIVEN = "already_given", _("You have already given your feedback.")
    BAD_SEGMENT = (
        "bad_segment",
        _("Choose one of the segments, and its language, topic or chapter if it has one."),
    )
    BAD_TOPIC = "bad_topic", _("Choose among the topics and chapters this newsletter offers.")
    FILE_TOO_LARGE = "file_too_large", _("The file is too large.")
    FILE_TYPE = (
        "file_type",
        _(
            "Templates and checklists take a PDF, Word, Excel, PowerPoint or OpenDocument "
            "file; recordings an MP3, M4A, MP4, WebM, Ogg or WAV file."
        ),
    )
    ALREADY_REACHED = "already_reached", _("This milestone has already been reached.")
    ALREADY_AUTHOR = "already_author", _("This person is already an author of the item.")
    BAD_VAT_NUMBER = (
        "bad_vat_number",
        _("This is not a valid European VAT number (for example BE0403170701)."),
    )
    ORGANISATION_EXISTS = (
        "organisation_exists",
        _("An organisation of this name is already registered in this network."),
    )
    LAST_PERSON = (
        "last_person",
        _("Someone must keep acting for the organisation: add another person first."),
    )
    NO_FILE_FOR_KIND = (
        "no_file_for_kind",
        _("Only templates, checklists and recordings carry a file."),
    )


class KnowledgeError(DomainError):
    statuses = {
        KnowledgeErrorCode.ALREADY_COACH: 409,
        KnowledgeErrorCode.SAME_STAGE: 409,
        KnowledgeErrorCode.NOT_EDITABLE: 409,
        KnowledgeErrorCode.NOT_IN_REVIEW: 409,
        KnowledgeErrorCode.ISSUE_SENT: 409,
        KnowledgeErrorCode.NOT_OPEN: 409,
        KnowledgeErrorCode.ALREADY_ASKED: 409,
        KnowledgeErrorCode.ALREADY_APPLIED: 409,
        KnowledgeErrorCode.ALREADY_PAIRED: 409,
        KnowledgeErrorCode.ALREADY_CHECKED_IN: 409,
        KnowledgeErrorCode.ALREADY_GIVEN: 409,
        KnowledgeErrorCode.ALREADY_REACHED: 409,
        KnowledgeErrorCode.ORGANISATION_EXISTS: 409,
        KnowledgeErrorCode.LAST_PERSON: 409,
        KnowledgeErrorCode.ALREADY_AUTHOR: 409,
    }
