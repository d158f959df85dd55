"""Credits error codes and the exception actions raise for refused requests."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class CreditsErrorCode(models.TextChoices):
    NO_SCHEME = "no_scheme", _("This host has no credit scheme.")
    SCHEME_EXISTS = "scheme_exists", _("This host already has a credit scheme.")
    NOT_A_MEMBER = "not_a_member", _("Only members of the host take part in its credits.")
    NO_RATE_CARD = "no_rate_card", _("No rate card was in force on that date.")
    UNKNOWN_SERVICE = "unknown_service", _("This service is not on the rate card for that date.")
    SAME_PERSON = "same_person", _("Giver and receiver must be two different people.")
    NOT_ALLOWED = "not_allowed", _("You may not do this.")
    LIMIT_EXCEEDED = "limit_exceeded", _("This would take the member below their credit limit.")
    NOT_PENDING = "not_pending", _("This delivery is no longer waiting for confirmation.")
    FUTURE_DATE = "future_date", _("A delivery cannot be recorded in the future.")
    QUARTER_EXPORTED = (
        "quarter_exported",
        _(
            "The VAT return of this date's quarter was already exported: a service of that "
            "quarter can no longer be recorded. Ask the host to correct it in the current "
            "quarter."
        ),
    )
    YEAR_NOT_ENDED = "year_not_ended", _("Only a year that has ended can be closed.")
    REQUEST_NOT_OPEN = "request_not_open", _("This request is no longer open.")
    OWN_REQUEST = "own_request", _("You cannot answer your own request.")
    REQUEST_SERVICE = (
        "request_service",
        _("A request is answered with a service between members on the rate card."),
    )
    SETTLEMENT_OFF = (
        "settlement_off",
        _("This host does not accept euros for credits (or its credit has no euro value)."),
    )
    NO_DEBT = "no_debt", _("This member has no credit debt to settle.")
    MORE_THAN_DEBT = "more_than_debt", _("This is more than the euros that settle the debt.")
    MORE_THAN_INVOICES = (
        "more_than_invoices",
        _("This is more than the member's open invoices still due."),
    )
    TOO_SMALL = "too_small", _("This amount buys back less than the smallest step of a credit.")
    BAD_BANK_LINE = "bad_bank_line", _("This bank line cannot pay a settlement.")
    IDEMPOTENCY_CONFLICT = (
        "idempotency_conflict",
        _("Another settlement was already booked under this key."),
    )
    INVALID = "invalid", _("The request is not valid.")


class CreditsError(DomainError):
    """A refused credits request; ``message`` is shown to the person."""

    statuses = {
        CreditsErrorCode.NO_SCHEME: 404,
        CreditsErrorCode.NOT_ALLOWED: 403,
        CreditsErrorCode.NOT_PENDING: 409,
        CreditsErrorCode.SCHEME_EXISTS: 409,
        CreditsErrorCode.REQUEST_NOT_OPEN: 409,
        CreditsErrorCode.IDEMPOTENCY_CONFLICT: 409,
        CreditsErrorCode.QUARTER_EXPORTED: 409,
    }
