"""The one CSV writer of every export: cells can never run as spreadsheet formulas.

Spreadsheet programs treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula,
and some also after a leading tab or carriage return (CSV injection). Every text cell is
neutralised with a leading apostrophe; plain numbers such as ``-12.50`` stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

from samen.lib.money import to_decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a CSV cell: text that could start a formula gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    if text.lstrip(" ")[:1] in FORMULA_STARTS and text.lstrip(" "):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, stream: _Writable) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writable) -> SafeCsvWriter:
    """The writer every CSV export uses (an ``HttpResponse`` or a ``StringIO`` as stream)."""
    return SafeCsvWriter(stream)


def csv_amount(amount: int, decimals: int = 2) -> str:
    """An amount in smallest steps as a plain, exact number (``-1234.50``): never localised,
    never grouped, never through a float, so every spreadsheet and script reads it back."""
    return f"{to_decimal(amount, decimals):f}"
