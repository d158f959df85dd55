"""Exact money: integer amounts in a unit's smallest step, never float (DESIGN rule 4).

``Money(amount, unit)`` pairs an integer (cents for EUR, thousandths for a credit with three
decimals) with anything that has a ``code`` and ``decimals`` (the ledger's ``Unit`` model, or
:class:`SimpleUnit` where no database row is at hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Protocol, runtime_checkable

from django.utils import translation


@runtime_checkable
class UnitLike(Protocol):
    """What money needs to know about its unit."""

    @property
    def code(self) -> str: ...

    @property
    def decimals(self) -> int: ...


@dataclass(frozen=True)
class SimpleUnit:
    """A unit without a database row (formatting, tests, benchmarks)."""

    code: str
    decimals: int = 2


EUR = SimpleUnit("EUR", 2)

# Symbols written in front of (en) or after (nl, fr) the number; other codes are spelled out.
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def _same_unit(a: UnitLike, b: UnitLike) -> bool:
    return a.code == b.code and a.decimals == b.decimals


@dataclass(frozen=True)
class Money:
    """An exact amount of one unit; arithmetic only between amounts of the same unit."""

    amount: int
    unit: UnitLike

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("Money amounts are integers in the unit's smallest step.")

    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError("Money can only be combined with Money.")
        if not _same_unit(self.unit, other.unit):
            raise ValueError(f"Cannot combine {self.unit.code} with {other.unit.code}.")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.unit)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.unit)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.unit)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.unit)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an integer; round explicitly.")
        return Money(self.amount * factor, self.unit)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount == other.amount and _same_unit(self.unit, other.unit)

    def __hash__(self) -> int:
        return hash((self.amount, self.unit.code, self.unit.decimals))

    def __bool__(self) -> bool:
        return self.amount != 0

    def as_decimal(self) -> Decimal:
        """The amount in whole units, exact (``Money(123456, EUR)`` -> ``Decimal("1234.56")``)."""
        return to_decimal(self.amount, self.unit.decimals)

    def __str__(self) -> str:
        return format_money(self)

    @classmethod
    def zero(cls, unit: UnitLike) -> Money:
        return cls(0, unit)


def to_decimal(amount: int, decimals: int) -> Decimal:
    """Integer smallest steps to an exact Decimal with ``decimals`` places."""
    return Decimal(amount).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals))


def _group(digits: str, separator: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def format_amount(amount: int, decimals: int, language: str | None = None) -> str:
    """The number alone, grouped for the language: ``1.234,56`` (nl, fr) or ``1,234.56`` (en)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    thousands, point = (".", ",") if language in ("nl", "fr") else (",", ".")
    text = f"{abs(to_decimal(amount, decimals)):f}"
    whole, _, fraction = text.partition(".")
    number = _group(whole, thousands) + (point + fraction if fraction else "")
    return ("-" if amount < 0 else "") + number


def format_money(money: Money, language: str | None = None) -> str:
    """``1.234,56 €`` in Dutch and French, ``€1,234.56`` in English; other units by code."""
    language = (language or translation.get_language() or "en").split("-")[0]
    number = format_amount(abs(money.amount), money.unit.decimals, language)
    sign = "-" if money.amount < 0 else ""
    symbol = _SYMBOLS.get(money.unit.code)
    if language in ("nl", "fr"):
        return f"{sign}{number} {symbol or money.unit.code}"
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {money.unit.code}"


def parse_amount(text: str, decimals: int) -> int:
    """Parse a typed amount into smallest steps, exactly; raises ValueError when it is not one.

    Accepts ``12``, ``12.5``, ``12,50``, ``1.234,56``, ``1,234.56``, ``€ 12`` and a leading
    minus. When both ``.`` and ``,`` appear the last one is the decimal point; a lone
    separator followed by exactly three digits and nothing else is read as a decimal point
    only when the unit has three decimals, else as thousands.
    """
    if not isinstance(text, str):
        raise ValueError("Amount must be text.")
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    for symbol in (*_SYMBOLS.values(), "EUR"):
        cleaned = cleaned.replace(symbol, "")
    negative = cleaned.startswith("-")
    if cleaned[:1] in ("-", "+"):
        cleaned = cleaned[1:]
    if not cleaned or any(c not in "0123456789.," for c in cleaned):
        raise ValueError(f"Not an amount: {text!r}")
    last_dot, last_comma = cleaned.rfind("."), cleaned.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        point = "." if last_dot > last_comma else ","
        thousands = "," if point == "." else "."
        cleaned = cleaned.replace(thousands, "").replace(point, ".")
    elif last_dot >= 0 or last_comma >= 0:
        sep = "." if last_dot >= 0 else ","
        parts = cleaned.split(sep)
        looks_grouped = len(parts[-1]) == 3 and decimals != 3 and parts[0].lstrip("0") != ""
        if len(parts) > 2 or (len(parts) == 2 and looks_grouped):
            # "1.234" or "1.234.567": thousands separators.
            if any(len(p) != 3 for p in parts[1:]) or not parts[0]:
                raise ValueError(f"Not an amount: {text!r}")
            cleaned = "".join(parts)
        else:
            cleaned = cleaned.replace(sep, ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {text!r}") from exc
    scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value(rounding=ROUND_HALF_EVEN):
        raise ValueError(f"{text!r} has more than {decimals} decimal places.")
    result = int(scaled)
    return -result if negative else result
