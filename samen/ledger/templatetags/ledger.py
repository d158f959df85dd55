"""``{% load ledger %}``: the public money summary of a collective or host."""

from __future__ import annotations

from typing import Any

from django import template

from samen.ledger.charts import money_chart
from samen.ledger.queries import counterparty_label, is_collective, money_summary
from samen.ledger.queries import description as queries_description
from samen.ledger.queries import public_url as queries_public_url
from samen.lib.money import Money, format_money

register = template.Library()


@register.inclusion_tag(
    "ledger/partials/money_summary.html", takes_context=True, name="money_summary"
)
def money_summary_tag(context: template.Context, owner: Any) -> dict[str, Any]:
    """``{% money_summary owner %}`` with ``owner`` a Host or a Collective."""
    return {"owner": owner, "request": context.get("request")}


@register.simple_tag
def ledger_summary(owner: Any) -> dict[str, Any]:
    """The numbers and chart shapes of the money summary (used by the partial itself)."""
    summary = money_summary(owner)
    for unit in summary["units"]:
        unit["chart"] = money_chart(unit["months"])
    summary["is_collective"] = is_collective(owner)
    return summary


@register.filter
def counterparty(txn: Any) -> str:
    return counterparty_label(txn)


@register.filter
def description(txn: Any) -> str:
    """The transaction's description in the reader's language (see queries.description)."""
    return queries_description(txn)


@register.filter
def public_url(txn: Any) -> str:
    return queries_public_url(txn)


@register.filter
def plain_money(money: Money) -> str:
    """A signed amount in its unit, for the active language."""
    return format_money(money)


@register.filter
def unsigned_money(money: Money) -> str:
    """An amount moved between an owner's own accounts: no sign, it neither came nor went."""
    return format_money(Money(abs(money.amount), money.unit))
