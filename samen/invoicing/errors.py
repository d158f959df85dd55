"""Invoicing error codes and the exception actions raise for refused requests."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class InvoicingErrorCode(models.TextChoices):
    NO_LINES = "no_lines", _("A document needs at least one line.")
    BAD_CORRECTION = (
        "bad_correction",
        _("A credit note can only correct an open invoice of the same host and member."),
    )
    BAD_ENTERPRISE_NUMBER = (
        "bad_enterprise_number",
        _("This is not a valid Belgian enterprise number."),
    )
    BAD_VAT_NUMBER = "bad_vat_number", _("This is not a valid VAT number of this country.")
    ALREADY_PAID = "already_paid", _("This document is already settled.")
    BAD_AMOUNT = "bad_amount", _("A payment must be a positive amount.")
    OVERPAID = "overpaid", _("This is more than the amount still due on the document.")
    BAD_BANK_LINE = "bad_bank_line", _("This bank line cannot pay this document.")
    HOST_CANNOT_CHARGE_VAT = (
        "host_cannot_charge_vat",
        _("The host has no VAT number yet, so it can only issue documents without VAT."),
    )
    QUARTER_NOT_ENDED = "quarter_not_ended", _("Only a quarter that has ended can be exported.")
    QUARTER_EXPORTED = (
        "quarter_exported",
        _(
            "This quarter was already exported for the VAT return: nothing dated in it can be "
            "added or changed. Correct a document with a credit note, which counts in the "
            "current quarter."
        ),
    )
    BAD_COMPENSATION = (
        "bad_compensation",
        _(
            "Only an open invoice and an open credit note of the same member and the same host "
            "can be set off against each other."
        ),
    )
    REGISTERED_NEEDS_VAT_NUMBER = (
        "registered_needs_vat_number",
        _("A VAT-registered member needs a valid VAT number."),
    )
    PRIVATE_WITH_ENTERPRISE = (
        "private_with_enterprise",
        _(
            "A private person has no enterprise or VAT number: choose a small enterprise or "
            "VAT-registered."
        ),
    )
    SELF_BILLING_NOT_AGREED = (
        "self_billing_not_agreed",
        _(
            "A self-billed invoice needs a VAT-registered member who agreed to self-billing, "
            "and only replaces a credit note for services they gave."
        ),
    )
    PROVIDER_CHARGES_NO_VAT = (
        "provider_charges_no_vat",
        _(
            "This member is a private person or an exempt small enterprise: their services "
            "carry no VAT."
        ),
    )
    IDEMPOTENCY_CONFLICT = (
        "idempotency_conflict",
        _("This request was already made with different content."),
    )


class InvoicingError(DomainError):
    """A refused invoicing request: 409 when the document's state forbids it, else 422."""

    statuses = dict.fromkeys(
        (
            InvoicingErrorCode.ALREADY_PAID,
            InvoicingErrorCode.OVERPAID,
            InvoicingErrorCode.BAD_BANK_LINE,
            InvoicingErrorCode.BAD_CORRECTION,
            InvoicingErrorCode.BAD_COMPENSATION,
            InvoicingErrorCode.IDEMPOTENCY_CONFLICT,
            InvoicingErrorCode.QUARTER_EXPORTED,
        ),
        409,
    )
