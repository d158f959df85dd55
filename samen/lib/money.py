"""Exact money: integer amounts in a unit's smallest step, never float (DESIGN rule 4).

``Money(amount, unit)`` pairs an integer (cents for EUR, thousandths for a credit with three
decimals) with anything that has a ``code`` and ``decimals`` (the ledger's ``Unit`` model, or
:class:`SimpleUnit` where no database row is at hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from samen.lib.errors import DomainError


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


def to_amount(value: Decimal | int, decimals: int) -> int:
    """An exact number of whole units (``Decimal("12.50")``) in smallest steps (``1250``).

    A value with more places than the unit has is rounded half to even, as the invoices'
    fixed-place columns round.
    """
    return int(Decimal(value).scaleb(decimals).to_integral_value(rounding=ROUND_HALF_EVEN))


def format_amount(
    amount: int, decimals: int, language: str | None = None, *, grouped: bool = True
) -> str:
    """The number alone, grouped for the language: ``1.234,56`` (nl, fr) or ``1,234.56`` (en).

    ``grouped=False`` writes it as a person types it into a field (``1234,56``), which
    :func:`parse_amount` reads back without asking whether the point is a thousands one.
    """
    language = (language or translation.get_language() or "en").split("-")[0]
    thousands, point = (".", ",") if language in ("nl", "fr") else (",", ".")
    text = f"{abs(to_decimal(amount, decimals)):f}"
    whole, _, fraction = text.partition(".")
    number = (_group(whole, thousands) if grouped else whole) + (
        point + fraction if fraction else ""
    )
    return ("-" if amount < 0 else "") + number


def format_money(money: Money, language: str | None = None, *, non_breaking: bool = False) -> str:
    """``1.234,56 €`` in Dutch and French, ``€1,234.56`` in English; other units by code.

    ``non_breaking=True`` joins number and symbol with a no-break space, for printed
    documents where a line must not end between the two.
    """
    language = (language or translation.get_language() or "en").split("-")[0]
    number = format_amount(abs(money.amount), money.unit.decimals, language)
    sign = "-" if money.amount < 0 else ""
    symbol = _SYMBOLS.get(money.unit.code)
    space = "\u00a0" if non_breaking else " "
    if language in ("nl", "fr"):
        return f"{sign}{number}{space}{symbol or money.unit.code}"
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number}{space}{money.unit.code}"


class AmbiguousAmount(ValueError):
    """``12.345`` for a unit with two decimals: twelve thousand, or a typo of twelve?"""


def parse_amount(text: str, decimals: int) -> int:
    """Parse a typed amount into smallest steps, exactly; raises ValueError when it is not one.

    Accepts ``12``, ``12.5``, ``12,50``, ``1.234,56``, ``1,234.56``, ``1.234.567``, ``€ 12``
    and a leading minus. When both ``.`` and ``,`` appear the last one is the decimal point.
    A lone separator followed by exactly three digits (``12.345``) is a decimal point when
    the unit has three decimals; for other units it could be thousands or a typo, so it
    raises :class:`AmbiguousAmount` instead of guessing.
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
        if len(parts) == 2 and looks_grouped:
            # "12.345": twelve thousand, or twelve with a typo? Ask instead of guessing.
            raise AmbiguousAmount(f"Ambiguous amount: {text!r}")
        if len(parts) > 2:
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


# --- Typed amounts with bounds -------------------------------------------------------------

#: Longest amount text read at all; longer input is refused, never cut (a long number is
#: still read, and refused by its kind's bound with that bound in the message).
MAX_AMOUNT_TEXT = 100


class AmountKind(models.TextChoices):
    """What an amount is for; each kind has its own upper bound (``AMOUNT_LIMITS``)."""

    CONTRIBUTION = "contribution", _("contribution")
    GOAL = "goal", _("campaign goal")
    PRICE = "price", _("price")
    FEE = "fee", _("fee")
    ADJUSTMENT = "adjustment", _("ledger adjustment")
    EXPENSE_ITEM = "expense_item", _("expense item")
    SETTLEMENT = "settlement", _("settlement")
    ADDED_FUNDS = "added_funds", _("added funds")
    CREDIT = "credit", _("credit amount")


