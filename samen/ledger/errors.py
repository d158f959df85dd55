"""The ledger's error codes and its one exception type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from samen.ledger.models import Account


class LedgerErrorCode(models.TextChoices):
    UNBALANCED = "unbalanced", _("The entries of each unit must add up to zero.")
    FLOOR_BREACHED = "floor_breached", _("There is not enough on the account for this.")
    IDEMPOTENCY_CONFLICT = (
        "idempotency_conflict",
        _("This idempotency key was already used for a different posting."),
    )
    ALREADY_REVERSED = "already_reversed", _("This transaction has already been reversed.")
    MIXED_UNITS = "mixed_units", _("Amounts of different units cannot be combined.")
    NO_LINES = "no_lines", _("A transaction needs at least two non-zero lines.")
    UNKNOWN_KIND = "unknown_kind", _("Unknown transaction kind.")
    REASON_REQUIRED = "reason_required", _("A reason is required.")
    INVALID_OWNER = "invalid_owner", _("An account has at most one owner.")


class LedgerError(Exception):
    """A posting the ledger refuses; nothing was written.

    ``message`` is translatable and safe to show to the person who asked; ``account`` names
    the account whose floor would have been breached.
    """

    def __init__(
        self,
        code: LedgerErrorCode | str,
        message: Any = None,
        *,
        account: Account | None = None,
    ) -> None:
        self.code = LedgerErrorCode(code)
        self.message = message if message is not None else self.code.label
        self.account = account
        super().__init__(f"{self.code.value}: {self.message}")
