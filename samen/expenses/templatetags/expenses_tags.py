"""Template helpers of the expenses pages."""

from __future__ import annotations

from django import template

from samen.lib.money import EUR, Money, format_money

register = template.Library()


@register.filter
def eur(cents: int | None) -> str:
    """Cents as euros for the active language: ``1.234,56 €`` in nl/fr, ``€1,234.56`` in en."""
    return format_money(Money(int(cents or 0), EUR))


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)
