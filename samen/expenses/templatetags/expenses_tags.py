"""Template helpers of the expenses pages."""

from __future__ import annotations

from typing import Any

from django import template

from samen.expenses.charts import category_chart
from samen.expenses.queries import spending_by_category
from samen.lib.money import EUR, Money, format_money

register = template.Library()


@register.filter
def eur(cents: int | None) -> str:
    """Cents as euros for the active language: ``1.234,56 €`` in nl/fr, ``€1,234.56`` in en."""
    return format_money(Money(int(cents or 0), EUR))


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


@register.inclusion_tag("expenses/partials/category_chart.html", name="spending_by_category")
def spending_by_category_tag(owner: Any) -> dict[str, Any]:
    """``{% spending_by_category owner %}``: the paid expenses of a collective, or of the
    collectives a host carries, per accounting category, as a chart with its table."""
    spending = spending_by_category(owner)
    return {"spending": spending, "chart": category_chart(spending)}
