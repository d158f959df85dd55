"""Reads of the credits app for pages and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language

from samen.accounts.models import Profile, Skill, User, Visibility, skill_key
from samen.accounts.queries import may_see, skill_ids_named
from samen.communities.queries import host_members, is_host_admin
from samen.credits.models import (
    CreditScheme,
    Delivery,
    DeliveryStatus,
    HelpRequest,
    RateCard,
    RequestStatus,
    Service,
    Settlement,
    Side,
)
from samen.invoicing.models import DocumentPayment
from samen.ledger.models import Account, AccountPurpose, Entry
from samen.ledger.queries import account_totals, balance


def wallet_of(scheme: CreditScheme, user: Any) -> Account | None:
    """The member's wallet if it exists yet (reads never create accounts)."""
    return Account.objects.filter(
        unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET, user=user
    ).first()


def member_summary(scheme: CreditScheme, user: Any) -> dict[str, Any]:
    """Balance, limit and what is still waiting, in the unit's smallest step; with a euro
    value, also the member's net position in euros once their documents are set off."""
    from samen.credits.actions import limit_for

    account = wallet_of(scheme, user)
    amount = balance(account) if account is not None else 0
    limit = limit_for(scheme, user)
    summary: dict[str, Any] = {"balance": amount, "limit": limit, "available": amount + limit}
    if scheme.unit.euro_value:
        from samen.invoicing.compensation import net_position

        summary["net"] = net_position(scheme.host, user)
    return summary


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


def debtor_ids(scheme: CreditScheme) -> list[int]:
    """The ids of the members whose wallet is below zero (three queries)."""
    wallets = dict(
        Account.objects.filter(unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET).values_list(
            "pk", "user_id"
        )
    )
    return sorted(wallets[pk] for pk, amount in account_totals(list(wallets)).items() if amount < 0)


