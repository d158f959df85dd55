"""Helpers shared by the credits actions: amounts in words and membership checks."""

from __future__ import annotations

from typing import Any

from samen.communities.queries import is_host_admin, is_host_member
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.ledger.models import Unit
from samen.lib.money import format_amount


def _credits_text(amount: int, unit: Unit) -> str:
    return f"{format_amount(amount, unit.decimals)} {unit.code}"


def _require_admin(actor: Any, host: Any) -> None:
    if not is_host_admin(actor, host) and not getattr(actor, "is_superuser", False):
        raise CreditsError(CreditsErrorCode.NOT_ALLOWED)


def _require_member(user: Any, host: Any) -> None:
    if user is None or not is_host_member(user, host):
        raise CreditsError(CreditsErrorCode.NOT_A_MEMBER)
