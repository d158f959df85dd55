"""Server-side SVG geometry for the money chart: no JavaScript library needed.

Bars show each month's income (up) and spending (down) around a zero line; a line shows
the balance at the end of each month. The template draws the shapes; the same numbers are
in a table next to it for screen readers.
"""

from __future__ import annotations

from typing import Any

WIDTH = 600
HEIGHT = 200
PAD_TOP = 10
PAD_BOTTOM = 24


def money_chart(months: list[dict[str, Any]]) -> dict[str, Any]:
    """Shapes for ``months`` (dicts with ``month`` and Money ``income``/``spending``/
    ``balance``), scaled to one common axis."""
    if not months:
        return {}
    values = [0]
    for m in months:
        values += [m["income"].amount, -m["spending"].amount, m["balance"].amount]
    top, bottom = max(values), min(values)
    span = (top - bottom) or 1
    plot_height = HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(value: int) -> float:
        return round(PAD_TOP + (top - value) * plot_height / span, 1)

    slot = WIDTH / len(months)
    bar = max(slot * 0.3, 1)
    zero = y(0)
    bars = []
    points = []
    for i, m in enumerate(months):
        x = i * slot
        income_top = y(m["income"].amount)
        spending_bottom = y(-m["spending"].amount)
        bars.append(
            {
                "month": m["month"],
                "income_x": round(x + slot * 0.15, 1),
                "income_y": income_top,
                "income_h": round(zero - income_top, 1),
                "spending_x": round(x + slot * 0.15 + bar, 1),
                "spending_y": zero,
                "spending_h": round(spending_bottom - zero, 1),
                "width": round(bar, 1),
                "label_x": round(x + slot / 2, 1),
            }
        )
        points.append(f"{round(x + slot / 2, 1)},{y(m['balance'].amount)}")
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "zero": zero,
        "label_y": HEIGHT - 6,
        "bars": bars,
        "line": " ".join(points),
    }
