"""Every write to the ledger. No other module creates ledger rows (DESIGN rule 5).

Postings are idempotent (a unique key per posting), balanced per unit, and keep every
account at or above its floor even when postings race: each posting updates the affected
``Balance`` rows one by one in account-id order with a conditional ``UPDATE ... SET amount =
amount + delta WHERE amount + delta >= floor``, so the row lock taken by the UPDATE orders
concurrent postings and the floor is checked against the committed value (docs/ledger.md).

``ledger_post`` and ``ledger_reverse`` write no audit row: the transaction row itself records
who posted what, when and why, and it can never change; an audit row would duplicate it.

A counterparty's public name is stored beside the transaction (``CounterpartyName``) with a
random salt; the transaction row, and so the seals, hold only ``sha256(salt + name)``.
``counterparty_erase`` blanks name and salt when the person asks to be forgotten.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.core import pagecache
from samen.ledger.canonical import (
    GENESIS_DIGEST,
    counterparty_commitment,
    iter_records,
    seal_digest,
)
from samen.ledger.errors import LedgerError, LedgerErrorCode
from samen.ledger.models import (
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
from samen.lib.money import AmountError, AmountErrorCode, AmountKind, check_amount

# Floors applied when ``account_for`` creates an account and the caller names none: money
# held for a collective or a host cannot go below zero.
DEFAULT_FLOORS: Final[dict[str, int]] = {
    AccountPurpose.COLLECTIVE_BALANCE: 0,
    AccountPurpose.COLLECTIVE_PLEDGES: 0,
    AccountPurpose.HOST_BALANCE: 0,
}

MAX_ATTEMPTS: Final = 5
# No single entry beyond 10^15 smallest steps (10 trillion euros): balances, which add many
# entries up, stay far inside their 64-bit columns.
MAX_LEDGER_AMOUNT: Final = 10**15
# SQLSTATEs worth retrying: serialization failure and deadlock.
RETRYABLE_SQLSTATES: Final = {"40001", "40P01"}


# Table names are the models' fixed db_table values (migration 0001).
_INSERT_TRANSACTION = (
    "INSERT INTO ledger_transaction (kind, description, effective_date, created_at,"
    " actor_id, idempotency_key, content_hash, cause_type_id, cause_id, reverses_id,"
    " counterparty_commitment, is_public)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
# Only for a posting that names its counterparty; the name row is not append-only.
_INSERT_COUNTERPARTY = (
    "INSERT INTO ledger_counterpartyname (transaction_id, name, salt, erased_at)"
    " VALUES (%s, %s, %s, NULL)"
)
# A reversal copies its original's name: read under a share lock (see ``_original_erased``).
_ORIGINAL_NAME = "SELECT erased_at FROM ledger_counterpartyname WHERE transaction_id = %s"
_INSERT_ENTRIES = "INSERT INTO ledger_entry (transaction_id, account_id, unit_id, amount) VALUES "
# The floor is checked in the same statement that takes the row lock and applies the
# change, so it is checked against the latest committed balance.
_DEBIT = (
    "UPDATE ledger_balance SET amount = amount + %s"
    " WHERE account_id = %s AND (floor IS NULL OR amount + %s >= floor)"
)
# A credit lands on a random stripe (BalanceStripe): no floor to check, no shared row lock.
_CREDIT = (
    "INSERT INTO ledger_balancestripe (account_id, stripe, amount) VALUES (%s, %s, %s)"
    " ON CONFLICT (account_id, stripe)"
    " DO UPDATE SET amount = ledger_balancestripe.amount + excluded.amount"
)


_READ_STRIPES = (
    "SELECT stripe, amount FROM ledger_balancestripe"
    " WHERE account_id = %s AND amount <> 0 ORDER BY stripe"
)
_LOCK_STRIPES = _READ_STRIPES + " FOR UPDATE"


class _Default:
    """Marks an argument the caller left out (``None`` means "no floor")."""


DEFAULT: Final = _Default()


def account_for(
    *,
    purpose: str,
    unit: Unit,
    host: Any = None,
    collective: Any = None,
    user: Any = None,
    floor: int | _Default | None = DEFAULT,
) -> Account:
    """Return the account of ``purpose`` and ``unit`` for one owner (or none), creating it.

    Race-safe: two callers creating the same account get the same row. ``floor`` applies
    only when the account is created (default: ``DEFAULT_FLOORS`` by purpose); change it
    later with ``ledger_set_floor``.
    """
    if sum(o is not None for o in (host, collective, user)) > 1:
        raise LedgerError(LedgerErrorCode.INVALID_OWNER)
    lookup = {
        "unit": unit,
        "purpose": AccountPurpose(purpose),
        "host": host,
        "collective": collective,
        "user": user,
    }
    account = Account.objects.filter(**lookup).select_related("unit").first()
    if account is not None:
        return account
    chosen = DEFAULT_FLOORS.get(purpose) if isinstance(floor, _Default) else floor
    try:
        with transaction.atomic():
            account = Account.objects.create(**lookup, floor=chosen)
            Balance.objects.create(account=account, amount=0, floor=chosen)
    except IntegrityError:
        account = Account.objects.select_related("unit").get(**lookup)
    return account


def content_hash(
    *,
    kind: str,
    description: str,
    lines: Sequence[tuple[int, int]],
    effective_date: date | None,
    cause: tuple[str, str] | None,
    is_public: bool,
    reverses: int | None,
) -> str:
    """SHA-256 of what a posting says, to tell a retry from a different posting.

    The counterparty's name is deliberately left out: this hash sits in the append-only
    row, and a hash of a name and otherwise known facts would let anyone with the database
    try candidate names after the name was erased. A retry's name is compared through the
    salted commitment instead (``_same_or_conflict``)."""
    payload = {
        "kind": kind,
        "description": description,
        "lines": sorted([int(a), int(b)] for a, b in lines),
        "effective_date": effective_date.isoformat() if effective_date else None,
        "cause": list(cause) if cause else None,
        "public": is_public,
        "reverses": reverses,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _retryable(exc: OperationalError) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and "locked" in str(exc)


def _same_or_conflict(existing: Transaction, digest: str, counterparty_name: str) -> Transaction:
    """``existing`` when a posting under its key says the same thing, else a conflict.

    The name is compared with the one stored beside ``existing``. Once that name has been
    erased nothing is left to compare it with, and the first transaction is returned: a
    replayed payment after the payer left must not fail, and the name stays forgotten."""
    if existing.content_hash != digest:
        raise LedgerError(LedgerErrorCode.IDEMPOTENCY_CONFLICT)
    if not existing.counterparty_commitment:
        if counterparty_name:
            raise LedgerError(LedgerErrorCode.IDEMPOTENCY_CONFLICT)
        return existing
    row = CounterpartyName.objects.filter(transaction_id=existing.pk).first()
    if row is not None and row.erased_at is None and row.name != counterparty_name:
        raise LedgerError(LedgerErrorCode.IDEMPOTENCY_CONFLICT)
    return existing


def _checked_lines(
    kind: str, idempotency_key: str, lines: Sequence[tuple[Account, int]]
) -> tuple[list[tuple[Account, int]], dict[int, int]]:
    """The non-zero lines of a posting and the change per account, after refusing an
    unknown kind, a missing key, a non-integer or oversized amount, fewer than two lines
    and lines that do not sum to zero per unit."""
    if kind not in TransactionKind.values:
        raise LedgerError(LedgerErrorCode.UNKNOWN_KIND)
    if not idempotency_key:
        raise ValueError("An idempotency key is required.")
    clean: list[tuple[Account, int]] = []
    for account, amount in lines:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("Ledger amounts are integers in the unit's smallest step.")
        if abs(amount) > MAX_LEDGER_AMOUNT:
            # Beyond what a 64-bit balance column holds: refuse instead of a database error.
            raise AmountError(AmountErrorCode.TOO_LARGE)
        if amount:
            clean.append((account, amount))
    if len(clean) < 2:
        raise LedgerError(LedgerErrorCode.NO_LINES)
    per_unit: dict[int, int] = defaultdict(int)
    deltas: dict[int, int] = defaultdict(int)
    for account, amount in clean:
        per_unit[account.unit_id] += amount
        deltas[account.pk] += amount
    if any(per_unit.values()):
        raise LedgerError(LedgerErrorCode.UNBALANCED)
    return clean, deltas


def _insert_transaction(cursor: Any, txn: Transaction) -> int:
    """Insert the transaction row with plain SQL and return its id."""
    ops = connection.ops
    cursor.execute(
        _INSERT_TRANSACTION,
        [
            txn.kind,
            txn.description,
            ops.adapt_datefield_value(txn.effective_date),
            ops.adapt_datetimefield_value(txn.created_at),
            txn.actor_id,
            txn.idempotency_key,
            txn.content_hash,
            txn.cause_type_id,
            txn.cause_id,
            txn.reverses_id,
            txn.counterparty_commitment,
            txn.is_public,
        ],
    )
    return int(cursor.fetchone()[0])


def _insert_entries(cursor: Any, txn_id: int, clean: list[tuple[Account, int]]) -> None:
    """All entries of a transaction in one INSERT."""
    params: list[int] = []
    for account, amount in clean:
        params += [txn_id, account.pk, account.unit_id, amount]
    cursor.execute(_INSERT_ENTRIES + ", ".join(["(%s, %s, %s, %s)"] * len(clean)), params)


def _update_balances(cursor: Any, accounts: dict[int, Account], deltas: dict[int, int]) -> None:
    """Balances last, one UPDATE per account in id order: the row locks are taken in one
    global order (no deadlocks) and held only for these updates and the commit, which is
    what limits a hot account. A credit lands on a random stripe; a debit checks the floor."""
    for account_id in sorted(deltas):
        delta = deltas[account_id]
        if delta > 0:
            stripe = random.randrange(BalanceStripe.STRIPES)
            cursor.execute(_CREDIT, [account_id, stripe, delta])
            continue
        cursor.execute(_DEBIT, [delta, account_id, delta])
        if cursor.rowcount != 1:
            # Fold the stripes, then try again even if there was nothing to fold:
            # a concurrent debit may have just folded them into the balance row.
            _fold_stripes(cursor, account_id)
            cursor.execute(_DEBIT, [delta, account_id, delta])
        if cursor.rowcount != 1:
            _apply_delta(accounts[account_id], delta)


def _post(
    *,
    actor: Any,
    kind: str,
    description: str,
    lines: Sequence[tuple[Account, int]],
    idempotency_key: str,
    effective_date: date | None,
    cause: models.Model | None,
    counterparty_name: str,
    is_public: bool,
    reverses: Transaction | None,
) -> Transaction:
    clean, deltas = _checked_lines(kind, idempotency_key, lines)
    cause_type = ContentType.objects.get_for_model(cause) if cause is not None else None
    cause_key = None
    if cause is not None and cause_type is not None:
        cause_key = (f"{cause_type.app_label}.{cause_type.model}", str(cause.pk))
    digest = content_hash(
        kind=kind,
        description=description,
        lines=[(a.pk, amount) for a, amount in clean],
        effective_date=effective_date,
        cause=cause_key,
        is_public=is_public,
        reverses=reverses.pk if reverses else None,
    )
    salt = secrets.token_hex(CounterpartyName.SALT_BYTES) if counterparty_name else ""
    commitment = counterparty_commitment(salt, counterparty_name) if counterparty_name else ""

    def write() -> Transaction:
        # Plain SQL on the hot path: the ORM's query building cost more than the database
        # work itself (docs/performance.md). The transaction row goes first: its unique
        # idempotency key makes a concurrent or repeated posting with the same key fail (or
        # wait for the first to commit) before any balance is touched; the IntegrityError
        # is resolved below.
        now = timezone.now()
        name, name_salt, name_commitment = counterparty_name, salt, commitment
        if reverses is not None and name and _original_erased(reverses.pk):
            name = name_salt = name_commitment = ""
        txn = Transaction(
            kind=kind,
            description=description,
            effective_date=effective_date or timezone.localdate(),
            created_at=now,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            idempotency_key=idempotency_key,
            content_hash=digest,
            cause_type=cause_type,
            cause_id=str(cause.pk) if cause is not None else "",
            reverses=reverses,
            counterparty_commitment=name_commitment,
            is_public=is_public,
        )
        with connection.cursor() as cursor:
            txn.pk = _insert_transaction(cursor, txn)
            if name:
                cursor.execute(_INSERT_COUNTERPARTY, [txn.pk, name, name_salt])
            _insert_entries(cursor, txn.pk, clean)
            _update_balances(cursor, {a.pk: a for a, _amount in clean}, deltas)
        txn._state.adding = False
        txn._state.db = connection.alias
        return txn

    nested = connection.in_atomic_block
    attempt = 0
    while True:
        attempt += 1
        try:
            with transaction.atomic():
                posted = write()
            pagecache.bump(
                (kind, pk)
                for account, _amount in clean
                for kind, pk in (("host", account.host_id), ("collective", account.collective_id))
            )
            return posted
        except IntegrityError:
            # A concurrent posting with the same key (or reversing the same transaction)
            # committed first; our savepoint or transaction was rolled back.
            existing = Transaction.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_or_conflict(existing, digest, counterparty_name)
            if reverses is not None and Transaction.objects.filter(reverses=reverses).exists():
                raise LedgerError(LedgerErrorCode.ALREADY_REVERSED) from None
            raise
        except OperationalError as exc:
            # Inside a caller's transaction only the caller can retry the whole unit of work.
            if nested or attempt >= MAX_ATTEMPTS or not _retryable(exc):
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)


def _original_erased(original_id: int) -> bool:
    """Whether the name a reversal is about to copy was erased meanwhile.

    The original's name row is read under a share lock that ``counterparty_erase``'s row
    lock waits for: an erasure running at the same time either finds this reversal once
    it has committed (and erases its name too) or has already erased the original's name
    (and the reversal gets none)."""
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(_ORIGINAL_NAME + lock, [original_id])
        row = cursor.fetchone()
    return row is None or row[0] is not None


def _fold_stripes(cursor: Any, account_id: int) -> int:
    """Move an account's striped credits into its balance row; returns the amount moved.

    Only the stripe rows locked and read here are emptied, by exactly what was read, so a
    credit landing on a new stripe meanwhile is kept, not lost."""
    cursor.execute(
        _LOCK_STRIPES if connection.vendor == "postgresql" else _READ_STRIPES, [account_id]
    )
    rows = cursor.fetchall()
    moved = sum(amount for _stripe, amount in rows)
    if not moved:
        return 0
    for stripe, amount in rows:
        cursor.execute(
            "UPDATE ledger_balancestripe SET amount = amount - %s"
            " WHERE account_id = %s AND stripe = %s",
            [amount, account_id, stripe],
        )
    cursor.execute(
        "UPDATE ledger_balance SET amount = amount + %s WHERE account_id = %s",
        [moved, account_id],
    )
    return moved


def _stripes_sum(account_id: int) -> int:
    total = BalanceStripe.objects.filter(account_id=account_id).aggregate(t=models.Sum("amount"))[
        "t"
    ]
    return int(total or 0)


def _apply_delta(account: Account, delta: int) -> None:
    """The debit matched no balance row even after folding the stripes: a floor would be
    breached, or the account has no balance row yet (created without ``account_for``)."""
    if Balance.objects.filter(account_id=account.pk).exists():
        raise LedgerError(LedgerErrorCode.FLOOR_BREACHED, account=account)
    # Built from the entries (which already include this posting's) less the stripes.
    total = _entries_sum(account.pk)
    if account.floor is not None and total < account.floor:
        raise LedgerError(LedgerErrorCode.FLOOR_BREACHED, account=account)
    Balance.objects.create(
        account_id=account.pk, amount=total - _stripes_sum(account.pk), floor=account.floor
    )


def _entries_sum(account_id: int) -> int:
    total = Entry.objects.filter(account_id=account_id).aggregate(t=models.Sum("amount"))["t"]
    return int(total or 0)


def ledger_post(
    *,
    actor: Any,
    kind: str,
    description: str,
    lines: Sequence[tuple[Account, int]],
    idempotency_key: str,
    effective_date: date | None = None,
    cause: models.Model | None = None,
    counterparty_name: str = "",
    is_public: bool = True,
) -> Transaction:
    """Post one balanced transaction and update the balances, atomically.

    ``lines`` are ``(account, signed amount)``; a positive amount raises the balance. The
    amounts of each unit must sum to zero (``unbalanced``), no account may end below its
    floor (``floor_breached``, naming the account). Posting again with the same
    ``idempotency_key`` and the same content returns the first transaction and writes
    nothing; other content (or another counterparty name) under a used key is
    ``idempotency_conflict``. ``counterparty_name`` is the public name to show, or "" for
    an incognito party; it is stored beside the transaction, which holds only a salted
    commitment to it, so ``counterparty_erase`` can remove it later.

    Runs in its own transaction, or in a savepoint of the caller's; serialization failures
    and deadlocks are retried when it owns the transaction.
    """
    return _post(
        actor=actor,
        kind=kind,
        description=description,
        lines=lines,
        idempotency_key=idempotency_key,
        effective_date=effective_date,
        cause=cause,
        counterparty_name=counterparty_name,
        is_public=is_public,
        reverses=None,
    )


def ledger_reverse(
    *, actor: Any, transaction: Transaction, reason: str, idempotency_key: str
) -> Transaction:
    """Undo ``transaction`` with a new REVERSAL transaction holding the opposite entries.

    A transaction is reversed at most once (``already_reversed``); floors apply, so money
    already spent cannot be taken back. ``reason`` is mandatory and becomes the description.
    The reversal shows the original's counterparty name, unless that name was erased.
    """
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(LedgerErrorCode.REASON_REQUIRED)
    earlier = Transaction.objects.filter(reverses=transaction).first()
    if earlier is not None and earlier.idempotency_key != idempotency_key:
        raise LedgerError(LedgerErrorCode.ALREADY_REVERSED)
    entries = list(transaction.entries.select_related("account").order_by("id"))
    return _post(
        actor=actor,
        kind=TransactionKind.REVERSAL,
        description=reason,
        lines=[(e.account, -e.amount) for e in entries],
        idempotency_key=idempotency_key,
        effective_date=None,
        cause=None,
        counterparty_name=_present_name(transaction),
        is_public=transaction.is_public,
        reverses=transaction,
    )


def _present_name(txn: Transaction) -> str:
    if not txn.counterparty_commitment:
        return ""
    row = CounterpartyName.objects.filter(transaction_id=txn.pk).first()
    return row.name if row is not None and row.erased_at is None else ""


@transaction.atomic
def counterparty_erase(
    *,
    actor: Any,
    transactions: Iterable[Transaction | int] = (),
    causes: Iterable[models.Model] = (),
) -> list[int]:
    """Forget the counterparty names of ``transactions``, of every transaction caused by
    one of ``causes``, and of the reversals of all of them; returns the ids erased.

    Name and salt are blanked and ``erased_at`` set; the transactions keep their sealed
    commitments, so row hashes and seals do not change and ``ledger_verify`` still passes.
    Public pages and exports then show "Former member". Names already erased are left
    alone, so running it twice does no harm. Audited (ids only: never the names).
    """
    pagecache.bump_all()
    ids = {t if isinstance(t, int) else t.pk for t in transactions}
    by_type: dict[int, list[str]] = defaultdict(list)
    for cause in causes:
        by_type[ContentType.objects.get_for_model(cause).pk].append(str(cause.pk))
    for type_id, cause_ids in by_type.items():
        ids.update(
            Transaction.objects.filter(cause_type_id=type_id, cause_id__in=cause_ids).values_list(
                "id", flat=True
            )
        )
    # Lock the names first: a reversal being posted holds a share lock on its original's
    # name (``_original_erased``), so it has committed before the reversals are read below.
    frontier = set(ids)
    while frontier:
        locked = CounterpartyName.objects.select_for_update().filter(transaction_id__in=frontier)
        list(locked.order_by("pk").values_list("pk", flat=True))
        frontier = (
            set(Transaction.objects.filter(reverses_id__in=frontier).values_list("id", flat=True))
            - ids
        )
        ids |= frontier
    rows = CounterpartyName.objects.filter(transaction_id__in=ids, erased_at__isnull=True)
    erased = sorted(rows.values_list("transaction_id", flat=True))
    if not erased:
        return []
    CounterpartyName.objects.filter(transaction_id__in=erased).update(
        name="", salt="", erased_at=timezone.now()
    )
    audit_record(actor=actor, action="ledger.counterparty_erase", data={"transactions": erased})
    return erased


def _owner_host(account: Account) -> Any:
    if account.host_id:
        return account.host
    if account.collective is not None:
        return account.collective.host
    return None


@transaction.atomic
def ledger_set_floor(*, actor: Any, account: Account, floor: int | None) -> Account:
    """Change an account's floor (a member's credit limit is ``-limit``).

    Refused with ``floor_breached`` when the current balance is already below the new
    floor: the floor is an invariant ``ledger_verify`` checks, not a wish.
    """
    balance_row = Balance.objects.select_for_update().filter(account_id=account.pk).first()
    if balance_row is None:
        balance_row = Balance.objects.create(
            account_id=account.pk, amount=_entries_sum(account.pk), floor=account.floor
        )
    with connection.cursor() as cursor:
        balance_row.amount += _fold_stripes(cursor, account.pk)
    if floor is not None and balance_row.amount < floor:
        raise LedgerError(LedgerErrorCode.FLOOR_BREACHED, account=account)
    previous = account.floor
    Account.objects.filter(pk=account.pk).update(floor=floor)
    Balance.objects.filter(account_id=account.pk).update(floor=floor)
    account.floor = floor
    audit_record(
        actor=actor,
        action="ledger.set_floor",
        target=account,
        host=_owner_host(account),
        data={"old": previous, "new": floor},
    )
    return account


def ledger_adjust(
    *,
    actor: Any,
    account: Account,
    amount: int,
    reason: str,
    idempotency_key: str,
    counter_account: Account | None = None,
) -> Transaction:
    """Post an ADJUSTMENT of ``amount`` on ``account`` against the host's adjustments account.

    For host admins correcting the books (the API checks who may); ``reason`` is mandatory,
    is the public description and goes to the audit log.
    """
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(LedgerErrorCode.REASON_REQUIRED)
    check_amount(amount, account.unit.decimals, kind=AmountKind.ADJUSTMENT, allow_negative=True)
    host = _owner_host(account)
    with transaction.atomic():
        other = counter_account or account_for(
            purpose=AccountPurpose.ADJUSTMENTS, unit=account.unit, host=host
        )
        # A retry returns the first transaction; it was audited then.
        retry = Transaction.objects.filter(idempotency_key=idempotency_key).exists()
        txn = ledger_post(
            actor=actor,
            kind=TransactionKind.ADJUSTMENT,
            description=reason,
            lines=[(account, amount), (other, -amount)],
            idempotency_key=idempotency_key,
        )
        if retry:
            return txn
        audit_record(
            actor=actor,
            action="ledger.adjust",
            target=txn,
            host=host,
            data={"account": account.pk, "amount": amount, "reason": reason},
        )
    return txn


@transaction.atomic
def ledger_seal(*, actor: Any = None) -> Seal | None:
    """Seal every transaction since the previous seal; None when there is nothing new.

    The digest chains the previous seal's digest with each transaction's row hash
    (``samen.ledger.canonical``). On PostgreSQL the transaction table is locked in SHARE ROW
    EXCLUSIVE mode first: it waits for postings in flight and holds new ones back until the
    seal commits, so no transaction with a lower id can commit after the seal was computed.
    (SQLite's IMMEDIATE transactions already serialise writers.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE ledger_transaction IN SHARE ROW EXCLUSIVE MODE")
    previous = Seal.objects.order_by("-id").first()
    after = previous.last_transaction_id if previous else 0
    previous_digest = previous.digest if previous else GENESIS_DIGEST
    hashes: list[str] = []
    first_id = last_id = 0
    for txn, _record, digest in iter_records(after_id=after):
        if not hashes:
            first_id = txn.pk
        hashes.append(digest)
        last_id = txn.pk
    if not hashes:
        return None
    seal = Seal(
        previous=previous,
        previous_digest=previous_digest,
        first_transaction_id=first_id,
        last_transaction_id=last_id,
        transaction_count=len(hashes),
        digest=seal_digest(previous_digest, hashes),
    )
    seal.save()
    audit_record(
        actor=actor,
        action="ledger.seal",
        target=seal,
        data={"last_transaction": last_id, "count": len(hashes), "digest": seal.digest},
    )
    return seal
