"""Cells of the CSV files people open in a spreadsheet: safe text and plain numbers."""

from __future__ import annotations

from samen.lib.money import to_decimal

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def csv_amount(amount: int, decimals: int = 2) -> str:
    """An amount in smallest steps as a plain, exact number (``-1234.50``): never localised,
    never grouped, never through a float, so every spreadsheet and script reads it back."""
    return f"{to_decimal(amount, decimals):f}"
