"""Paid expenses per accounting category as a server-side SVG of horizontal bars.

The template draws the shapes and, beside them, the same numbers in a table for screen
readers. Every coordinate leaves here as text written by ``svg_number`` so that no language's
decimal comma can reach the SVG.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import Truncator

from samen.expenses.queries import SpendingByCategory
from samen.lib.svg import svg_number as n

WIDTH = 600
ROW = 28
BAR = 18
LABEL = 190  # the category names, left of the bars
AMOUNT = 90  # the amounts, right of the longest bar
NAME_CHARACTERS = 30


def category_chart(spending: SpendingByCategory) -> dict[str, Any]:
    """Shapes for ``spending``: one bar per category, scaled to the largest; {} when
    nothing was paid."""
    if not spending.rows:
        return {}
    largest = max(row.amount.amount for row in spending.rows) or 1
    room = WIDTH - LABEL - AMOUNT
    bars = []
    for i, row in enumerate(spending.rows):
        top = i * ROW + (ROW - BAR) / 2
        length = max(row.amount.amount * room / largest, 1)
        bars.append(
            {
                "name": row.name,
                "label": Truncator(row.name).chars(NAME_CHARACTERS),
                "amount": row.amount,
                "y": n(top),
                "width": n(length),
                "text_y": n(top + BAR * 0.7),
                "amount_x": n(LABEL + length + 6),
            }
        )
    return {
        "width": n(WIDTH),
        "height": n(len(bars) * ROW),
        "bar_x": n(LABEL),
        "label_x": n(LABEL - 8),
        "bar_height": n(BAR),
        "bars": bars,
    }
