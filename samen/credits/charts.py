"""Credits over time as small server-side SVGs (no JavaScript needed): a member's balance,
and the network's credits in circulation and debt. Every coordinate is written by
``svg_number``, so no language's decimal comma reaches the SVG."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from samen.lib.money import to_decimal
from samen.lib.svg import svg_number as n

WIDTH, HEIGHT, PAD = 600, 180, 28


def balance_chart(history: list[tuple[dt.date, int]], decimals: int, code: str) -> SafeString:
    """A line of month-end balances with a zero line; labelled for screen readers."""
    if not history:
        return mark_safe("")
    values = [to_decimal(amount, decimals) for _, amount in history]
    top, bottom = max([*values, Decimal(0)]), min([*values, Decimal(0)])
    span = (top - bottom) or Decimal(1)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: Decimal) -> float:
        return float(PAD + (top - value) / span * (HEIGHT - 2 * PAD))

    points = " ".join(f"{n(PAD + i * step)},{n(y(v))}" for i, v in enumerate(values))
    labels = "".join(
        f'<text x="{n(PAD + i * step)}" y="{HEIGHT - 6}" text-anchor="middle" '
        f'font-size="10">{escape(date_format(day, "M"))}</text>'
        for i, (day, _) in enumerate(history)
    )
    dots = "".join(
        f'<circle cx="{n(PAD + i * step)}" cy="{n(y(v))}" r="3"><title>'
        f"{escape(date_format(history[i][0], 'F Y'))}: {v.normalize():f} {escape(code)}"
        "</title></circle>"
        for i, v in enumerate(values)
    )
    title = escape(gettext("Balance at the end of each month"))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{title}" class="w-100" style="max-height:220px">'
        f"<title>{title}</title>"
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{n(y(Decimal(0)))}" y2="{n(y(Decimal(0)))}" '
        'stroke="#adb5bd" stroke-dasharray="4 3"/>'
        f'<polyline fill="none" stroke="#198754" stroke-width="2" points="{points}"/>'
        f'<g fill="#198754">{dots}</g><g fill="#6c757d">{labels}</g></svg>'
    )
    return mark_safe(svg)  # noqa: S308 - every interpolated text is escaped above


def circulation_chart(months: list[dict[str, Any]]) -> dict[str, Any]:
    """Shapes for ``credits.queries.circulation_history``: one line for the credits in
    circulation, one for the debt, on a common axis from zero; the template draws them
    beside a table of the same numbers. {} when no credit ever moved."""
    top = max((max(m["circulation"], m["debt"]) for m in months), default=0)
    if not top:
        return {}
    step = (WIDTH - 2 * PAD) / max(len(months) - 1, 1)

    def y(value: int) -> str:
        return n(PAD + (top - value) * (HEIGHT - 2 * PAD) / top)

    points = [
        {
            "month": m["month"],
            "x": n(PAD + i * step),
            "circulation_y": y(m["circulation"]),
            "debt_y": y(m["debt"]),
        }
        for i, m in enumerate(months)
    ]
    return {
        "width": n(WIDTH),
        "height": n(HEIGHT),
        "zero": y(0),
        "left": n(PAD),
        "right": n(WIDTH - PAD),
        "label_y": n(HEIGHT - 6),
        "points": points,
        "circulation": " ".join(f"{p['x']},{p['circulation_y']}" for p in points),
        "debt": " ".join(f"{p['x']},{p['debt_y']}" for p in points),
    }
