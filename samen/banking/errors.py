"""Refusals of the banking actions (the bank files' own are ``parsers.BankFileError``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


class BankingErrorCode(models.TextChoices):
    NOT_ALLOWED = "permission_denied", _("You are not allowed to do this.")
    IBAN_INVALID = "iban_invalid", _("This is not a valid IBAN: check the letters and digits.")
    ACCOUNT_EXISTS = "account_exists", _("This account is already one of the host's accounts.")
    ACCOUNT_NOT_FOUND = "account_not_found", _("This account is not one of the host's accounts.")


class BankingError(DomainError):
    """A banking change the rules refuse; nothing was written."""

    statuses = {
        BankingErrorCode.NOT_ALLOWED: 403,
        BankingErrorCode.ACCOUNT_EXISTS: 409,
        BankingErrorCode.ACCOUNT_NOT_FOUND: 404,
    }

    def __init__(self, code: BankingErrorCode | str, message: Any = None) -> None:
        super().__init__(BankingErrorCode(code), message, field="iban")
