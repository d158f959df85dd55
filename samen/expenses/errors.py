"""Error codes of the expenses app: shown in forms and returned by the API as ``code``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class ExpenseErrorCode(models.TextChoices):
    NOT_HOSTED = "not_hosted", _("This collective has no host, so it cannot pay expenses.")
    SUBMIT_NOT_ALLOWED = "submit_not_allowed", _("You may not submit expenses to this collective.")
    SUBMITTER_RESTRICTED = (
        "submitter_restricted",
        _("You may no longer submit expenses on this platform."),
    )
    HOST_SUSPENDED = (
        "host_suspended",
        _("The host's admins suspended you: you cannot submit expenses to its collectives."),
    )
    INVALID_TRANSITION = "invalid_transition", _("This expense cannot change to that state now.")
    NOT_EDITABLE = "not_editable", _("This expense can no longer be edited.")
    NO_ITEMS = "no_items", _("An expense needs at least one item.")
    CATEGORY_REQUIRED = "category_required", _("The host requires an accounting category.")
    CATEGORY_INVALID = (
        "category_invalid",
        _("This category is not in the host's chart of accounts."),
    )
    OWN_EXPENSE = "own_expense", _("You cannot approve your own expense.")
    ALREADY_APPROVED = "already_approved", _("You already approved this expense.")
    INSUFFICIENT_BALANCE = (
        "insufficient_balance",
        _("The collective's available balance is too low for this expense."),
    )
    ON_HOLD = "on_hold", _("This expense is on hold.")
    ALREADY_PAID = "already_paid", _("This expense is already paid.")
    BAD_FILE = "bad_file", _("Attach a PDF or an image (JPEG, PNG, WebP) of at most 10 MB.")
    BAD_IBAN = "bad_iban", _("This IBAN is not valid.")
    NOT_SEPA = (
        "not_sepa",
        _(
            "The host pays by SEPA transfer, which cannot reach this account: give an IBAN "
            "of a country in the SEPA area."
        ),
    )
    BIC_REQUIRED = (
        "bic_required",
        _(
            "Give the BIC of this account's bank: a SEPA transfer outside the European "
            "Economic Area needs it."
        ),
    )
    NO_HOST_IBAN = "no_host_iban", _("The host has no valid IBAN to pay from.")
    EMPTY_BATCH = "empty_batch", _("Select at least one approved expense.")
    WRONG_HOST = "wrong_host", _("These expenses do not all belong to this host.")
    DECISION_REQUIRED = (
        "decision_required",
        _("The collective's policy needs a passed decision for an expense this large."),
    )
    DECISION_INVALID = (
        "decision_invalid",
        _("Link a closed decision of this collective that passed."),
    )
    INVALID = "invalid", _("The expense is not valid.")


# Refusals that are about the input rather than the expense's current state: 400.
_BAD_INPUT = (
    ExpenseErrorCode.BAD_FILE,
    ExpenseErrorCode.BAD_IBAN,
    ExpenseErrorCode.NOT_SEPA,
    ExpenseErrorCode.BIC_REQUIRED,
    ExpenseErrorCode.INVALID,
    ExpenseErrorCode.NO_ITEMS,
    ExpenseErrorCode.CATEGORY_INVALID,
    ExpenseErrorCode.CATEGORY_REQUIRED,
    ExpenseErrorCode.EMPTY_BATCH,
)
_FORBIDDEN = (
    ExpenseErrorCode.SUBMIT_NOT_ALLOWED,
    ExpenseErrorCode.SUBMITTER_RESTRICTED,
    ExpenseErrorCode.HOST_SUSPENDED,
)


class ExpenseError(DomainError):
    """A refused expense operation; the others conflict with the expense's state (409)."""

    statuses = dict.fromkeys(_BAD_INPUT, 400) | dict.fromkeys(_FORBIDDEN, 403)
    default_status = 409
