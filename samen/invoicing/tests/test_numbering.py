"""Gap-free numbering when an issue fails after its number is taken.

The tests call ``document_issue`` without a transaction of their own around it, so the only
thing that can undo a number taken by a failed issue is ``document_issue``'s own transaction
(a savepoint inside pytest-django's test transaction). Remove its ``@transaction.atomic`` and
the counter keeps the failed number: the next document leaves a gap, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from samen.invoicing import actions
from samen.invoicing.actions import format_number
from samen.invoicing.models import Document, DocumentKind, NumberCounter
from samen.invoicing.tests.factories import issue, make_host

pytestmark = pytest.mark.django_db


class AfterNumbering(Exception):
    """Raised inside ``document_issue`` once the number is taken and the document written."""


@pytest.fixture
def fail_after_numbering(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Make the next issues fail at their last write (the audit row) while the switch is on."""
    switch = [False]
    real_audit = actions.audit_record

    def audit_or_fail(**kwargs: Any) -> Any:
        if switch[0]:
            raise AfterNumbering
        return real_audit(**kwargs)

    monkeypatch.setattr(actions, "audit_record", audit_or_fail)
    return switch


def test_failure_after_the_number_is_taken_leaves_no_gap(anna, fail_after_numbering):
    host = make_host()
    assert issue(host, anna).sequence == 1
    fail_after_numbering[0] = True
    with pytest.raises(AfterNumbering):
        issue(host, anna)
    fail_after_numbering[0] = False
    # Nothing of the failed issue is left: no document, and the counter did not move.
    assert Document.objects.count() == 1
    assert NumberCounter.objects.get(host=host).last == 1
    follower = issue(host, anna)
    assert (follower.sequence, follower.number) == (2, f"INV-{follower.year}-000002")


@pytest.mark.parametrize("seed", [11, 2026, 7919])
def test_series_stay_contiguous_across_random_years_kinds_and_failures(
    anna, bram, fail_after_numbering, seed
):
    rng = random.Random(seed)
    hosts = [make_host(), make_host("andere", name="Ander netwerk")]
    customers = [anna, bram]
    years = [2024, 2025, 2026, 2027]
    kinds = [DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE]
    issued: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    failures = 0
    for _ in range(40):
        host = rng.choice(hosts)
        kind = rng.choice(kinds)
        year = rng.choice(years)
        on = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        fail_after_numbering[0] = rng.random() < 0.3
        lines = [
            actions.LineInput("Werk", Decimal(rng.randint(1, 3)), Decimal("12.50"), Decimal(21))
        ]
        if fail_after_numbering[0]:
            failures += 1
            with pytest.raises(AfterNumbering):
                issue(host, rng.choice(customers), kind=kind, lines=lines, issue_date=on)
            continue
        document = issue(host, rng.choice(customers), kind=kind, lines=lines, issue_date=on)
        assert document.year == year
        issued[(host.pk, kind, year)].append(document.sequence)
    fail_after_numbering[0] = False
    assert failures > 0, "the seed must exercise at least one failure"
    assert len(issued) > 4, "the seed must spread over several series"
    stored: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for document in Document.objects.order_by("host_id", "kind", "year", "sequence"):
        assert document.number == format_number(document.kind, document.year, document.sequence)
        stored[(document.host_id, document.kind, document.year)].append(document.sequence)
    assert stored == issued
    for (host_id, series_kind, series_year), sequences in stored.items():
        # Each series is 1..n in the order of issue, and its counter stops at n.
        assert sequences == list(range(1, len(sequences) + 1))
        counter = NumberCounter.objects.get(host_id=host_id, kind=series_kind, year=series_year)
        assert counter.last == len(sequences)
    assert not NumberCounter.objects.exclude(last__gt=0).exists()
