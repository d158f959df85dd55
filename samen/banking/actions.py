"""Bank statement import: the only writer of statements and lines.

Interface for other apps
========================

Models (``samen.funding.models``)
    ``BankStatement``: host, format (``StatementFormat.CODA`` / ``CAMT053``), file_hash
    (SHA-256, unique per host), filename, account_iban, reference, imported_by.
    ``BankLine``: statement, host, position, booking_date, value_date, amount (signed cents:
    positive in, negative out), currency, counterparty_name, counterparty_iban (private:
    host admins only), communication, structured_communication (12 digits or ""),
    end_to_end_id, bank_reference, status (``LineStatus.UNMATCHED`` / ``MATCHED`` /
    ``IGNORED``), matched_type + matched_id (what claimed it), matched_at, matched_by.
    A line is unique per (host, fingerprint), so overlapping statements import it once.

Matching
    See ``samen.banking.matching``: apps register a matcher in ``AppConfig.ready()``; a
    matcher that claims a line calls ``bank_line_mark_matched(line=line, target=obj,
    actor=...)`` in the same transaction as its own writes.

Import
    ``bank_import(*, actor, host, data: bytes, filename="") -> ImportResult``: parses CODA or
    camt.053 (detected from the content), stores new lines, runs the matchers. Importing the
    same file twice, or a line that was already imported, changes nothing. Raises
    ``BankFileError`` (from ``samen.banking.parsers``) with a user-facing message.
    Also ``python manage.py bank_import --host <slug> FILE``.

Manual work (host admins): ``bank_line_ignore``; funding's suggestion screen confirms an
unmatched line against a contribution with ``contribution_confirm_bank_line``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.audit.actions import audit_record
from samen.banking.errors import BankingError, BankingErrorCode
from samen.banking.matching import run_matchers
from samen.banking.models import HostBankAccount
from samen.banking.parsers import (
    BankFileError,
    ParsedFile,
    ParsedLine,
    ParsedStatement,
    parse_statement,
)
from samen.banking.rules import InvalidBankDetail, parse_iban, same_account
from samen.communities.access import Need, can
from samen.communities.models import Host
from samen.funding.models import BankLine, BankStatement, LineStatus

__all__ = [
    "BankFileError",
    "ImportResult",
    "bank_import",
    "bank_line_ignore",
    "bank_line_mark_matched",
    "bank_line_release",
    "host_account_ibans",
    "host_bank_account_add",
    "host_bank_account_remove",
]

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    """What an import did: the statements, and how many lines were new, held and matched."""

    statement: BankStatement
    statements: list[BankStatement] = field(default_factory=list)
    already_imported: bool = False
    new_lines: list[BankLine] = field(default_factory=list)
    matched: int = 0
    held: int = 0
    skipped_duplicates: int = 0

    @property
    def unmatched(self) -> int:
        return len(self.new_lines) - self.matched - self.held


def host_account_ibans(host: Host) -> list[str]:
    """Every account of ``host`` whose statements it may import: its IBAN and the others."""
    ibans = [host.iban] if host.iban else []
    ibans += list(HostBankAccount.objects.filter(host=host).values_list("iban", flat=True))
    return ibans


@transaction.atomic
def host_bank_account_add(*, actor: Any, host: Host, iban: str, label: str = "") -> HostBankAccount:
    """Another account of ``host`` whose statements its admins may import."""
    if not can(actor, Need.HOST_ADMIN, host):
        raise BankingError(BankingErrorCode.NOT_ALLOWED)
    try:
        number = str(parse_iban(iban))
    except InvalidBankDetail:
        raise BankingError(BankingErrorCode.IBAN_INVALID) from None
    if any(same_account(number, known) for known in host_account_ibans(host)):
        raise BankingError(BankingErrorCode.ACCOUNT_EXISTS)
    account = HostBankAccount.objects.create(host=host, iban=number, label=label.strip()[:80])
    audit_record(
        actor=actor, action="banking.account_add", target=account, host=host, data={"iban": number}
    )
    return account


@transaction.atomic
def host_bank_account_remove(*, actor: Any, host: Host, account_id: int) -> None:
    """Stop importing statements of one of the host's other accounts; what was imported
    from it stays (its lines are part of the books)."""
    if not can(actor, Need.HOST_ADMIN, host):
        raise BankingError(BankingErrorCode.NOT_ALLOWED)
    account = HostBankAccount.objects.filter(host=host, pk=account_id).first()
    if account is None:
        raise BankingError(BankingErrorCode.ACCOUNT_NOT_FOUND)
    audit_record(
        actor=actor,
        action="banking.account_remove",
        target=account,
        host=host,
        data={"iban": account.iban},
    )
    account.delete()


def _check_accounts(host: Host, parsed: ParsedFile) -> None:
    """Refuse a file with a statement of an account that is not the host's: its lines
    would otherwise mark the host's contributions and payouts paid."""
    ibans = host_account_ibans(host)
    for statement in parsed.statements:
        if not any(same_account(statement.account_iban, iban) for iban in ibans):
            raise BankFileError(
                _(
                    "This file holds a statement of account %(account)s, which is not an "
                    "account of %(host)s. Nothing was imported."
                )
                % {"account": statement.account_iban or "?", "host": host.name}
            )


