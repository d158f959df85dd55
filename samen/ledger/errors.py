"""The ledger's error codes and its one exception type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError

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


class LedgerError(DomainError):
    """A posting the ledger refuses; nothing was written.

    ``account`` names the account whose floor would have been breached.
    """

    statuses = dict.fromkeys(
        (
            LedgerErrorCode.FLOOR_BREACHED,
            LedgerErrorCode.IDEMPOTENCY_CONFLICT,
            LedgerErrorCode.ALREADY_REVERSED,
        ),
        409,
    )

    def __init__(
        self,
        code: LedgerErrorCode | str,
        message: Any = None,
        *,
        account: Account | None = None,
    ) -> None:
        super().__init__(LedgerErrorCode(code), message)
        self.account = account
