"""Reads of the ledger for pages, the API, exports and other apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.ledger.models import (
    EUR_CODE,
    Account,
    AccountPurpose,
    Balance,
    BalanceStripe,
    CounterpartyName,
    Entry,
    Seal,
    Transaction,
    TransactionKind,
    Unit,
)
from samen.lib.money import Money, format_money

# What "the balance" of an owner means: the accounts that hold its money, not its
# counter-accounts (a host's bank clearing account is the other side of its collectives').
HOLDING_PURPOSES: dict[str, tuple[str, ...]] = {
    "collective": (AccountPurpose.COLLECTIVE_BALANCE, AccountPurpose.CREDIT_WALLET),
    "host": (AccountPurpose.HOST_BALANCE, AccountPurpose.HOST_FEE_INCOME),
    "user": (AccountPurpose.CREDIT_WALLET,),
}


def balance(account: Account) -> int:
    """The account's balance in its unit's smallest step: one primary-key lookup.

    Plain SQL because this is the hottest read of all and the ORM's query building costs
    more than the lookup itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE((SELECT amount FROM ledger_balance WHERE account_id = %s), 0)"
            " + COALESCE((SELECT SUM(amount) FROM ledger_balancestripe"
            " WHERE account_id = %s), 0)",
            [account.pk, account.pk],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def account_totals(account_ids: list[int]) -> dict[int, int]:
    """Balance per account id (balance row plus its credit stripes), two queries."""
    totals = dict(
        Balance.objects.filter(account_id__in=account_ids).values_list("account_id", "amount")
    )
    stripes = (
        BalanceStripe.objects.filter(account_id__in=account_ids)
        .values_list("account_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for account_id, total in stripes:
        totals[account_id] = totals.get(account_id, 0) + int(total or 0)
    return totals


def owner_accounts(
    *,
    host: Any = None,
    collective: Any = None,
    user: Any = None,
    purposes: tuple[str, ...] | None = None,
) -> QuerySet[Account]:
    """The accounts owned by one host, collective or person (optionally of some purposes)."""
    if collective is not None:
        accounts = Account.objects.filter(collective=collective)
        kind = "collective"
    elif host is not None:
        accounts = Account.objects.filter(host=host)
        kind = "host"
    elif user is not None:
        accounts = Account.objects.filter(user=user)
        kind = "user"
    else:
        raise ValueError("Name a host, a collective or a person.")
    if purposes is None:
        purposes = HOLDING_PURPOSES[kind]
    if purposes:
        accounts = accounts.filter(purpose__in=purposes)
    return accounts


def balances_for(
    *,
    host: Any = None,
    collective: Any = None,
    user: Any = None,
    purposes: tuple[str, ...] | None = None,
) -> dict[str, Money]:
    """Balance per unit code of one owner's holding accounts (``HOLDING_PURPOSES``).

    Pass ``purposes`` to choose other accounts, e.g. ``(AccountPurpose.COLLECTIVE_PLEDGES,)``.
    """
    accounts = list(
        owner_accounts(host=host, collective=collective, user=user, purposes=purposes)
        .select_related("unit")
        .order_by("unit__code", "id")
    )
    totals = account_totals([a.pk for a in accounts])
    result: dict[str, Money] = {}
    for account in accounts:
        unit = account.unit
        amount = Money(totals.get(account.pk, 0), unit)
        result[unit.code] = result.get(unit.code, Money(0, unit)) + amount
    return result


def host_collective_accounts(host: Any) -> QuerySet[Account]:
    """Every account of a host and of the collectives it carries."""
    return Account.objects.filter(Q(host=host) | Q(collective__host=host))


# ---------------------------------------------------------------------------------------
# Public pages: history, summary, exports
# ---------------------------------------------------------------------------------------

PAGE_SIZE = 50


def is_collective(owner: Any) -> bool:
    from samen.communities.models import Collective

    return isinstance(owner, Collective)


def history_account_ids(owner: Any) -> list[int]:
    """The accounts whose entries make up an owner's public history.

    A collective: all its accounts. A host: its own accounts and those of its collectives.
    """
    if is_collective(owner):
        accounts = Account.objects.filter(collective=owner)
    else:
        accounts = host_collective_accounts(owner)
    return list(accounts.order_by("id").values_list("id", flat=True))


def summary_account_ids(owner: Any) -> list[int]:
    """The holding accounts a money summary adds up (a host: those of its collectives)."""
    if is_collective(owner):
        accounts = owner_accounts(collective=owner)
    else:
        accounts = Account.objects.filter(
            collective__host=owner, purpose__in=HOLDING_PURPOSES["collective"]
        )
    return list(accounts.order_by("id").values_list("id", flat=True))


@dataclass(frozen=True)
class HistoryFilters:
    """What a visitor narrows a transactions page or export to."""

    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def history(
    owner: Any, filters: HistoryFilters | None = None, *, include_private: bool = False
) -> QuerySet[Entry]:
    """An owner's entries, newest first, with their transaction, account and unit.

    The raw material of the transactions page (folded into :class:`LedgerRow` there) and of
    the API. Keyset-paginate it on ``id`` (``before`` in :func:`history_page`).
    """
    return _history(history_account_ids(owner), filters, include_private=include_private)


def _history(
    ids: list[int], filters: HistoryFilters | None, *, include_private: bool
) -> QuerySet[Entry]:
    filters = filters or HistoryFilters()
    rows = Entry.objects.filter(account_id__in=ids)
    if not include_private:
        rows = rows.filter(transaction__is_public=True)
    if filters.kind:
        rows = rows.filter(transaction__kind=filters.kind)
    if filters.date_from:
        rows = rows.filter(transaction__effective_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(transaction__effective_date__lte=filters.date_to)
    if filters.text:
        rows = rows.filter(
            Q(transaction__description__icontains=filters.text)
            | Q(transaction__counterparty__name__icontains=filters.text)
        )
    return rows.select_related(
        "transaction", "transaction__counterparty", "unit", "account"
    ).order_by("-id")


# What a fee is called where it is folded into the contribution it was taken from.
FEE_PURPOSES: dict[str, str] = {
    AccountPurpose.HOST_FEE_INCOME: "host_fee",
    AccountPurpose.PROCESSOR_FEES: "payment_fee",
}
FEE_LABELS = {"host_fee": _("host fee"), "payment_fee": _("payment fee")}


@dataclass(frozen=True)
class LedgerRow:
    """One transaction as it touched an owner, shown once.

    A contribution's fees are folded into it: ``amount`` is what the supporter gave and
    ``fees`` what the host and the payment provider kept, whether the fees were posted as
    lines of the contribution (sealed rows) or not. A move between two of the owner's own
    accounts is ``internal``: one row with the amount moved, not a +/- pair.
    """

    transaction: Transaction
    pk: int  # the newest of its entries on the owner's accounts: the page's anchor
    first_id: int  # the oldest: where the next page starts
    unit: Unit
    amount: int
    fees: tuple[tuple[str, int], ...]
    internal: bool
    purposes: tuple[str, ...]

    @property
    def money(self) -> Money:
        return Money(self.amount, self.unit)

    @property
    def fee_items(self) -> list[tuple[str, Money]]:
        return [(str(FEE_LABELS[key]), Money(amount, self.unit)) for key, amount in self.fees]

    @property
    def account_labels(self) -> str:
        return " → ".join(str(AccountPurpose(p).label) for p in self.purposes)


def _fold_one(
    txn: Transaction, unit: Unit, mine: list[tuple[int, str, int]], every: list[tuple[str, int]]
) -> LedgerRow:
    """``mine``: (entry id, purpose, amount) on the owner's accounts; ``every``: (purpose,
    amount) of all the transaction's entries in this unit."""
    fees: dict[str, int] = {}
    for purpose, amount in every:
        if purpose in FEE_PURPOSES:
            fees[FEE_PURPOSES[purpose]] = fees.get(FEE_PURPOSES[purpose], 0) + amount
    outside = [amount for purpose, amount in every if purpose == AccountPurpose.OUTSIDE_WORLD]
    net = sum(amount for _id, _p, amount in mine)
    internal = False
    if any(fees.values()) and outside:
        amount = -sum(outside)
    elif net == 0:
        amount, internal = sum(a for _id, _p, a in mine if a > 0), True
    else:
        amount = net
    if internal:  # paid from, then paid to
        ordered = sorted(mine, key=lambda m: (m[2] >= 0, m[0]))
        purposes = tuple(dict.fromkeys(p for _id, p, _a in ordered))
    else:
        purposes = (max(mine, key=lambda m: abs(m[2]))[1],)
    ids = [m[0] for m in mine]
    return LedgerRow(
        transaction=txn,
        pk=max(ids),
        first_id=min(ids),
        unit=unit,
        amount=amount,
        fees=tuple((k, v) for k, v in sorted(fees.items()) if v),
        internal=internal,
        purposes=purposes,
    )


#: One entry as the folding reads it: (entry id, account id, account purpose, unit id, amount).
EntryFacts = tuple[int, int, str, int, int]


def fold_entries(
    txn: Transaction, facts: list[EntryFacts], owned: set[int], units: dict[int, Unit]
) -> list[LedgerRow]:
    """One transaction as it touched the ``owned`` accounts: a :class:`LedgerRow` per unit
    it moved on them, from ``facts`` about all of its entries (the fees are read on the
    accounts of others). No query: the pages, the exports and the API all fold this way."""
    mine: dict[int, list[tuple[int, str, int]]] = {}
    whole: dict[int, list[tuple[str, int]]] = {}
    for entry_id, account_id, purpose, unit_id, amount in facts:
        whole.setdefault(unit_id, []).append((purpose, amount))
        if account_id in owned:
            mine.setdefault(unit_id, []).append((entry_id, purpose, amount))
    return [_fold_one(txn, units[u], mine[u], whole[u]) for u in mine]


def fold(entries: list[Entry], account_ids: set[int] | list[int]) -> list[LedgerRow]:
    """The owner's ``entries`` (newest first) as one :class:`LedgerRow` per transaction and
    unit, in the same order. Two queries, whatever the number of rows: every entry of the
    transactions (to see the fees and the owner's entries cut off by a page boundary)."""
    owned = set(account_ids)
    txns = {e.transaction_id: e.transaction for e in entries}
    units = {e.unit_id: e.unit for e in entries}
    every = (
        Entry.objects.filter(transaction_id__in=list(txns))
        .order_by("id")
        .values_list("id", "transaction_id", "account_id", "account__purpose", "unit_id", "amount")
    )
    facts: dict[int, list[EntryFacts]] = {}
    for entry_id, txn_id, account_id, purpose, unit_id, amount in every:
        facts.setdefault(txn_id, []).append((entry_id, account_id, purpose, unit_id, amount))
    missing = {f[3] for found in facts.values() for f in found} - set(units)
    units.update(Unit.objects.in_bulk(list(missing)))
    rows = [
        row
        for txn_id, found in facts.items()
        for row in fold_entries(txns[txn_id], found, owned, units)
    ]
    return sorted(rows, key=lambda r: -r.pk)


def row_summary(row: LedgerRow) -> str:
    """The row in one line, in the active language: "€5.00 from Ilias · €0.25 host fee"."""
    if row.internal:
        amount = format_money(Money(abs(row.amount), row.unit))
    else:
        amount = format_money(row.money)
    name = counterparty_label(row.transaction)
    if name and row.amount > 0 and not row.internal:
        amount = _("%(amount)s from %(name)s") % {"amount": amount, "name": name}
    fees = [
        _("%(amount)s %(label)s") % {"amount": format_money(fee), "label": label}
        for label, fee in row.fee_items
    ]
    return " · ".join([str(amount), *map(str, fees)])


def history_page(
    owner: Any,
    filters: HistoryFilters | None = None,
    *,
    before: int | None = None,
    size: int = PAGE_SIZE,
    include_private: bool = False,
) -> tuple[list[LedgerRow], int | None]:
    """One keyset page of rows (each transaction once, from entries with ``id < before``)
    and the ``before`` of the next page.

    The query walks the (account, id) index from ``before`` down, so page 10,000 costs what
    page 1 costs.
    """
    ids = history_account_ids(owner)
    rows = _history(ids, filters, include_private=include_private)
    if before is not None:
        rows = rows.filter(id__lt=before)
    head = list(rows.prefetch_related("transaction__cause")[: size + 1])
    page = fold(head[:size], ids)
    if not page:
        return [], None
    first = min(r.first_id for r in page)
    more = len(head) > size and rows.filter(id__lt=first).exists()
    return page, first if more else None


def counterparty_row(txn: Transaction) -> CounterpartyName | None:
    """The name row beside a transaction, or None when it was posted without a name.

    Free when the transaction was read with ``select_related("counterparty")``; one query
    otherwise."""
    if not txn.counterparty_commitment:
        return None
    try:
        return txn.counterparty
    except ObjectDoesNotExist:
        return None


def counterparty_name(txn: Transaction) -> str:
    """The counterparty's public name; "" when there is none or it was erased."""
    row = counterparty_row(txn)
    return row.name if row is not None and row.erased_at is None else ""


def counterparty_label(txn: Transaction) -> str:
    """What public pages and exports show as the counterparty: the public name, "Former
    member" once the person had it erased, "Anonymous" for an incognito contributor."""
    name = counterparty_name(txn)
    if name:
        return name
    if txn.counterparty_commitment:
        return str(_("Former member"))
    if txn.kind in (TransactionKind.CONTRIBUTION, TransactionKind.REFUND):
        return str(_("Anonymous"))
    return ""


def description(txn: Transaction) -> str:
    """A transaction's description in the reader's language, when its cause can say it.

    The sealed description is written once, in English, when the posting is made. A cause
    model opts in to a translated one by defining ``ledger_description(txn)``, which
    returns "" to keep the sealed text (a refund's reason typed by a person, say).
    """
    cause = txn.cause if txn.cause_type_id else None
    method = getattr(cause, "ledger_description", None)
    text = str(method(txn)) if callable(method) else ""
    return text or txn.description


def public_url(txn: Transaction) -> str:
    """A link to the public object behind a transaction, when its cause has one.

    A cause model opts in by defining ``get_public_url()``; nothing else is linked, so a
    private object (an expense claim with attachments) never leaks through here.
    """
    cause = txn.cause if txn.cause_type_id else None
    method = getattr(cause, "get_public_url", None)
    return str(method()) if callable(method) else ""


# --- the money summary --------------------------------------------------------------------

SUMMARY_MONTHS = 12


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def summary_months(today: date) -> list[date]:
    """The first day of each month a money summary covers, oldest first: the
    ``SUMMARY_MONTHS`` months up to and including ``today``'s. The other charts of money
    (expenses by category, credits in circulation) cover the same period."""
    return [_month_start(today, back) for back in range(SUMMARY_MONTHS - 1, -1, -1)]


def money_summary(owner: Any, *, today: date | None = None) -> dict[str, Any]:
    """Balance per unit, received and spent (this year, all time), 12 months of history
    and the latest public transactions, for a collective or (summed over its collectives)
    a host.

    The aggregates are cached under the id of the owner's newest entry, so they are
    recomputed only after a posting, not on every page view.
    """
    today = today or timezone.localdate()
    ids = summary_account_ids(owner)
    newest = Entry.objects.filter(account_id__in=ids).aggregate(m=Max("id"))["m"] or 0
    key = f"ledger:summary:{type(owner).__name__}:{owner.pk}:{newest}:{today.isoformat()}"
    totals = cache.get(key)
    if totals is None:
        totals = _summary_totals(ids, today)
        cache.set(key, totals, 3600)
    units = Unit.objects.filter(pk__in=totals["units"])
    per_unit = []
    for unit in sorted(units, key=lambda u: (u.code != EUR_CODE, u.code, u.pk)):
        data = totals["units"][unit.pk]
        per_unit.append(
            {
                "unit": unit,
                "balance": Money(data["balance"], unit),
                "received_year": Money(data["received_year"], unit),
                "spent_year": Money(data["spent_year"], unit),
                "received_all": Money(data["received_all"], unit),
                "spent_all": Money(data["spent_all"], unit),
                "months": [
                    {
                        "month": date.fromisoformat(m["month"]),
                        "income": Money(m["income"], unit),
                        "spending": Money(m["spending"], unit),
                        "balance": Money(m["balance"], unit),
                    }
                    for m in data["months"]
                ],
            }
        )
    latest, _next = history_page(owner, size=5)
    return {"units": per_unit, "latest": latest, "year": today.year}


def _summary_totals(ids: list[int], today: date) -> dict[str, Any]:
    entries = Entry.objects.filter(account_id__in=ids)
    year_start = date(today.year, 1, 1)
    months = summary_months(today)
    first_month = months[0]
    positive, negative = Q(amount__gt=0), Q(amount__lt=0)
    in_year = Q(transaction__effective_date__gte=year_start)
    units: dict[int, dict[str, Any]] = {}
    totals = account_totals(ids)
    for account_id, unit_id in Account.objects.filter(pk__in=ids).values_list("id", "unit_id"):
        data = units.setdefault(unit_id, {"balance": 0})
        data["balance"] += totals.get(account_id, 0)
    sums = (
        entries.values("unit_id")
        .annotate(
            received_all=Sum("amount", filter=positive),
            spent_all=Sum("amount", filter=negative),
            received_year=Sum("amount", filter=positive & in_year),
            spent_year=Sum("amount", filter=negative & in_year),
        )
        .order_by()
    )
    for row in sums:
        data = units.setdefault(row["unit_id"], {"balance": 0})
        data["received_all"] = int(row["received_all"] or 0)
        data["spent_all"] = -int(row["spent_all"] or 0)
        data["received_year"] = int(row["received_year"] or 0)
        data["spent_year"] = -int(row["spent_year"] or 0)
    monthly = (
        entries.filter(transaction__effective_date__gte=first_month)
        .annotate(month=TruncMonth("transaction__effective_date"))
        .values("unit_id", "month")
        .annotate(income=Sum("amount", filter=positive), spending=Sum("amount", filter=negative))
        .order_by()
    )
    by_month: dict[tuple[int, date], tuple[int, int]] = {}
    for row in monthly:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        by_month[(row["unit_id"], month)] = (
            int(row["income"] or 0),
            -int(row["spending"] or 0),
        )
    for code, data in units.items():
        for field in ("received_all", "spent_all", "received_year", "spent_year"):
            data.setdefault(field, 0)
        # Walk back from today's balance: the balance at the end of a month is today's
        # minus everything that happened after it.
        running = data["balance"]
        series = []
        for month in reversed(months):
            income, spending = by_month.get((code, month), (0, 0))
            series.append(
                {
                    "month": month.isoformat(),
                    "income": income,
                    "spending": spending,
                    "balance": running,
                }
            )
            running -= income - spending
        data["months"] = list(reversed(series))
    return {"units": units}


# --- seals ------------------------------------------------------------------------------


def seals() -> QuerySet[Seal]:
    return Seal.objects.order_by("-id")


def seal_for_transaction_ids() -> list[tuple[int, int]]:
    """``(last_transaction_id, seal id)`` in order, to find the seal covering a transaction."""
    return list(Seal.objects.order_by("id").values_list("last_transaction_id", "id"))


def seal_or_404(pk: int) -> Seal:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Seal, pk=pk)
