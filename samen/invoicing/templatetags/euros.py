"""Euro and credit amounts formatted for the active language (``1.234,56 €`` in nl and fr).

Both filters write through ``samen.lib.money``, the one formatter of amounts; they only
turn the Decimals of invoices and statements into its integer smallest steps.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from samen.lib.money import EUR, Money, SimpleUnit, format_amount, format_money, to_amount

register = template.Library()


@register.filter
def euros(value: Decimal | int | None) -> str:
    """``€1,234.56`` in English, ``1.234,56 €`` in Dutch and French (no-break space)."""
    if value is None:
        return ""
    return format_money(Money(to_amount(value, 2), EUR), non_breaking=True)


@register.filter
def unit_price(value: Decimal | int | None) -> str:
    """Like ``euros``, with up to four places for a net price taken out of one that
    includes VAT (``€41.3223``)."""
    if value is None:
        return ""
    amount = Decimal(value)
    places = 2 if amount == amount.quantize(Decimal("0.01")) else 4
    unit = SimpleUnit("EUR", places)
    return format_money(Money(to_amount(amount, places), unit), non_breaking=True)


@register.filter
def credits(value: Decimal | int | None, places: int = 3) -> str:
    """A credit quantity without trailing zeros: ``1``, ``-0,5`` (nl), ``2.25`` (en)."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places)).normalize()
    exponent = amount.as_tuple().exponent
    digits = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_amount(to_amount(amount, digits), digits)


@register.filter
def credit_amount(value: int | None, unit: object) -> str:
    """An integer amount in the unit's smallest step, as a number of credits."""
    if value is None:
        return ""
    decimals = int(getattr(unit, "decimals", 0))
    return credits(Decimal(int(value)).scaleb(-decimals), decimals)