def imbalances(scheme: CreditScheme, viewer: Any = None) -> list[dict[str, Any]]:
    """Members below zero, deepest first, with the date since which they have been in debt,
    the skills on their profile that ``viewer`` may see (``skills_visibility``, as on their
    profile page) and the open requests matching those skills (the top three and a count).

    A fixed number of queries: balances, the debtors' entries (to find when their balance
    last went below zero), their names, their profile skills and the matching requests.
    Matches use only the skills shown, so a request never reveals a hidden skill.
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
    skill_ids: dict[int, set[int]] = defaultdict(set)
    hidden: set[int] = set()
    for user_id, visibility, skill_id, *names in (
        Profile.objects.filter(user_id__in=user_ids, skills__isnull=False)
        .order_by("skills__name")
        .values_list(
            "user_id", "skills_visibility", "skills__id", *(f"skills__{f}" for f in NAME_FIELDS)
        )
    ):
        if may_see(visibility, subject=people[user_id], viewer=viewer):
            skills[user_id].append(_in_language(names))
            skill_ids[user_id].add(skill_id)
        else:
            hidden.add(user_id)
    matches = request_matches(scheme, skill_ids)
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
                "skills_hidden": user_id in hidden,
                "matches": matches.get(user_id, {"count": 0, "top": []}),
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


def circulation_history(
    scheme: CreditScheme, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The scheme's credits in circulation (the sum of positive balances) and its debt (the
    sum of negative ones, as a positive number) at the end of each month of the money
    summary's period (``ledger.queries.summary_months``), over the wallets
    ``host_summary`` counts, so the last month agrees with the dashboard's totals.

    One query, whatever the number of members and months: every wallet's movements summed
    per month; the month-end balances are then walked forward here.
    """
    from samen.ledger.queries import summary_months

    months = summary_months(today or timezone.localdate())
    rows = (
        Entry.objects.filter(
            account__unit=scheme.unit, account__purpose=AccountPurpose.CREDIT_WALLET
        )
        .annotate(month=TruncMonth("transaction__effective_date"))
        .values_list("account_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    balances: dict[int, int] = defaultdict(int)
    moved: dict[dt.date, dict[int, int]] = defaultdict(dict)
    for account_id, month, total in rows:
        if month < months[0]:
            balances[account_id] += int(total)
        else:
            moved[month][account_id] = int(total)
    history = []
    for month in months:
        for account_id, total in moved[month].items():
            balances[account_id] += total
        history.append(
            {
                "month": month,
                "circulation": sum(v for v in balances.values() if v > 0),
                "debt": -sum(v for v in balances.values() if v < 0),
            }
        )
    return history


def rate_card_versions(scheme: CreditScheme) -> list[RateCard]:
    """Every version of the scheme's rate card, newest first, with its services."""
    return list(
        RateCard.objects.filter(scheme=scheme)
        .select_related("created_by")
        .prefetch_related("services")
        .order_by("-valid_from")
    )


def open_invoices_due(scheme: CreditScheme, user_ids: list[int]) -> dict[int, Decimal]:
    """Per member: what their open invoices of the host still ask (after partial payments);
    this caps what a settlement may book. One query."""
    from samen.invoicing.models import Document, DocumentKind, DocumentStatus

    rows = (
        Document.objects.filter(
            host_id=scheme.host_id,
            customer_id__in=user_ids,
            kind=DocumentKind.INVOICE,
            status=DocumentStatus.OPEN,
        )
        .values("customer_id")
        .annotate(total=Sum("gross_total"), paid=Sum("amount_paid"))
        .order_by()
    )
    return {row["customer_id"]: row["total"] - row["paid"] for row in rows}


def settlement(scheme: CreditScheme, user: Any, balance_now: int) -> dict[str, Any] | None:
    """What settles a member's debt in euros, when the scheme allows it: the credits owed
    times the euro value, VAT computed as on an invoice (less what the member's earlier
    partial payments left over), and the communication to pay with.

    A settlement pays the member's open invoices, so it never books more than they still
    ask: when they ask less than the debt (an invoice paid directly, or cancelled), only
    that is offered, with the credits it buys back (``partial``). None when there is no
    debt, no euro value, nothing left to pay, or the scheme settles in services only."""
    from samen.credits.actions import Settled, settled_by, settlement_credits, settlement_due
    from samen.invoicing.actions import LineInput, settlement_communication, vat_breakdown
    from samen.invoicing.models import format_communication
    from samen.lib.money import to_decimal

    unit = scheme.unit
    if balance_now >= 0 or not scheme.settle_in_euros or not unit.euro_value:
        return None
    debt = -balance_now
    owed = to_decimal(debt, unit.decimals)
    includes_vat = scheme.euro_value_includes_vat
    rows = vat_breakdown(
        [
            LineInput(
                unit.code, owed, unit.euro_value, unit.vat_rate, price_includes_vat=includes_vat
            )
        ]
    )
    net = sum((row[2] for row in rows), Decimal("0.00"))
    vat = sum((row[3] for row in rows), Decimal("0.00"))
    settled = settled_by(scheme, [user.pk]).get(user.pk, Settled())
    gross = settlement_due(unit, debt, settled, includes_vat=includes_vat)
    open_due = open_invoices_due(scheme, [user.pk]).get(user.pk, Decimal("0.00"))
    payable = min(gross, open_due)
    credits = debt
    if payable < gross:
        cents = settled.cents + int(payable * 100)
        bought = settlement_credits(unit, cents, includes_vat=includes_vat)
        credits = min(bought - settled.credits, debt)
    if payable <= 0 or credits <= 0:
        return None
    host = scheme.host
    return {
        "credits": credits,
        "owed": debt,
        "net": net,
        "vat": vat,
        "gross": gross,
        # The breakdown of the debt alone, shown when no earlier remainder changes the sum.
        "breakdown": net + vat == gross,
        "payable": payable,
        "partial": payable < gross,
        "vat_rate": unit.vat_rate,
        "iban": host.iban,
        "bic": host.bic,
        "beneficiary": host.legal_name or host.name,
        "communication": format_communication(settlement_communication(user.pk)),
    }


def settlements_by_transaction(transaction_ids: list[int]) -> dict[int, Settlement]:
    """The settlements behind these ledger transactions (a member's movements page)."""
    rows = Settlement.objects.filter(transaction_id__in=transaction_ids)
    return {s.transaction_id: s for s in rows if s.transaction_id}


def settlement_list(scheme: CreditScheme, member: Any = None) -> QuerySet[Settlement]:
    """The scheme's settlements (one member's with ``member``), newest first, with what each
    paid: the bank line, who booked it and the invoices."""
    rows = Settlement.objects.filter(scheme=scheme)
    if member is not None:
        rows = rows.filter(member=member)
    return (
        rows.select_related("member", "bank_line", "recorded_by", "scheme__unit")
        .prefetch_related(
            Prefetch("payments", queryset=DocumentPayment.objects.select_related("document"))
        )
        .order_by("-created_at", "-id")
    )


def line_to_book(scheme: CreditScheme, line_id: object) -> Any:
    """An incoming euro line of the scheme's host that waits for a host admin, when
    ``line_id`` names one; None otherwise (a settlement is then booked by hand)."""
    from samen.funding.models import BankLine, LineStatus

    try:
        pk = int(str(line_id))
    except ValueError:
        return None
    return BankLine.objects.filter(
        pk=pk,
        host_id=scheme.host_id,
        status=LineStatus.UNMATCHED,
        currency="EUR",
        amount__gt=0,
    ).first()


def debtors_to_settle(scheme: CreditScheme) -> list[dict[str, Any]]:
    """Members in debt with what a settlement may book for each (the smaller of the euros
    that settle the debt and their open invoices still due), deepest first. Five queries."""
    from samen.credits.actions import Settled, settled_by, settlement_due

    wallets = dict(
        Account.objects.filter(unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET).values_list(
            "pk", "user_id"
        )
    )
    debts = {
        wallets[pk]: -int(amount)
        for pk, amount in account_totals(list(wallets)).items()
        if amount < 0
    }
    if not debts:
        return []
    people = get_user_model().objects.in_bulk(list(debts))
    open_due = open_invoices_due(scheme, list(debts))
    settled = settled_by(scheme, list(debts))
    rows = []
    for user_id, debt in sorted(debts.items(), key=lambda item: (-item[1], item[0])):
        due = settlement_due(
            scheme.unit,
            debt,
            settled.get(user_id, Settled()),
            includes_vat=scheme.euro_value_includes_vat,
        )
        open_invoices = open_due.get(user_id, Decimal("0.00"))
        rows.append(
            {
                "user": people[user_id],
                "debt": debt,
                "due": due,
                "open_invoices": open_invoices,
                "payable": max(min(due, open_invoices), Decimal("0.00")),
            }
        )
    return rows


# --- requests and the member directory --------------------------------------------------------


#: A skill's name columns, English first (``Skill.label`` picks the reader's language).
NAME_FIELDS = ("name", "name_nl", "name_fr")


def _in_language(names: Sequence[str]) -> str:
    """A skill's name in the active language from its ``NAME_FIELDS`` values."""
    language = (get_language() or "en")[:2]
    return {"nl": names[1], "fr": names[2]}.get(language) or names[0]


def _skill_ids_named(names: list[str]) -> QuerySet[Skill, Any]:
    """The ids of the skills named, by any of their names or synonyms in any language
    ("Facilitatie" and "Animation" find Facilitation): ``accounts.queries.skill_ids_named``."""
    return skill_ids_named(names)


def _words(text: str) -> list[str]:
    return [word for word in text.split() if word][:8]


def request_list(
    scheme: CreditScheme,
    *,
    status: str | None = RequestStatus.OPEN,
    skills: list[str] | None = None,
    text: str = "",
) -> QuerySet[HelpRequest]:
    """Requests of the scheme, newest first: only ``status`` (None: all), wanting one of
    ``skills`` (names, any case), with every word of ``text`` in the title or description."""
    rows = HelpRequest.objects.filter(scheme=scheme)
    if status:
        rows = rows.filter(status=status)
    return (
        filter_requests(rows, skills=skills, text=text)
        .select_related("requester", "scheme__host")
        .prefetch_related("skills")
        .order_by("-created_at", "-id")
    )


def filter_requests(
    rows: QuerySet[HelpRequest], *, skills: list[str] | None = None, text: str = ""
) -> QuerySet[HelpRequest]:
    """Only requests wanting one of ``skills`` with every word of ``text`` in them."""
    if skills:
        through = HelpRequest.skills.through.objects.filter(skill_id__in=_skill_ids_named(skills))
        rows = rows.filter(pk__in=through.values("helprequest_id"))
    for word in _words(text):
        rows = rows.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return rows


def my_requests(scheme: CreditScheme, user: Any) -> QuerySet[HelpRequest]:
    """Everything this person asked, newest first, with who answered."""
    return (
        HelpRequest.objects.filter(scheme=scheme, requester=user)
        .select_related("answered_by__provider")
        .prefetch_related("skills")
        .order_by("-created_at", "-id")
    )


def requests_for(member: Any, scheme: CreditScheme) -> QuerySet[HelpRequest]:
    """Open requests of others whose wanted skills meet the member's own profile skills,
    most shared skills first, then newest; each annotated with ``shared``.

    For the member themself (their page, their e-mail, the API's "my matches"): all their
    skills count, whoever may see them.
    """
    mine = Profile.skills.through.objects.filter(profile__user_id=member.pk).values("skill_id")
    return (
        HelpRequest.objects.filter(scheme=scheme, status=RequestStatus.OPEN, skills__in=mine)
        .exclude(requester_id=member.pk)
        .annotate(shared=Count("skills"))
        .select_related("requester", "scheme__host")
        .prefetch_related("skills")
        .order_by("-shared", "-created_at", "-id")
    )


def request_matches(
    scheme: CreditScheme, skills_by_user: dict[int, set[int]], top: int = 3
) -> dict[int, dict[str, Any]]:
    """For many members at once (the dashboard's debtors): how many open requests of others
    match their skills and the ``top`` best, ranked like ``requests_for``. Two queries."""
    wanted = set().union(*skills_by_user.values()) if skills_by_user else set()
    if not wanted:
        return {}
    pairs = HelpRequest.skills.through.objects.filter(
        helprequest__scheme=scheme,
        helprequest__status=RequestStatus.OPEN,
        skill_id__in=wanted,
    ).values_list(
        "helprequest_id", "skill_id", "helprequest__requester_id", "helprequest__created_at"
    )
    requests: dict[int, tuple[int, dt.datetime, set[int]]] = {}
    for request_id, skill_id, requester_id, created in pairs:
        requests.setdefault(request_id, (requester_id, created, set()))[2].add(skill_id)
    ranked: dict[int, list[int]] = {}
    for user_id, mine in skills_by_user.items():
        scored = sorted(
            (
                (len(skills & mine), created, request_id)
                for request_id, (requester_id, created, skills) in requests.items()
                if requester_id != user_id and skills & mine
            ),
            reverse=True,
        )
        ranked[user_id] = [request_id for _shared, _created, request_id in scored]
    shown = HelpRequest.objects.in_bulk({pk for ids in ranked.values() for pk in ids[:top]})
    return {
        user_id: {"count": len(ids), "top": [shown[pk] for pk in ids[:top]]}
        for user_id, ids in ranked.items()
        if ids
    }


def request_offers(help_request: HelpRequest, viewer: Any) -> list[Delivery]:
    """Sessions recorded for a request: all of them for its requester and the host's finance
    people (the parties of a delivery), otherwise only the viewer's own."""
    from samen.communities.access import Need as CommunityNeed
    from samen.communities.access import can

    rows = (
        Delivery.objects.filter(help_request=help_request)
        .select_related("service", "provider")
        .order_by("-created_at", "-id")
    )
    if viewer.pk != help_request.requester_id and not can(
        viewer, CommunityNeed.FINANCE, help_request.scheme.host
    ):
        rows = rows.filter(provider_id=viewer.pk)
    return list(rows)


def _shown_to(viewer: Any) -> list[str]:
    """The visibility levels under which ``viewer`` sees someone else's field: what
    ``may_see`` answers for any person other than the viewer."""
    someone_else = User()
    return [
        level for level in Visibility.values if may_see(level, subject=someone_else, viewer=viewer)
    ]


def member_directory(
    scheme: CreditScheme, viewer: Any, *, skills: list[str] | None = None, text: str = ""
) -> QuerySet[User]:
    """The host's members, by name, found by skill or text only through what ``viewer`` may
    see: a skill or city hidden from the viewer never makes a person match."""
    levels = _shown_to(viewer)
    skills_shown = Q(profile__skills_visibility__in=levels) | Q(pk=viewer.pk)
    city_shown = Q(profile__city_visibility__in=levels) | Q(pk=viewer.pk)
    people = host_members(scheme.host)
    if skills:
        having = Profile.objects.filter(skills__in=_skill_ids_named(skills)).values("user_id")
        people = people.filter(skills_shown & Q(pk__in=having))
    for word in _words(text):
        named = Profile.objects.filter(skills__lookup__contains=skill_key(word)).values("user_id")
        people = people.filter(
            Q(display_name__icontains=word)
            | (city_shown & Q(profile__city__icontains=word))
            | (skills_shown & Q(pk__in=named))
        )
    return people.select_related("profile").prefetch_related("profile__skills")


def credit_activity(scheme: CreditScheme, user_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per member: balance, confirmed sessions given and received, last delivery date.
    Five queries whatever the number of members (for host admins' directory)."""
    wallets = dict(
        Account.objects.filter(
            unit=scheme.unit, purpose=AccountPurpose.CREDIT_WALLET, user_id__in=user_ids
        ).values_list("pk", "user_id")
    )
    activity: dict[int, dict[str, Any]] = {
        pk: {"balance": 0, "given": 0, "received": 0, "last": None} for pk in user_ids
    }
    for account_id, amount in account_totals(list(wallets)).items():
        activity[wallets[account_id]]["balance"] = int(amount)
    confirmed = Delivery.objects.filter(scheme=scheme, status=DeliveryStatus.CONFIRMED)
    for side, key in (("provider_id", "given"), ("recipient_id", "received")):
        for user_id, count, last in (
            confirmed.filter(**{f"{side}__in": user_ids})
            .values_list(side)
            .annotate(count=Count("id"), last=Max("date"))
            .order_by()
        ):
            row = activity[user_id]
            row[key] = count
            if row["last"] is None or last > row["last"]:
                row["last"] = last
    return activity


def deliveries_waiting(host: Any) -> QuerySet[Delivery]:
    """Deliveries of the host's scheme that still wait for the other side's confirmation."""
    return (
        Delivery.objects.filter(scheme__host=host, status=DeliveryStatus.PENDING)
        .select_related("service", "provider", "recipient")
        .order_by("created_at", "pk")
    )


def settlement_choices(host: Any) -> list[tuple[int, str]]:
    """The members in debt a bank line of ``host`` can settle, with the euros that may be
    booked for each (``Chloé · €90.75``), deepest debt first; none when the host's scheme
    does not settle in euros. What the bank page offers next to each incoming line."""
    from samen.invoicing.templatetags.euros import euros

    scheme = CreditScheme.objects.select_related("unit", "host").filter(host=host).first()
    if scheme is None or not scheme.settle_in_euros or not scheme.unit.euro_value:
        return []
    return [
        (row["user"].pk, f"{row['user'].public_name} · {euros(row['payable'])}")
        for row in debtors_to_settle(scheme)
        if row["payable"] > 0
    ]


def people_in_debt(host: Any) -> list[int]:
    """The ids of the people whose wallet in ``host``'s credit is below zero (none without
    a credit). Stripes only ever hold credits, so only a negative balance row can make a
    negative balance: those few are the ones counted with their stripes."""
    scheme = CreditScheme.objects.filter(host=host).first()
    if scheme is None:
        return []
    wallets = dict(
        Account.objects.filter(
            unit=scheme.unit,
            purpose=AccountPurpose.CREDIT_WALLET,
            user__isnull=False,
            balance_row__amount__lt=0,
        ).values_list("pk", "user_id")
    )
    totals = account_totals(list(wallets))
    return [user_id for pk, user_id in wallets.items() if totals.get(pk, 0) < 0]
