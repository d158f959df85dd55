"""Compensation under the member's lock: their services repay the services they received."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from samen.credits.actions.schemes import lock_wallets, wallet
from samen.credits.models import CreditScheme
from samen.invoicing.compensation import documents_compensate


@transaction.atomic
def member_compensate(*, actor: Any, scheme: CreditScheme, member: Any) -> Decimal:
    """Set off the member's open invoices and credit notes of the scheme's host, oldest first.

    The member's credit wallet is row-locked first: it is the lock every change of their
    credits and every settlement takes, so a compensation never runs beside another one (or
    beside a settlement reading the same invoices) for the same member. Returns the euros set
    off; running it again with nothing new open sets off nothing.
    """
    lock_wallets([wallet(scheme, member)])
    return documents_compensate(actor=actor, host=scheme.host, customer=member)
