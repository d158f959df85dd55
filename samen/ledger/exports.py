"""Public exports of a collective's or host's books: CSV, JSON and Beancount, streamed.

Rows are read with a database cursor in chunks (``iterator(chunk_size=...)``) and written
as they come, so a history of a million transactions never sits in memory. Only public
facts leave: no e-mail address, IBAN or attachment is ever read here, an incognito
contributor has no name, an erased name is gone (its sealed commitment stays), and a
non-public transaction shows only its id and row hash (which the seals still cover).
"""

from __future__ import annotations

import io
import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from samen.ledger.canonical import row_hash, transaction_record
from samen.ledger.models import Account, AccountPurpose, Entry, Transaction, Unit
from samen.ledger.queries import (
    EntryFacts,
    HistoryFilters,
    LedgerRow,
    counterparty_label,
    counterparty_name,
    counterparty_row,
    fold,
    fold_entries,
    history,
    history_account_ids,
    row_summary,
    seal_for_transaction_ids,
)
from samen.lib.money import to_decimal
from samen.lib.spreadsheet import csv_amount, csv_writer

CHUNK = 1000


def _transactions_of(owner: Any) -> QuerySet[Transaction]:
    ids = history_account_ids(owner)
    return (
        Transaction.objects.filter(
            id__in=Entry.objects.filter(account_id__in=ids).values("transaction_id")
        )
        .select_related("counterparty")
        .order_by("id")
    )


def _chunks(rows: Iterable[Transaction]) -> Iterator[list[Transaction]]:
    batch: list[Transaction] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _with_entries(
    transactions: QuerySet[Transaction],
) -> Iterator[tuple[Transaction, list[dict[str, Any]], list[EntryFacts]]]:
    """Each transaction with its entries (as in the canonical record) and the facts the
    folding reads about them (their accounts' purposes, their units), chunk by chunk."""
    for batch in _chunks(transactions.iterator(chunk_size=CHUNK)):
        entries: dict[int, list[dict[str, Any]]] = {t.pk: [] for t in batch}
        facts: dict[int, list[EntryFacts]] = {t.pk: [] for t in batch}
        rows = (
            Entry.objects.filter(transaction_id__in=list(entries))
            .order_by("id")
            .values_list(
                "id",
                "transaction_id",
                "account_id",
                "unit__code",
                "amount",
                "account__purpose",
                "unit_id",
            )
        )
        for entry_id, txn_id, account_id, unit_code, amount, purpose, unit_id in rows:
            entries[txn_id].append(
                {"id": entry_id, "account": account_id, "unit": unit_code, "amount": amount}
            )
            facts[txn_id].append((entry_id, account_id, purpose, unit_id, amount))
        for txn in batch:
            yield txn, entries[txn.pk], facts[txn.pk]


def _folded_record(row: LedgerRow) -> dict[str, Any]:
    """A folded row for the JSON export: amounts in the unit's smallest step, like the
    record's entries, and the line a person reads."""
    fees = dict(row.fees)
    return {
        "unit": row.unit.code,
        "amount": row.amount,
        "host_fee": fees.get("host_fee", 0),
        "payment_fee": fees.get("payment_fee", 0),
        "internal": row.internal,
        "summary": row_summary(row),
    }


class _SealLookup:
    """Which seal covers a transaction id (None while it is not sealed yet)."""

    def __init__(self) -> None:
        pairs = seal_for_transaction_ids()
        self.lasts = [last for last, _ in pairs]
        self.ids = [pk for _, pk in pairs]

    def __call__(self, txn_id: int) -> int | None:
        index = bisect_left(self.lasts, txn_id)
        return self.ids[index] if index < len(self.ids) else None


def json_records(owner: Any) -> Iterator[dict[str, Any]]:
    """The public JSON record of each transaction touching ``owner``, oldest first.

    A public transaction is its canonical record (docs/ledger.md) plus ``row_hash``,
    ``seal``, ``counterparty_name`` and ``counterparty_salt`` (to check the name against
    the record's ``counterparty`` commitment; the salt is null when there is nothing to
    check: no name, or a name erased at the person's request, shown as "Former member")
    and ``folded``: the transaction as it touched the owner, once per unit, with its fees
    folded in (what the pages show);
    a non-public one only ``id``, ``public: false``, ``row_hash`` and ``seal``.
    """
    seal_of = _SealLookup()
    owned = set(history_account_ids(owner))
    units = Unit.objects.in_bulk()
    for txn, entries, facts in _with_entries(_transactions_of(owner)):
        record = transaction_record(txn, entries)
        digest = row_hash(record)
        if txn.is_public:
            name = counterparty_name(txn)
            row = counterparty_row(txn)
            yield {
                **record,
                "counterparty_name": name if name else counterparty_label(txn),
                "counterparty_salt": row.salt if name and row is not None else None,
                "folded": [_folded_record(r) for r in fold_entries(txn, facts, owned, units)],
                "row_hash": digest,
                "seal": seal_of(txn.pk),
            }
        else:
            yield {"id": txn.pk, "public": False, "row_hash": digest, "seal": seal_of(txn.pk)}


