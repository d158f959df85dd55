"""The funding app's error codes and its one exception type."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class FundingErrorCode(models.TextChoices):
    NOT_HOSTED = "not_hosted", _("This collective cannot receive money right now.")
    AMOUNT_TOO_LOW = "amount_too_low", _("The amount is below the minimum.")
    AMOUNT_FIXED = "amount_fixed", _("This tier has a fixed amount.")
    GUEST_ONE_TIME = "guest_one_time", _("Guests can only give once; sign in to give regularly.")
    GUEST_DETAILS = "guest_details", _("Please give your name and e-mail address.")
    SOLD_OUT = "sold_out", _("This reward is sold out.")
    CAMPAIGN_CLOSED = "campaign_closed", _("This campaign does not take pledges any more.")
    METHOD_UNAVAILABLE = "method_unavailable", _("This payment method is not available.")
    NOT_PAID = "not_paid", _("Only a paid contribution can be refunded.")
    REFUND_TOO_LATE = (
        "refund_too_late",
        _("Collective admins can refund within 30 days; ask the host."),
    )
    INSUFFICIENT_BALANCE = (
        "insufficient_balance",
        _("The collective's balance is too low for this refund; a host admin can cover it."),
    )
    # The API's generic code for a refused permission, so clients see one code for it.
    NOT_ALLOWED = "permission_denied", _("You are not allowed to do this.")
    WRONG_STATE = "wrong_state", _("This cannot be done in the current state.")
    AMOUNT_MISMATCH = "amount_mismatch", _("The bank line's amount does not match.")
    BAD_SIGNATURE = "bad_signature", _("The webhook signature is not valid.")
    REASON_REQUIRED = "reason_required", _("A reason is required.")
    SLUG_TAKEN = "slug_taken", _("This address is already taken; choose another one.")
    INVALID_IMAGE = "invalid_image", _("Upload a JPEG, PNG or WebP image.")
    VAT_RATE_REQUIRED = (
        "vat_rate_required",
        _("A product or a ticket needs its VAT rate (21, 12, 6 or 0 %); a gift has none."),
    )
    BAD_ENTERPRISE_NUMBER = (
        "bad_enterprise_number",
        _("This is not a valid Belgian enterprise number (ten digits, for example 0123.456.749)."),
    )
    INVOICE_ONLY_FOR_PURCHASES = (
        "invoice_only_for_purchases",
        _("An invoice is issued only for a product or a ticket; a gift gets a gift receipt."),
    )
    GUEST_NOT_FOUND = (
        "guest_not_found",
        _("No guest gave to this host's collectives with this e-mail address."),
    )
    GUEST_ALREADY_ERASED = (
        "guest_already_erased",
        _("This guest's data was already erased; nothing is left to erase."),
    )


class FundingError(DomainError):
    """A request the funding rules refuse; nothing was written."""

    statuses = {
        FundingErrorCode.NOT_ALLOWED: 403,
        FundingErrorCode.GUEST_NOT_FOUND: 404,
        FundingErrorCode.SOLD_OUT: 409,
        FundingErrorCode.CAMPAIGN_CLOSED: 409,
        FundingErrorCode.WRONG_STATE: 409,
        FundingErrorCode.GUEST_ALREADY_ERASED: 409,
    }

    def __init__(self, code: FundingErrorCode | str, message: Any = None) -> None:
        super().__init__(FundingErrorCode(code), message)
