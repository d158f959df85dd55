"""Server-side SVG geometry for the money chart: no JavaScript library needed.

Bars show each month's income (up) and spending (down) around a zero line; a line shows
the balance at the end of each month. The template draws the shapes; the same numbers are
in a table next to it for screen readers. Every coordinate leaves here as text written by
``svg_number`` so that no language's decimal comma can reach the SVG.
"""

from __future__ import annotations

from typing import Any

from samen.lib.svg import svg_number as n

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
        return PAD_TOP + (top - value) * plot_height / span

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
                "income_x": n(x + slot * 0.15),
                "income_y": n(income_top),
                "income_h": n(zero - income_top),
                "spending_x": n(x + slot * 0.15 + bar),
                "spending_y": n(zero),
                "spending_h": n(spending_bottom - zero),
                "width": n(bar),
                "label_x": n(x + slot / 2),
            }
        )
        points.append(f"{n(x + slot / 2)},{n(y(m['balance'].amount))}")
    return {
        "width": n(WIDTH),
        "height": n(HEIGHT),
        "zero": n(zero),
        "label_y": n(HEIGHT - 6),
        "bars": bars,
        "line": " ".join(points),
    }