def json_stream(owner: Any, kind: str) -> Iterator[str]:
    """``{"owner": {...}, "transactions": [ ... ]}`` written piece by piece."""
    head = {"owner": {"type": kind, "slug": owner.slug, "name": owner.name}}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "transactions": ['
    first = True
    for record in json_records(owner):
        yield ("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]}\n"


CSV_HEADER = [
    "entry_id",
    "transaction_id",
    "date",
    "kind",
    "description",
    "counterparty",
    "account_purpose",
    "unit",
    "amount",
    "host_fee",
    "payment_fee",
    "internal",
]


def _folded(owner: Any, filters: HistoryFilters | None) -> Iterator[LedgerRow]:
    """The owner's rows, each transaction once, read chunk by chunk."""
    ids = history_account_ids(owner)
    rows = history(owner, filters).iterator(chunk_size=CHUNK)
    last = None
    batch: list[Entry] = []
    for entry in rows:
        batch.append(entry)
        if len(batch) == CHUNK:
            for row in fold(batch, ids):
                # A transaction cut by the chunk boundary was already folded whole.
                if row.transaction.pk != last:
                    yield row
                last = row.transaction.pk
            batch = []
    for row in fold(batch, ids) if batch else []:
        if row.transaction.pk != last:
            yield row


def csv_stream(owner: Any, filters: HistoryFilters | None = None) -> Iterator[str]:
    """One line per transaction touching the owner's accounts (public ones), newest first,
    with a contribution's fees in their own columns rather than lines of their own."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flush()
    for n, row in enumerate(_folded(owner, filters), start=1):
        txn = row.transaction
        fees = dict(row.fees)
        decimals = row.unit.decimals
        writer.writerow(
            [
                row.pk,
                txn.pk,
                txn.effective_date.isoformat(),
                txn.kind,
                txn.description,
                counterparty_label(txn),
                " ".join(row.purposes),
                row.unit.code,
                csv_amount(row.amount, decimals),
                csv_amount(fees.get("host_fee", 0), decimals),
                csv_amount(fees.get("payment_fee", 0), decimals),
                "yes" if row.internal else "",
            ]
        )
        if n % 200 == 0:
            yield flush()
    yield flush()


# --- Beancount -----------------------------------------------------------------------------

_BEANCOUNT_ROOT = {
    AccountPurpose.COLLECTIVE_BALANCE: "Liabilities",
    AccountPurpose.COLLECTIVE_PLEDGES: "Liabilities",
    AccountPurpose.CREDIT_WALLET: "Liabilities",
    AccountPurpose.PROCESSOR_FEES: "Liabilities",
    AccountPurpose.SALES_VAT: "Liabilities",
    AccountPurpose.HOST_BALANCE: "Equity",
    AccountPurpose.ADJUSTMENTS: "Equity",
    AccountPurpose.CREDIT_ISSUANCE: "Equity",
    AccountPurpose.HOST_FEE_INCOME: "Income",
    AccountPurpose.PLATFORM: "Income",
    AccountPurpose.BANK_CLEARING: "Assets",
    AccountPurpose.OUTSIDE_WORLD: "Assets",
}


def _component(text: str) -> str:
    """A Beancount account component: starts with a capital letter, then letters, digits
    and dashes."""
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", slugify(text)).strip("-") or "X"
    cleaned = cleaned[0].upper() + cleaned[1:]
    return cleaned if cleaned[0].isalpha() else "X" + cleaned


def beancount_account_name(account: Account) -> str:
    """``Liabilities:Collective:Buurtmoestuin:CollectiveBalance:EUR`` and the like.

    Amounts are negated on the way out: a Samen entry raises the owner's balance, which in
    the host's books is a credit (negative in Beancount) on a liability such as the money
    held for a collective, and a debit on the host's bank side.
    """
    root = _BEANCOUNT_ROOT.get(AccountPurpose(account.purpose), "Equity")
    purpose = "".join(part.capitalize() for part in account.purpose.split("_"))
    if account.collective is not None:
        owner = f"Collective:{_component(account.collective.slug)}"
    elif account.host is not None:
        owner = f"Host:{_component(account.host.slug)}"
    elif account.user_id:
        owner = f"Member:M{account.user_id}"
    else:
        owner = "World"
    return f"{root}:{owner}:{purpose}:{account.unit.code}"


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _per_account(entries: list[dict[str, Any]]) -> dict[tuple[int, str], int]:
    """One posting per account and unit, in the order of their first entry: a
    contribution's +5.00, -0.25 host fee and -0.15 payment fee on the collective's balance
    are one posting of 4.60 beside the fee accounts' own."""
    totals: dict[tuple[int, str], int] = {}
    for e in entries:
        key = (e["account"], e["unit"])
        totals[key] = totals.get(key, 0) + e["amount"]
    return totals


def _beancount_fees(rows: list[LedgerRow]) -> list[str]:
    """Metadata lines naming what the supporter gave and the fees taken from it."""
    lines = []
    for row in rows:
        if not row.fees:
            continue
        money = f"{to_decimal(row.amount, row.unit.decimals):f} {row.unit.code}"
        lines.append(f"  samen-gross: {_quote(money)}")
        for key, amount in row.fees:
            fee = f"{to_decimal(amount, row.unit.decimals):f} {row.unit.code}"
            lines.append(f"  samen-{key.replace('_', '-')}: {_quote(fee)}")
    return lines


def beancount_stream(host: Any) -> Iterator[str]:
    """A host's books as a Beancount file that ``bean-check`` accepts.

    Every transaction touching the host or its collectives, with all its entries (the
    counter-accounts too, so each transaction balances). ``open`` directives come last,
    dated on the first transaction's date: Beancount sorts by date, not file order.
    """
    yield f"; Books of {host.name}, exported from Samen\n"
    yield f"option {_quote('title')} {_quote(host.name)}\n"
    yield 'option "operating_currency" "EUR"\n\n'
    names: dict[int, str] = {}
    decimals: dict[str, int] = {}
    first_day: date | None = None
    owned = set(history_account_ids(host))
    units = Unit.objects.in_bulk()
    for txn, entries, facts in _with_entries(_transactions_of(host)):
        missing = {e["account"] for e in entries} - names.keys()
        if missing:
            for account in Account.objects.filter(pk__in=missing).select_related(
                "unit", "host", "collective"
            ):
                names[account.pk] = beancount_account_name(account)
                decimals[account.unit.code] = account.unit.decimals
        first_day = min(first_day, txn.effective_date) if first_day else txn.effective_date
        payee = counterparty_label(txn) if txn.is_public else ""
        narration = txn.description if txn.is_public else "Private transaction"
        lines = [f"{txn.effective_date.isoformat()} * {_quote(payee)} {_quote(narration)}"]
        lines.append(f"  samen-id: {_quote(str(txn.pk))}")
        lines.append(f"  samen-kind: {_quote(txn.kind)}")
        if txn.is_public:
            lines += _beancount_fees(fold_entries(txn, facts, owned, units))
        for (account_id, unit), total in _per_account(entries).items():
            amount = to_decimal(-total, decimals[unit])
            lines.append(f"  {names[account_id]}  {amount:f} {unit}")
        yield "\n".join(lines) + "\n\n"
    # An empty ledger opens its accounts on today's date in the site's time zone.
    opened = (first_day or timezone.localdate()).isoformat()
    for code in sorted(decimals):
        yield f"{opened} commodity {code}\n"
    for name in sorted(names.values()):
        yield f"{opened} open {name}\n"


def seal_json_stream(seal: Any) -> Iterator[str]:
    """A seal and the row hash of every transaction it covers, in id order."""
    from samen.ledger.canonical import iter_records
    from samen.ledger.models import Seal

    previous = Seal.objects.filter(pk=seal.previous_id).values_list(
        "last_transaction_id", flat=True
    )
    after = previous.first() or 0
    head = {
        "id": seal.pk,
        "sealed_at": seal.sealed_at.isoformat(),
        "previous_digest": seal.previous_digest,
        "digest": seal.digest,
        "first_transaction_id": seal.first_transaction_id,
        "last_transaction_id": seal.last_transaction_id,
        "transaction_count": seal.transaction_count,
    }
    yield json.dumps(head)[:-1] + ', "rows": ['
    first = True
    for txn, _record, digest in iter_records(after_id=after, up_to_id=seal.last_transaction_id):
        yield ("\n" if first else ",\n") + json.dumps({"id": txn.pk, "row_hash": digest})
        first = False
    yield "\n]}\n"
