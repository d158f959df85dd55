"""Numbers that a machine reads back: SVG geometry, data attributes, JSON and CSV cells.

Django's templates localise floats (``7,5`` in Dutch and French), which a browser then reads
as two numbers or none. Geometry is therefore handed to templates as text written here, with a
point as decimal separator and no grouping, whatever the active language.
"""

from __future__ import annotations

from decimal import Decimal


def svg_number(value: float | int | Decimal) -> str:
    """``value`` rounded to one decimal, written the way SVG and JSON read it: ``7.5``,
    ``12``, ``-0.3``; never ``7,5`` or ``1.234``."""
    text = f"{float(value):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text