def _fingerprint(statement: ParsedStatement, line: ParsedLine) -> str:
    """The line's identity: account, statement, entry and detail position, reference.

    Two real lines of one statement may share the bank's reference (CODA does this), so
    the position is part of it; the same statement imported again gives the same digests.
    """
    parts = [
        statement.account_iban,
        statement.reference,
        str(line.entry),
        str(line.detail),
        line.bank_reference,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _earlier_twin(host: Host, account: str, statement: BankStatement, line: ParsedLine) -> Any:
    """A line of another statement of the same account that looks the same, or None.

    Two lines whose bank references are both known and differ are two movements."""
    same_reference = Q(bank_reference="") | Q(bank_reference=line.bank_reference[:70])
    return (
        BankLine.objects.filter(
            same_reference if line.bank_reference else Q(),
            host=host,
            statement__account_iban=account[:34],
            booking_date=line.booking_date,
            amount=line.amount,
            currency=line.currency[:3],
            counterparty_iban=line.counterparty_iban[:34],
            communication=line.communication[:500],
        )
        .exclude(statement=statement)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def bank_import(*, actor: Any, host: Host, data: bytes, filename: str = "") -> ImportResult:
    """Import one statement file for ``host`` and match its new lines.

    Atomic: a file that fails to parse, does not add up or is not of one of the host's
    accounts writes nothing. The statement rows are locked by their unique (host, file_hash,
    sequence), so two concurrent imports of the same file make one set of statements.
    """
    file_hash = hashlib.sha256(data).hexdigest()
    existing = BankStatement.objects.filter(host=host, file_hash=file_hash).order_by("sequence")
    if existing:
        return ImportResult(statement=existing[0], statements=list(existing), already_imported=True)
    parsed = parse_statement(data)
    _check_accounts(host, parsed)
    user = actor if getattr(actor, "is_authenticated", False) else None
    statements = []
    try:
        with transaction.atomic():
            for sequence, parsed_statement in enumerate(parsed.statements):
                statements.append(
                    BankStatement.objects.create(
                        host=host,
                        format=parsed.format,
                        file_hash=file_hash,
                        sequence=sequence,
                        filename=filename[:200],
                        account_iban=parsed_statement.account_iban[:34],
                        reference=parsed_statement.reference[:120],
                        imported_by=user,
                        line_count=len(parsed_statement.lines),
                    )
                )
    except IntegrityError:
        existing = BankStatement.objects.filter(host=host, file_hash=file_hash).order_by("sequence")
        return ImportResult(statement=existing[0], statements=list(existing), already_imported=True)
    result = ImportResult(statement=statements[0], statements=statements)
    for statement, parsed_statement in zip(statements, parsed.statements, strict=True):
        new_lines = _store_lines(host, statement, parsed_statement, result)
        statement.new_line_count = len(new_lines)
        statement.save(update_fields=["new_line_count"])
        result.new_lines.extend(new_lines)
    for bank_line in result.new_lines:
        if bank_line.status == LineStatus.UNMATCHED and run_matchers(bank_line):
            result.matched += 1
    audit_record(
        actor=actor,
        action="bank.import",
        target=statements[0],
        host=host,
        data={
            "format": parsed.format,
            "statements": len(statements),
            "lines": len(parsed.lines),
            "new": len(result.new_lines),
            "held": result.held,
            "matched": result.matched,
        },
    )
    return result


def _store_lines(
    host: Host, statement: BankStatement, parsed: ParsedStatement, result: ImportResult
) -> list[BankLine]:
    fingerprints = [_fingerprint(parsed, line) for line in parsed.lines]
    known = set(
        BankLine.objects.filter(host=host, fingerprint__in=fingerprints).values_list(
            "fingerprint", flat=True
        )
    )
    new_lines = []
    for position, (line, fingerprint) in enumerate(zip(parsed.lines, fingerprints, strict=True)):
        if fingerprint in known:
            result.skipped_duplicates += 1
            continue
        known.add(fingerprint)
        twin = _earlier_twin(host, parsed.account_iban, statement, line)
        if twin is not None:
            result.held += 1
        new_lines.append(
            BankLine.objects.create(
                statement=statement,
                host=host,
                position=position,
                fingerprint=fingerprint,
                booking_date=line.booking_date,
                value_date=line.value_date,
                amount=line.amount,
                currency=line.currency[:3],
                counterparty_name=line.counterparty_name[:140],
                counterparty_iban=line.counterparty_iban[:34],
                communication=line.communication[:500],
                structured_communication=line.structured_communication,
                end_to_end_id=line.end_to_end_id[:70],
                bank_reference=line.bank_reference[:70],
                status=LineStatus.HELD if twin is not None else LineStatus.UNMATCHED,
                duplicate_of=twin,
            )
        )
    return new_lines


@transaction.atomic
def bank_line_release(*, actor: Any, line: BankLine) -> BankLine:
    """A host admin says a held line is a real movement of its own (not the earlier line it
    resembles): it becomes unmatched and is offered to the matchers."""
    updated = BankLine.objects.filter(pk=line.pk, status=LineStatus.HELD).update(
        status=LineStatus.UNMATCHED, duplicate_of=None
    )
    line.refresh_from_db()
    if updated:
        audit_record(actor=actor, action="bank.line_release", target=line, host=line.host)
        run_matchers(line)
        line.refresh_from_db()
    return line


def bank_line_mark_matched(*, line: BankLine, target: models.Model, actor: Any = None) -> BankLine:
    """Record that ``target`` (a contribution, an expense payout...) claims ``line``.

    Call inside the matcher's transaction. Refuses a line that something else has already
    claimed (ValueError), so two matchers can never both book it.
    """
    updated = BankLine.objects.filter(pk=line.pk, status=LineStatus.UNMATCHED).update(
        status=LineStatus.MATCHED,
        matched_type=ContentType.objects.get_for_model(target),
        matched_id=str(target.pk),
        matched_at=timezone.now(),
        matched_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if not updated:
        raise ValueError(f"Bank line {line.pk} is already matched or ignored.")
    line.refresh_from_db()
    return line


@transaction.atomic
def bank_line_ignore(*, actor: Any, line: BankLine, reason: str = "") -> BankLine:
    """A host admin sets an unmatched or held line aside (a bank fee, an internal transfer,
    the same movement seen in an earlier statement)."""
    BankLine.objects.filter(pk=line.pk, status__in=[LineStatus.UNMATCHED, LineStatus.HELD]).update(
        status=LineStatus.IGNORED, matched_by=actor, matched_at=timezone.now()
    )
    line.refresh_from_db()
    audit_record(
        actor=actor,
        action="bank.line_ignore",
        target=line,
        host=line.host,
        data={"reason": reason[:200]},
    )
    return line
