"""``{% load audit_words %}``: an audit entry told in words and euros for the host's overview.

The audit log page keeps the exact codes and data; the overview's "Recent changes" reads as
sentences ("Anna approved an application · Buurtmoestuin") with amounts as money.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from samen.lib.money import EUR, Money, format_money

register = template.Library()

ACTION_WORDS = {
    "application.submit": _("applied to be hosted"),
    "application.approve": _("approved an application"),
    "application.reject": _("rejected an application"),
    "application.request_info": _("asked for more information on an application"),
    "application.withdraw": _("withdrew an application"),
    "expense.create": _("filed an expense"),
    "expense.submit": _("submitted an expense for approval"),
    "expense.update": _("edited an expense"),
    "expense.approval_add": _("approved an expense"),
    "expense.hold": _("put an expense on hold"),
    "payout_batch.create": _("scheduled a payment batch"),
    "bank.import": _("imported a bank statement"),
    "bank.line_ignore": _("set a bank line aside"),
    "funding.contribution_paid": _("received a contribution"),
    "funding.contribution_refund": _("refunded a contribution"),
    "funding.added_funds": _("added funds"),
    "funding.campaign_create": _("started a campaign"),
    "collective.create": _("created a collective"),
    "collective.update": _("edited a collective"),
    "collective.freeze": _("froze a collective"),
    "collective.unfreeze": _("unfroze a collective"),
    "host.update": _("edited the host's settings"),
    "membership.add": _("added a member"),
    "news.publish": _("published news"),
    "ledger.adjust": _("corrected the ledger"),
    "credits.delivery_confirm": _("confirmed a delivery"),
    "credits.settlement_record": _("recorded a settlement"),
}

# Data keys that hold an amount in cents.
_AMOUNT_KEYS = {"amount", "amount_cents", "total", "total_cents", "fee_cents"}


@register.filter
def audit_sentence(action: str) -> Any:
    """What happened, as a verb phrase in the active language."""
    return ACTION_WORDS.get(action, _("made a change"))


@register.filter
def audit_amounts(data: Any) -> str:
    """The amounts of an entry's data as euros for the active language, joined by ``·``."""
    if not isinstance(data, dict):
        return ""
    found = [
        format_money(Money(value, EUR))
        for key, value in data.items()
        if key in _AMOUNT_KEYS and isinstance(value, int) and not isinstance(value, bool)
    ]
    return " · ".join(found)
