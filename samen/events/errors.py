"""Why an events action refused: one code per rule, for people and API clients."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class EventErrorCode(models.TextChoices):
    TITLE_MISSING = "title_missing", _("Give the event a title.")
    PLACE_MISSING = "place_missing", _("Give a place, an online link, or both.")
    NAIVE_TIME = "naive_time", _("Give the time with its time zone.")
    END_BEFORE_START = "end_before_start", _("The end must come after the start.")
    TOO_LONG = "too_long", _("One date of an event lasts at most 14 days.")
    OUT_OF_RANGE = "out_of_range", _("The date must fall within the next two years.")
    CAPACITY_INVALID = "capacity_invalid", _("The number of places must be at least 1.")
    BELOW_GOING = "below_going", _("There cannot be fewer places than people already going.")
    NOT_DRAFT = "not_draft", _("Only a draft can be published.")
    CANCELLED = "cancelled", _("This event is cancelled.")
    DATE_CANCELLED = "date_cancelled", _("This date is cancelled.")
    NOT_OPEN = "not_open", _("This event is not open for registration.")
    STARTED = "started", _("This date has already started.")
    ALREADY_REGISTERED = "already_registered", _("You are already registered.")
    NOT_REGISTERED = "not_registered", _("You are not registered for this date.")
    NOT_GOING = "not_going", _("Only people who are going can be checked in.")
    NOT_ATTENDED = "not_attended", _("Only people who attended can give feedback.")
    TOO_EARLY = "too_early", _("Feedback opens when the session starts.")
    FEEDBACK_GIVEN = "feedback_given", _("You have already given feedback on this session.")
    BAD_RATING = "bad_rating", _("Choose a rating from 1 to 5.")
    SERIES_INVALID = "series_invalid", _("Repeat weekly or monthly, from 1 to 52 times.")
    CODE_INVALID = "code_invalid", _("This check-in code is not valid.")
    CODE_OTHER_DATE = "code_other_date", _("This check-in code is for another event or date.")
    KIND_INVALID = "kind_invalid", _("Choose a kind of event.")
    PRICE_INVALID = "price_invalid", _("Give a price in euros of at least 0.01.")
    PRICE_EUROS_HOSTED = (
        "price_euros_hosted",
        _("Only an event of a hosted collective can ask a price in euros."),
    )
    NO_CREDITS = "no_credits", _("This host has no credit, so the event cannot cost credits.")
    CREDIT_SERVICE = (
        "credit_service",
        _("Choose a line of the host's rate card that this kind of event costs."),
    )
    OVER_LIMIT = "over_limit", _("This costs more credits than your credit limit leaves you.")
    NOT_CREDIT_MEMBER = (
        "not_credit_member",
        _("Only members of the host can take part in an event paid in credits."),
    )
    COACH_INVALID = "coach_invalid", _("The coach must be one of the host's members.")
    NOT_BOOKED = "not_booked", _("The credits for this session could not be booked.")
    PAYMENT_REFUSED = "payment_refused", _("The payment could not be started.")
    REFUND_REFUSED = "refund_refused", _("A payment for this date could not be refunded.")
    FEEDBACK_CLOSED = (
        "feedback_closed",
        _("Feedback can be changed for 14 days after it was given; that time is over."),
    )
    PLUS_ONE_NOT_ALLOWED = "plus_one_not_allowed", _("This event takes no guests.")
    GUESTS_INVALID = "guests_invalid", _("One guest at most can come along.")
    PLUS_ONE_PRICED = (
        "plus_one_priced",
        _("A guest can come along to a free event only: a price is paid per person."),
    )
    QUESTIONS_INVALID = (
        "questions_invalid",
        _(
            "Write one question per line, at most 20; a choice question lists at least two "
            "different choices after it, separated by |."
        ),
    )
    ANSWER_MISSING = "answer_missing", _("Answer this question.")
    ANSWER_INVALID = "answer_invalid", _("Choose one of the answers offered.")
    NOT_PENDING = "not_pending", _("This registration is not waiting for approval.")
    LANGUAGES_INVALID = (
        "languages_invalid",
        _("Choose at least one language spoken at the event, among the site's languages."),
    )
    FILTER_INVALID = "filter_invalid", _("This filter value is not one the agenda offers.")
    WALK_IN_REGISTERED = (
        "walk_in_registered",
        _("This person is already registered for this date: check them in from the list."),
    )
    WALK_IN_NOT_MEMBER = (
        "walk_in_not_member",
        _("Only a member of this community can be added as a walk-in."),
    )

    SERIES_DATES = (
        "series_dates",
        _("This event has several dates: change the time and places of each date on its own."),
    )
    GUEST_NAME_MISSING = "guest_name_missing", _("Give the walk-in's name.")
    GUEST_EMAIL_INVALID = "guest_email_invalid", _("Give a valid e-mail address, or none.")


class EventError(DomainError):
    statuses = {
        EventErrorCode.ALREADY_REGISTERED: 409,
        EventErrorCode.NOT_REGISTERED: 409,
        EventErrorCode.NOT_DRAFT: 409,
        EventErrorCode.CANCELLED: 409,
        EventErrorCode.NOT_OPEN: 409,
        EventErrorCode.STARTED: 409,
        EventErrorCode.FEEDBACK_GIVEN: 409,
        EventErrorCode.NOT_GOING: 409,
        EventErrorCode.NOT_ATTENDED: 403,
        EventErrorCode.BELOW_GOING: 409,
        EventErrorCode.DATE_CANCELLED: 409,
        EventErrorCode.OVER_LIMIT: 409,
        EventErrorCode.NOT_CREDIT_MEMBER: 403,
        EventErrorCode.FEEDBACK_CLOSED: 409,
        EventErrorCode.NOT_BOOKED: 409,
        EventErrorCode.NOT_PENDING: 409,
        EventErrorCode.FILTER_INVALID: 400,
        EventErrorCode.WALK_IN_REGISTERED: 409,
        EventErrorCode.SERIES_DATES: 409,
    }
