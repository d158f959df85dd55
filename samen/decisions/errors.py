"""Why a decisions action refused: one code per rule, for people and API clients."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class DecisionErrorCode(models.TextChoices):
    TITLE_MISSING = "title_missing", _("Give the decision a title.")
    TOO_LONG = "too_long", _("This text is too long.")
    DEADLINE_PAST = "deadline_past", _("The closing time must be at least an hour from now.")
    DEADLINE_FAR = "deadline_far", _("The closing time must be within a year.")
    OPTIONS_MISSING = "options_missing", _("Give at least two different options.")
    TOO_MANY_OPTIONS = "too_many_options", _("A poll has at most 20 options.")
    BAD_SETTING = "bad_setting", _("This setting is out of range.")
    CLOSED = "closed", _("This decision is closed.")
    STILL_OPEN = "still_open", _("This decision is still open.")
    NOT_ELIGIBLE = "not_eligible", _("You may not take part in this decision.")
    CHOICE_MISSING = "choice_missing", _("Choose an option.")
    ONE_CHOICE = "one_choice", _("Choose exactly one option.")
    TOO_MANY_CHOICES = "too_many_choices", _("You chose more options than this poll allows.")
    UNKNOWN_OPTION = "unknown_option", _("That option is not part of this decision.")
    REPEATED_OPTION = "repeated_option", _("Each option may appear only once.")
    BAD_SCORE = "bad_score", _("A score is out of range.")
    BAD_RANKS = "bad_ranks", _("Rank the options 1, 2, 3… without gaps.")
    TOO_MANY_DOTS = "too_many_dots", _("You placed more dots than you have.")
    REASON_MISSING = "reason_missing", _("Give a reason: a block or an objection needs one.")
    OUTCOME_MISSING = "outcome_missing", _("Write the outcome first.")
    WRONG_TOPIC = "wrong_topic", _("That discussion belongs to another community.")
    NOT_CONSENT = "not_consent", _("Only a proposal or consent poll can be amended.")
    WRONG_KIND = "wrong_kind", _("A survey is answered question by question, not voted on.")
    QUESTIONS_MISSING = "questions_missing", _("Give the survey at least one question.")
    TOO_MANY_QUESTIONS = "too_many_questions", _("A survey has at most 30 questions.")
    ANSWER_MISSING = "answer_missing", _("Answer every required question.")
    UNKNOWN_QUESTION = "unknown_question", _("That question is not part of this survey.")
    ADVISORS_MISSING = (
        "advisors_missing",
        _("Name at least one person who is affected or has expertise."),
    )
    PEOPLE_MISSING = "people_missing", _("List at least one person who may take part.")
    NOT_MEMBER = "not_member", _("Everyone you name must be a member of this community.")
    ADVICE_MISSING = "advice_missing", _("Write your advice: it is what the author reads.")
    ANONYMOUS_ADVICE = "anonymous_advice", _("An advice process cannot be anonymous.")
    RULES_ADMINS = (
        "rules_admins",
        _(
            "Only the community's admins may put a house-rules change to a decision, as a "
            "proposal or a consent poll of a collective or a host."
        ),
    )
    ROLE_MISSING = "role_missing", _("Choose the role whose people may take part.")
    EVENT_MISSING = "event_missing", _("Choose one of this community's events.")
    CAMPAIGN_MISSING = "campaign_missing", _("Choose one of this collective's campaigns.")
    SEGMENT_ADMINS = (
        "segment_admins",
        _(
            "Only the community's admins may ask a role, the attendees of an event, the "
            "backers of a campaign, the members in debt or the followers."
        ),
    )
    OUTSIDE_SEGMENT = "outside_segment", _("You are not part of the people this is for.")
    NOT_HOST_SURVEY = "not_host_survey", _("Only a host's closed survey can be published.")
    LINK_INVALID = "link_invalid", _("This link is not valid: it was changed or cut short.")
    LINK_EXPIRED = "link_expired", _("This link has expired.")
    LINK_OTHER_PERSON = (
        "link_other_person",
        _("This link was sent to someone else. Log out, or vote from the decision's page."),
    )


class DecisionError(DomainError):
    statuses = {
        DecisionErrorCode.CLOSED: 409,
        DecisionErrorCode.STILL_OPEN: 409,
        DecisionErrorCode.NOT_ELIGIBLE: 403,
        DecisionErrorCode.OUTSIDE_SEGMENT: 403,
    }
