"""Invoicing error codes and the exception actions raise for refused requests."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    BAD_VAT_NUMBER = "bad_vat_number", _("This is not a valid Belgian VAT number.")
    ALREADY_PAID = "already_paid", _("This document is already settled.")
    BAD_AMOUNT = "bad_amount", _("A payment must be a positive amount.")
    OVERPAID = "overpaid", _("This is more than the amount still due on the document.")
    BAD_BANK_LINE = "bad_bank_line", _("This bank line cannot pay this document.")
    IDEMPOTENCY_CONFLICT = (
        "idempotency_conflict",
        _("This request was already made with different content."),
    )


class InvoicingError(Exception):
    """A refused invoicing request; ``message`` is shown to the person."""

    def __init__(self, code: InvoicingErrorCode, message: str | None = None) -> None:
        self.code = code
        self.message = message or str(code.label)
        super().__init__(self.message)
