"""Feedback over time as a small server-side SVG (no JavaScript): the monthly averages of
usefulness and preparation on the 1-5 scale."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from samen.events.queries import Ratings
from samen.lib.svg import svg_number as n

WIDTH, HEIGHT, PAD = 600, 180, 28
#: Usefulness in Samen green, preparation in a blue that reads next to it.
LINES = (("usefulness", "#198754"), ("prepared", "#0d6efd"))


def _y(value: Decimal) -> float:
    return float(PAD + (Decimal(5) - value) / Decimal(4) * (HEIGHT - 2 * PAD))


def feedback_chart(months: list[Ratings]) -> SafeString:
    """One line per question across the months, the scale from 1 to 5; labelled for
    screen readers, each point titled with its month, average and number of answers."""
    if not months:
        return mark_safe("")
    step = (WIDTH - 2 * PAD) / max(len(months) - 1, 1)
    names = {"usefulness": gettext("Usefulness"), "prepared": gettext("Preparation")}
    parts = []
    for field, colour in LINES:
        points = [
            (PAD + i * step, value, month)
            for i, month in enumerate(months)
            if (value := getattr(month, field)) is not None
        ]
        line = " ".join(f"{n(x)},{n(_y(v))}" for x, v, _ in points)
        dots = "".join(
            f'<circle cx="{n(x)}" cy="{n(_y(v))}" r="3"><title>'
            f"{escape(names[field])}, {escape(date_format(m.when, 'F Y'))}: {n(v)} / 5 "
            f"({m.count})</title></circle>"
            for x, v, m in points
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{line}"/>'
            f'<g fill="{colour}">{dots}</g>'
        )
    labels = "".join(
        f'<text x="{n(PAD + i * step)}" y="{HEIGHT - 6}" text-anchor="middle" '
        f'font-size="10">{escape(date_format(m.when, "M Y"))}</text>'
        for i, m in enumerate(months)
    )
    scale = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{n(_y(Decimal(v)))}" y2="{n(_y(Decimal(v)))}" '
        f'stroke="#dee2e6"/><text x="4" y="{n(_y(Decimal(v)) + 3)}" font-size="10">{v}</text>'
        for v in (1, 3, 5)
    )
    title = escape(gettext("Average feedback per month: usefulness and preparation"))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{title}" class="w-100" style="max-height:220px" data-testid="chart">'
        f'<title>{title}</title><g fill="#6c757d">{scale}</g>{"".join(parts)}'
        f'<g fill="#6c757d">{labels}</g></svg>'
    )
    return mark_safe(svg)  # noqa: S308 - every interpolated text is escaped above
