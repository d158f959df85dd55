"""``{% load money %}{{ amount|money:unit }}``: an amount formatted for the active language."""

from __future__ import annotations

from typing import Any

from django import template

from samen.lib.money import EUR, Money, SimpleUnit, format_money

register = template.Library()


@register.filter(name="money")
def money_filter(value: Any, unit: Any = None) -> str:
    """Format ``value`` (an int of smallest steps, or a Money) in ``unit`` (a Unit or a code).

    A bare code such as ``"EUR"`` assumes two decimals; pass the unit object for credits.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, Money):
        return format_money(value)
    if unit is None or unit == "":
        unit = EUR
    elif isinstance(unit, str):
        unit = SimpleUnit(unit, 2)
    return format_money(Money(int(value), unit))
