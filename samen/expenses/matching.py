"""Outgoing bank statement lines that pay scheduled expenses, matched by end-to-end id."""

from __future__ import annotations

from typing import Any

from samen.banking.matching import line_pays
from samen.expenses.actions import expense_reconcile_line


def match_outgoing_line(line: Any) -> bool:
    """The matcher registered with the shared bank import (``samen.banking.matching``).

    Claims a debit line whose end-to-end id and amount are those of a scheduled expense of
    the same host, marks the expense paid and the line matched in one transaction.
    """
    from samen.banking.actions import bank_line_mark_matched

    if not line.end_to_end_id or not line_pays(line, incoming=False):
        return False
    expense = expense_reconcile_line(
        host=line.host,
        end_to_end=line.end_to_end_id,
        amount=line.amount,
        booked_on=line.booking_date,
        reference=line.bank_reference or line.end_to_end_id,
    )
    if expense is None:
        return False
    bank_line_mark_matched(line=line, target=expense, actor=line.statement.imported_by)
    return True