#: Upper bounds in whole units (euros, credits), overridable per kind with the
#: ``AMOUNT_LIMITS`` setting. Every bound fits the 32-bit columns some amounts use.
DEFAULT_AMOUNT_LIMITS: dict[str, int] = {
    AmountKind.CONTRIBUTION: 1_000_000,
    AmountKind.GOAL: 10_000_000,
    AmountKind.PRICE: 1_000_000,
    AmountKind.FEE: 100_000,
    AmountKind.ADJUSTMENT: 10_000_000,
    AmountKind.EXPENSE_ITEM: 1_000_000,
    AmountKind.SETTLEMENT: 1_000_000,
    AmountKind.ADDED_FUNDS: 10_000_000,
    AmountKind.CREDIT: 1_000_000,
}
_INT32_MAX = 2**31 - 1


class AmountErrorCode(models.TextChoices):
    INVALID = "amount_invalid", _("Enter an amount, for example 25 or 12,50.")
    AMBIGUOUS = "amount_ambiguous", _("Is this a thousands separator or a decimal point?")
    TOO_MANY_DECIMALS = "amount_decimals", _("This amount has too many decimals.")
    TOO_LARGE = "amount_too_large", _("This amount is too large.")
    NOT_POSITIVE = "amount_not_positive", _("Enter an amount above zero.")
    NEGATIVE = "amount_negative", _("Enter an amount of zero or more.")
    ZERO = "amount_zero", _("The amount must not be zero.")


class AmountError(DomainError):
    """Typed or sent amount that cannot be used; ``message`` is the field error to show."""


def amount_limit(kind: str, decimals: int) -> int:
    """The largest allowed amount of ``kind`` in smallest steps (``AMOUNT_LIMITS`` setting)."""
    limits = {**DEFAULT_AMOUNT_LIMITS, **getattr(settings, "AMOUNT_LIMITS", {})}
    return min(int(limits[kind]) * 10**decimals, _INT32_MAX)


def check_amount(
    amount: int,
    decimals: int,
    *,
    kind: str,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> int:
    """``amount`` (smallest steps) when it is within the bounds of ``kind``, else AmountError.

    Forms, API endpoints and actions all call this, so an amount is bounded the same way
    wherever it enters; negative amounts (ledger adjustments) are bounded by their size.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise AmountError(AmountErrorCode.INVALID)
    if amount < 0 and not allow_negative:
        code = AmountErrorCode.NEGATIVE if allow_zero else AmountErrorCode.NOT_POSITIVE
        raise AmountError(code)
    if amount == 0 and not allow_zero:
        raise AmountError(AmountErrorCode.ZERO if allow_negative else AmountErrorCode.NOT_POSITIVE)
    limit = amount_limit(kind, decimals)
    if abs(amount) > limit:
        raise AmountError(
            AmountErrorCode.TOO_LARGE,
            _("This amount is too large: at most %(limit)s.")
            % {"limit": format_amount(limit, decimals)},
        )
    return amount


def amount_from_text(
    text: object,
    decimals: int,
    *,
    kind: str,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> int:
    """The one amount parser for people's input: text to smallest steps, bounded by ``kind``.

    Raises :class:`AmountError` with a message fit for a field error (or the API's
    ``detail``): not an amount, too long (never cut), ambiguous (``12.345``: asked back),
    too many decimals, out of bounds.
    """
    raw = str(text if text is not None else "").strip()
    if len(raw) > MAX_AMOUNT_TEXT:
        raise AmountError(AmountErrorCode.INVALID)
    try:
        amount = parse_amount(raw, decimals)
    except AmbiguousAmount:
        raise AmountError(
            AmountErrorCode.AMBIGUOUS,
            _(
                "Did you mean %(thousands)s or %(decimal)s? Write it without a thousands "
                "separator, for example %(example)s."
            )
            % _ambiguity(raw, decimals),
        ) from None
    except ValueError as exc:
        code = (
            AmountErrorCode.TOO_MANY_DECIMALS
            if "decimal places" in str(exc)
            else AmountErrorCode.INVALID
        )
        raise AmountError(code) from None
    return check_amount(
        amount, decimals, kind=kind, allow_zero=allow_zero, allow_negative=allow_negative
    )


def _ambiguity(raw: str, decimals: int) -> dict[str, str]:
    """The two readings of ``12.345`` in the active language, to ask which one was meant."""
    digits = "".join(c for c in raw if c.isdigit())
    sign = "-" if raw.startswith("-") else ""
    return {
        "thousands": sign + format_amount(int(digits) * 10**decimals, decimals),
        "decimal": sign + format_amount(int(digits), 3),
        "example": sign + digits,
    }
