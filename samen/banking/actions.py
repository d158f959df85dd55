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
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.banking.matching import run_matchers
from samen.banking.parsers import (
    BankFileError,
    ParsedLine,
    ParsedStatement,
    parse_statement,
)
from samen.communities.models import Host
from samen.funding.models import BankLine, BankStatement, LineStatus

__all__ = [
    "BankFileError",
    "ImportResult",
    "bank_import",
    "bank_line_ignore",
    "bank_line_mark_matched",
]

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    """What an import did: the statement, and how many lines were new and matched."""

    statement: BankStatement
    already_imported: bool = False
    new_lines: list[BankLine] = field(default_factory=list)
    matched: int = 0
    skipped_duplicates: int = 0

    @property
    def unmatched(self) -> int:
        return len(self.new_lines) - self.matched


def _fingerprint(parsed: ParsedStatement, line: ParsedLine, position: int) -> str:
    account = parsed.account_iban or "?"
    if line.bank_reference:
        return f"{account}:{line.bank_reference}"[:200]
    # Without a bank reference the statement reference and position identify the line;
    # the content is part of it so a different file cannot collide by accident.
    content = f"{line.booking_date}:{line.amount}:{line.structured_communication}"
    return f"{account}:{parsed.reference}:{position}:{content}"[:200]


@transaction.atomic
def bank_import(*, actor: Any, host: Host, data: bytes, filename: str = "") -> ImportResult:
    """Import one statement file for ``host`` and match its new lines.

    Atomic: a file that fails to parse writes nothing. The statement row is locked by its
    unique (host, file_hash), so two concurrent imports of the same file make one statement.
    """
    file_hash = hashlib.sha256(data).hexdigest()
    existing = BankStatement.objects.filter(host=host, file_hash=file_hash).first()
    if existing is not None:
        return ImportResult(statement=existing, already_imported=True)
    parsed = parse_statement(data)
    try:
        with transaction.atomic():
            statement = BankStatement.objects.create(
                host=host,
                format=parsed.format,
                file_hash=file_hash,
                filename=filename[:200],
                account_iban=parsed.account_iban[:34],
                reference=parsed.reference[:120],
                imported_by=actor if getattr(actor, "is_authenticated", False) else None,
                line_count=len(parsed.lines),
            )
    except IntegrityError:
        return ImportResult(
            statement=BankStatement.objects.get(host=host, file_hash=file_hash),
            already_imported=True,
        )
    result = ImportResult(statement=statement)
    fingerprints = [_fingerprint(parsed, line, i) for i, line in enumerate(parsed.lines)]
    known = set(
        BankLine.objects.filter(host=host, fingerprint__in=fingerprints).values_list(
            "fingerprint", flat=True
        )
    )
    for position, (line, fingerprint) in enumerate(zip(parsed.lines, fingerprints, strict=True)):
        if fingerprint in known:
            result.skipped_duplicates += 1
            continue
        known.add(fingerprint)
        result.new_lines.append(
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
            )
        )
    statement.new_line_count = len(result.new_lines)
    statement.save(update_fields=["new_line_count"])
    for bank_line in result.new_lines:
        if run_matchers(bank_line):
            result.matched += 1
    audit_record(
        actor=actor,
        action="bank.import",
        target=statement,
        host=host,
        data={
            "format": parsed.format,
            "lines": len(parsed.lines),
            "new": len(result.new_lines),
            "matched": result.matched,
        },
    )
    return result


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
    """A host admin sets an unmatched line aside (a bank fee, an internal transfer)."""
    BankLine.objects.filter(pk=line.pk, status=LineStatus.UNMATCHED).update(
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
