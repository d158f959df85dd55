"""The ledger's API at /api/v1/ledger/: balances, transactions and seals to read; host
admins post ADJUSTMENTs. Every other write comes from the actions of other apps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.access import Need, access_collective, access_host, can
from samen.ledger import queries
from samen.ledger.actions import account_for, ledger_adjust
from samen.ledger.models import AccountPurpose, Entry, Seal, TransactionKind, Unit
from samen.ledger.queries import HistoryFilters
from samen.lib.money import (
    AmountError,
    AmountKind,
    Money,
    amount_from_text,
    format_money,
    to_decimal,
)

router = Router(tags=["ledger"])


class OwnerQuery(Schema):
    collective: str | None = Field(None, description="A collective's slug.")
    host: str | None = Field(None, description="A host's slug (with its collectives).")


class HistoryQuery(OwnerQuery):
    kind: TransactionKind | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = Field(None, max_length=100, description="Text in description or name.")


class BalanceOut(Schema):
    unit: str
    decimals: int
    amount: int = Field(description="In the unit's smallest step (cents for EUR).")
    formatted: str


class BalancesOut(Schema):
    owner_type: str
    slug: str
    balances: list[BalanceOut]


class EntryOut(Schema):
    id: int
    transaction_id: int
    date: date
    kind: str
    description: str
    counterparty: str
    account_id: int
    account_purpose: str
    unit: str
    amount: int = Field(description="Signed, in the unit's smallest step.")
    amount_decimal: str
    reverses: int | None
    public: bool


class RowOut(Schema):
    transaction_id: int
    date: date
    kind: str
    description: str = Field(description="In the requested language when its cause says it.")
    counterparty: str
    unit: str
    amount: int = Field(
        description="What the transaction brought (+) or took (-), fees not deducted; for a "
        "move between the owner's own accounts, the amount moved."
    )
    amount_decimal: str
    host_fee: int = Field(description="The host fee taken from it, in the smallest step.")
    payment_fee: int = Field(description="The payment provider's fee, in the smallest step.")
    internal: bool = Field(description="A move between two of the owner's own accounts.")
    summary: str = Field(description='One line: "€5.00 from Ilias · €0.25 host fee".')
    public: bool


class RowsOut(Schema):
    items: list[RowOut]
    next_before: int | None = Field(
        description="Pass it as ``before`` for the next page; null on the last page."
    )


class SealOut(Schema):
    id: int
    sealed_at: datetime
    previous_digest: str
    digest: str
    first_transaction_id: int
    last_transaction_id: int
    transaction_count: int


class AdjustmentIn(Schema):
    collective: str | None = Field(None, description="Adjust this collective's balance...")
    host: str | None = Field(None, description="...or this host's own balance.")
    unit: str = "EUR"
    amount: str = Field(description='Signed decimal text, e.g. "12.50" or "-3,20".')
    reason: str = Field(min_length=1, max_length=500)
    idempotency_key: str = Field(min_length=1, max_length=160)


class TransactionOut(Schema):
    id: int
    kind: str
    description: str
    effective_date: date
    entries: list[dict[str, Any]]


def _owner(request: HttpRequest, query: OwnerQuery, need: Need = Need.VIEW) -> tuple[str, Any]:
    if bool(query.collective) == bool(query.host):
        raise ApiError(422, ErrorCode.INVALID, "Name exactly one of collective or host.")
    if query.collective:
        return "collective", access_collective(request.user, query.collective, need)
    assert query.host is not None
    return "host", access_host(request.user, query.host, need)


@router.get("/balances", response=BalancesOut)
def balances(request: HttpRequest, query: Query[OwnerQuery]) -> dict[str, Any]:
    """Balance per unit of a collective, or of a host's own holding accounts."""
    kind, owner = _owner(request, query)
    found = (
        queries.balances_for(collective=owner)
        if kind == "collective"
        else queries.balances_for(host=owner)
    )
    return {
        "owner_type": kind,
        "slug": owner.slug,
        "balances": [
            {
                "unit": code,
                "decimals": money.unit.decimals,
                "amount": money.amount,
                "formatted": format_money(money),
            }
            for code, money in found.items()
        ],
    }


def _entry_out(entry: Entry) -> dict[str, Any]:
    txn = entry.transaction
    return {
        "id": entry.pk,
        "transaction_id": txn.pk,
        "date": txn.effective_date,
        "kind": txn.kind,
        "description": txn.description,
        "counterparty": queries.counterparty_label(txn),
        "account_id": entry.account_id,
        "account_purpose": entry.account.purpose,
        "unit": entry.unit.code,
        "amount": entry.amount,
        "amount_decimal": f"{to_decimal(entry.amount, entry.unit.decimals):f}",
        "reverses": txn.reverses_id,
        "public": txn.is_public,
    }


