"""Reads of the credits app for pages and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from samen.communities.queries import is_host_admin
from samen.credits.models import CreditScheme, Delivery, DeliveryStatus, RateCard, Service, Side
from samen.ledger.models import Account, AccountPurpose, Entry
from samen.ledger.queries import account_totals, balance


def wallet_of(scheme: CreditScheme, user: Any) -> Account | None:
    """The member's wallet if it exists yet (reads never create accounts)."""
    return Account.objects.filter(
        unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET, user=user
    ).first()


def member_summary(scheme: CreditScheme, user: Any) -> dict[str, Any]:
    """Balance, limit and what is still waiting, in the unit's smallest step."""
    from samen.credits.actions import limit_for

    account = wallet_of(scheme, user)
    amount = balance(account) if account is not None else 0
    limit = limit_for(scheme, user)
    return {"balance": amount, "limit": limit, "available": amount + limit}


def balance_history(scheme: CreditScheme, user: Any, months: int = 12) -> list[tuple[dt.date, int]]:
    """Month-end balances over the last ``months`` months (two queries)."""
    today = timezone.localdate()
    firsts = [today.replace(day=1)]
    while len(firsts) < months:
        firsts.append((firsts[-1] - dt.timedelta(days=1)).replace(day=1))
    firsts.reverse()
    account = wallet_of(scheme, user)
    if account is None:
        return [(first, 0) for first in firsts]
    entries = Entry.objects.filter(account=account)
    opening = entries.filter(transaction__effective_date__lt=firsts[0]).aggregate(t=Sum("amount"))
    per_month = dict(
        entries.filter(transaction__effective_date__gte=firsts[0])
        .annotate(month=TruncMonth("transaction__effective_date"))
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    running = int(opening["t"] or 0)
    history = []
    for first in firsts:
        running += int(per_month.get(first, 0) or 0)
        history.append((first, running))
    return history


def movements(scheme: CreditScheme, user: Any) -> QuerySet[Entry]:
    """The member's wallet entries, newest first, with their transaction."""
    account = wallet_of(scheme, user)
    if account is None:
        return Entry.objects.none()
    return (
        Entry.objects.filter(account=account)
        .select_related("transaction")
        .order_by("-transaction__effective_date", "-transaction_id")
    )


def deliveries_by_transaction(transaction_ids: list[int]) -> dict[int, Delivery]:
    rows = Delivery.objects.filter(transaction_id__in=transaction_ids).select_related(
        "service", "provider", "recipient"
    )
    return {d.transaction_id: d for d in rows if d.transaction_id}


def awaiting_decision(scheme: CreditScheme, user: Any) -> QuerySet[Delivery]:
    """Pending deliveries this person may confirm or reject."""
    mine = Q(awaiting=Side.PROVIDER, provider=user) | Q(awaiting=Side.RECIPIENT, recipient=user)
    if is_host_admin(user, scheme.host):
        mine |= Q(awaiting=Side.PROVIDER, provider__isnull=True)
        mine |= Q(awaiting=Side.RECIPIENT, recipient__isnull=True)
    return (
        Delivery.objects.filter(scheme=scheme, status=DeliveryStatus.PENDING)
        .filter(mine)
        .select_related("service", "provider", "recipient", "recorded_by")
        .order_by("created_at", "pk")
    )


def recorded_by(scheme: CreditScheme, user: Any) -> QuerySet[Delivery]:
    """What this person recorded that still waits for the other side."""
    return (
        Delivery.objects.filter(scheme=scheme, recorded_by=user, status=DeliveryStatus.PENDING)
        .select_related("service", "provider", "recipient")
        .order_by("-created_at")
    )


def current_rate_card(scheme: CreditScheme) -> RateCard | None:
    return (
        RateCard.objects.filter(scheme=scheme, valid_from__lte=timezone.localdate())
        .order_by("-valid_from")
        .first()
    )


def services_of(card: RateCard | None) -> list[Service]:
    return list(card.services.all()) if card is not None else []


def imbalances(scheme: CreditScheme) -> list[dict[str, Any]]:
    """Members below zero, deepest first, with the date since which they have been in debt.

    A fixed number of queries: balances, the debtors' entries (to find when their balance
    last went below zero), their names and their profile skills.
    """
    wallets = dict(
        Account.objects.filter(unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET).values_list(
            "pk", "user_id"
        )
    )
    # The ledger's balance is its balance row plus credit stripes: read both.
    totals = account_totals(list(wallets))
    debtors = sorted(
        ((pk, wallets[pk], amount) for pk, amount in totals.items() if amount < 0),
        key=lambda row: (row[2], row[0]),
    )
    if not debtors:
        return []
    since: dict[int, dt.date | None] = {}
    running: dict[int, int] = defaultdict(int)
    rows = (
        Entry.objects.filter(account_id__in=[d[0] for d in debtors])
        .order_by("account_id", "transaction__effective_date", "transaction_id")
        .values_list("account_id", "amount", "transaction__effective_date")
    )
    for account_id, amount, day in rows:
        before = running[account_id]
        running[account_id] += amount
        if running[account_id] < 0 <= before:
            since[account_id] = day
        elif running[account_id] >= 0:
            since[account_id] = None
    user_ids = [d[1] for d in debtors]
    people = get_user_model().objects.in_bulk(user_ids)
    skills: dict[int, list[str]] = defaultdict(list)
    try:
        from samen.accounts.models import Profile

        for user_id, name in (
            Profile.objects.filter(user_id__in=user_ids, skills__isnull=False)
            .order_by("skills__name")
            .values_list("user_id", "skills__name")
        ):
            skills[user_id].append(name)
    except ImportError:  # the accounts app's profiles are optional for this page
        pass
    today = timezone.localdate()
    result = []
    for account_id, user_id, amount in debtors:
        start = since.get(account_id)
        result.append(
            {
                "user": people.get(user_id),
                "balance": int(amount),
                "since": start,
                "days": (today - start).days if start else None,
                "skills": skills.get(user_id, []),
            }
        )
    return result


def host_summary(scheme: CreditScheme) -> dict[str, Any]:
    """Credits in circulation (sum of positive balances), total debt, members' count."""
    wallets = Account.objects.filter(unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET)
    amounts = list(account_totals(list(wallets.values_list("pk", flat=True))).values())
    return {
        "circulation": sum(a for a in amounts if a > 0),
        "debt": -sum(a for a in amounts if a < 0),
        "members": len(amounts),
    }


def rate_card_versions(scheme: CreditScheme) -> list[RateCard]:
    """Every version of the scheme's rate card, newest first, with its services."""
    return list(
        RateCard.objects.filter(scheme=scheme)
        .select_related("created_by")
        .prefetch_related("services")
        .order_by("-valid_from")
    )


def settlement(scheme: CreditScheme, user: Any, balance_now: int) -> dict[str, Any] | None:
    """What settles a member's debt in euros, when the scheme allows it: the credits owed
    times the euro value, VAT computed as on an invoice, and the communication to pay with.
    None when there is no debt, no euro value, or the scheme settles in services only."""
    from samen.invoicing.actions import LineInput, settlement_communication, vat_breakdown
    from samen.invoicing.models import format_communication
    from samen.lib.money import to_decimal

    unit = scheme.unit
    if balance_now >= 0 or not scheme.settle_in_euros or not unit.euro_value:
        return None
    owed = to_decimal(-balance_now, unit.decimals)
    rows = vat_breakdown([LineInput(unit.code, owed, unit.euro_value, unit.vat_rate)])
    net = sum((row[2] for row in rows), Decimal("0.00"))
    vat = sum((row[3] for row in rows), Decimal("0.00"))
    host = scheme.host
    return {
        "credits": -balance_now,
        "net": net,
        "vat": vat,
        "gross": net + vat,
        "vat_rate": unit.vat_rate,
        "iban": host.iban,
        "bic": host.bic,
        "beneficiary": host.legal_name or host.name,
        "communication": format_communication(settlement_communication(user.pk)),
    }