@router.get("/transactions", response=page_of(EntryOut))
def transactions(
    request: HttpRequest, query: Query[HistoryQuery], page: Query[CursorParams]
) -> dict[str, Any]:
    """The entries of a collective's (or host's) accounts, newest first, cursor-paginated.

    Non-public transactions are listed only for people who may read the finances."""
    _kind, owner = _owner(request, query)
    filters = HistoryFilters(
        kind=query.kind or "",
        date_from=query.date_from,
        date_to=query.date_to,
        text=(query.q or "").strip(),
    )
    rows = queries.history(owner, filters, include_private=can(request.user, Need.FINANCE, owner))
    result = paginate(rows, page, order=("-id",))
    result["items"] = [_entry_out(e) for e in result["items"]]
    return result


def _row_out(row: queries.LedgerRow) -> dict[str, Any]:
    txn = row.transaction
    fees = dict(row.fees)
    return {
        "transaction_id": txn.pk,
        "date": txn.effective_date,
        "kind": txn.kind,
        "description": queries.description(txn),
        "counterparty": queries.counterparty_label(txn),
        "unit": row.unit.code,
        "amount": row.amount,
        "amount_decimal": f"{to_decimal(row.amount, row.unit.decimals):f}",
        "host_fee": fees.get("host_fee", 0),
        "payment_fee": fees.get("payment_fee", 0),
        "internal": row.internal,
        "summary": queries.row_summary(row),
        "public": txn.is_public,
    }


@router.get("/rows", response=RowsOut)
def rows(
    request: HttpRequest,
    query: Query[HistoryQuery],
    before: int | None = None,
) -> dict[str, Any]:
    """The transactions of a collective (or host) as people read them, newest first: each
    once, a contribution with its fees folded in, a move between the owner's own accounts
    once (what the transactions page shows). ``/transactions`` lists the raw entries.
    The next page: ``before`` set to this page's ``next_before``."""
    _kind, owner = _owner(request, query)
    filters = HistoryFilters(
        kind=query.kind or "",
        date_from=query.date_from,
        date_to=query.date_to,
        text=(query.q or "").strip(),
    )
    page, next_before = queries.history_page(
        owner, filters, before=before, include_private=can(request.user, Need.FINANCE, owner)
    )
    return {"items": [_row_out(r) for r in page], "next_before": next_before}


@router.get("/seals", response=page_of(SealOut))
def seals(request: HttpRequest, page: Query[CursorParams]) -> dict[str, Any]:
    """Every seal, newest first; the covered row hashes are at /ledger/seals/<id>.json."""
    return paginate(Seal.objects.all(), page, order=("-id",))


@router.get("/seals/{seal_id}", response=SealOut)
def seal(request: HttpRequest, seal_id: int) -> Seal:
    return queries.seal_or_404(seal_id)


@router.post("/adjustments", response={201: TransactionOut}, auth=api_auth)
def adjust(request: HttpRequest, payload: AdjustmentIn) -> Status:
    """Host admins correct a collective's or the host's balance, with a mandatory reason.

    Retrying with the same ``idempotency_key`` and body returns the same transaction."""
    kind, owner = _owner(
        request, OwnerQuery(collective=payload.collective, host=payload.host), Need.HOST_ADMIN
    )
    host = owner.host if kind == "collective" else owner
    if host is None:
        raise ApiError(422, ErrorCode.INVALID, "This collective has no host.")
    unit = (
        Unit.eur()
        if payload.unit == "EUR"
        else Unit.objects.filter(host=host, code=payload.unit).first()
    )
    if unit is None:
        raise ApiError(422, ErrorCode.INVALID, "unit: unknown for this host.")
    try:
        amount = amount_from_text(
            payload.amount, unit.decimals, kind=AmountKind.ADJUSTMENT, allow_negative=True
        )
    except AmountError as exc:
        raise ApiError(422, str(exc.code), f"amount: {exc.message}") from exc
    purpose = (
        AccountPurpose.COLLECTIVE_BALANCE if kind == "collective" else AccountPurpose.HOST_BALANCE
    )
    owner_kwargs = {"collective": owner} if kind == "collective" else {"host": owner}
    account = account_for(purpose=purpose, unit=unit, **owner_kwargs)
    txn = ledger_adjust(
        actor=request.user,
        account=account,
        amount=amount,
        reason=payload.reason,
        idempotency_key=f"api-adjust:{host.pk}:{payload.idempotency_key}",
    )
    entries = [
        {
            "account_id": e.account_id,
            "unit": e.unit.code,
            "amount": e.amount,
            "formatted": format_money(Money(e.amount, e.unit)),
        }
        for e in txn.entries.select_related("unit").order_by("id")
    ]
    return Status(
        201,
        {
            "id": txn.pk,
            "kind": txn.kind,
            "description": txn.description,
            "effective_date": txn.effective_date,
            "entries": entries,
        },
    )
