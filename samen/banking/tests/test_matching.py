"""The matcher registry on its own: registering, offering a line, explaining, booking by hand.

These are the direct tests of ``samen.banking.matching`` (and its mutation tests' selection,
``bench/mutation.py``): each app's matcher is tested in that app, the import in
``test_import.py``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from samen.banking import actions as bank
from samen.banking import matching
from samen.banking.matching import LineBooking, LineNote
from samen.communities.models import Host
from samen.funding.models import BankLine, BankStatement, LineStatus, StatementFormat


@dataclass
class Movement:
    """What ``line_pays`` reads of a bank line."""

    amount: int
    currency: str | None = "EUR"


@pytest.fixture
def registry() -> Iterator[None]:
    """Empty registries for one test, the apps' own put back afterwards."""
    saved = list(matching._matchers), list(matching._explainers), dict(matching._bookings)
    matching._matchers.clear()
    matching._explainers.clear()
    matching._bookings.clear()
    yield
    matching._matchers[:], matching._explainers[:] = saved[0], saved[1]
    matching._bookings.clear()
    matching._bookings.update(saved[2])


@pytest.fixture
def host(db: None) -> Host:
    return Host.objects.create(name="Brussels host", slug="brussels", iban="BE68539007547034")


@pytest.fixture
def line(host: Host) -> BankLine:
    statement = BankStatement.objects.create(
        host=host, format=StatementFormat.CAMT053, file_hash="0" * 64
    )
    return BankLine.objects.create(
        statement=statement,
        host=host,
        position=1,
        fingerprint="line-1",
        booking_date=datetime.date(2026, 11, 20),
        amount=2500,
    )


# line_pays: the one check of direction, currency and amount ------------------------------------


@pytest.mark.parametrize(
    ("movement", "incoming", "bounds", "pays"),
    [
        (Movement(2500), True, {}, True),
        (Movement(1), True, {}, True),
        (Movement(0), True, {}, False),
        (Movement(0), False, {}, False),
        (Movement(-2500), True, {}, False),
        (Movement(2500), False, {}, False),
        (Movement(-2500), False, {}, True),
        (Movement(-1), False, {}, True),
        (Movement(2500, "eur"), True, {}, True),
        (Movement(2500, "CHF"), True, {}, False),
        (Movement(-2500, "USD"), False, {}, False),
        (Movement(2500, ""), True, {}, False),
        (Movement(2500, None), True, {}, False),
        (Movement(2500), True, {"at_least": 2500}, True),
        (Movement(2499), True, {"at_least": 2500}, False),
        (Movement(-2499), False, {"at_least": 2500}, False),
        (Movement(2500), True, {"at_most": 2500}, True),
        (Movement(2501), True, {"at_most": 2500}, False),
        (Movement(-2501), False, {"at_most": 2500}, False),
        (Movement(-2500), False, {"at_least": 2500, "at_most": 2500}, True),
        (Movement(2500), True, {"at_least": 2000, "at_most": 3000}, True),
        (Movement(3001), True, {"at_least": 2000, "at_most": 3000}, False),
        (Movement(1999), True, {"at_least": 2000, "at_most": 3000}, False),
    ],
)
def test_line_pays(movement: Movement, incoming: bool, bounds: dict[str, int], pays: bool) -> None:
    at_least, at_most = bounds.get("at_least"), bounds.get("at_most")
    paid = matching.line_pays(movement, incoming=incoming, at_least=at_least, at_most=at_most)
    assert paid is pays


def test_line_pays_in_the_currency_asked_for() -> None:
    assert matching.BOOKING_CURRENCY == "EUR"
    assert matching.line_pays(Movement(2500, "chf"), incoming=True, currency="CHF")
    assert not matching.line_pays(Movement(2500, "EUR"), incoming=True, currency="CHF")


# The registries -----------------------------------------------------------------------------


def test_a_matcher_is_registered_once_and_returned(registry: None) -> None:
    def first(line: BankLine) -> bool:
        return False

    def second(line: BankLine) -> bool:
        return False

    assert matching.register_line_matcher(first) is first
    assert matching.register_line_matcher(second) is second
    assert matching.register_line_matcher(first) is first
    assert matching._matchers == [first, second]


def test_explainers_add_their_notes_per_line(registry: None) -> None:
    asked: list[Sequence[BankLine]] = []

    def invoices(lines: Sequence[BankLine]) -> dict[int, LineNote]:
        asked.append(lines)
        return {1: LineNote("Invoice 2026-0007 is already paid", "/invoices/7/"), 2: LineNote("x")}

    def credits(lines: Sequence[BankLine]) -> dict[int, LineNote]:
        asked.append(lines)
        return {1: LineNote("More than the debt")}

    assert matching.register_line_explainer(invoices) is invoices
    assert matching.register_line_explainer(credits) is credits
    assert matching.register_line_explainer(invoices) is invoices

    lines = [BankLine(pk=1), BankLine(pk=2)]
    assert matching.explain_lines(lines) == {
        1: [
            LineNote("Invoice 2026-0007 is already paid", "/invoices/7/"),
            LineNote("More than the debt", ""),
        ],
        2: [LineNote("x", "")],
    }
    assert asked == [lines, lines]


def test_no_explainer_no_notes(registry: None) -> None:
    assert matching.explain_lines([]) == {}


def _booking(key: str, choices: list[tuple[int, str]], **order: int) -> LineBooking:
    return LineBooking(
        key=key,
        label=f"Book to {key}",
        prompt=f"Choose a {key}",
        url_name=f"{key}:book_line",
        field=f"{key}_id",
        choices=lambda host: choices,
        **order,
    )


def test_bookings_in_order_with_their_choices(registry: None, host: Host) -> None:
    matching.register_line_booking(_booking("gift", [(3, "Repair café")]))
    matching.register_line_booking(_booking("debt", [(8, "Dries")], order=50))
    matching.register_line_booking(_booking("early", [(1, "First")], order=49))
    matching.register_line_booking(_booking("late", [(9, "Last")], order=51))
    matching.register_line_booking(_booking("empty", []))

    assert matching.line_bookings(host) == [
        {
            "key": key,
            "label": f"Book to {key}",
            "prompt": f"Choose a {key}",
            "url_name": f"{key}:book_line",
            "field": f"{key}_id",
            "choices": choices,
        }
        for key, choices in [
            ("early", [(1, "First")]),
            ("debt", [(8, "Dries")]),
            ("gift", [(3, "Repair café")]),
            ("late", [(9, "Last")]),
        ]
    ]


def test_a_booking_is_replaced_by_its_key(registry: None, host: Host) -> None:
    matching.register_line_booking(_booking("gift", [(3, "Repair café")]))
    matching.register_line_booking(_booking("gift", [(4, "Tool library")]))
    assert [b["choices"] for b in matching.line_bookings(host)] == [[(4, "Tool library")]]


def test_the_choices_are_asked_for_the_host(registry: None, host: Host) -> None:
    asked: list[Host] = []

    def choices(of: Host) -> list[tuple[int, str]]:
        asked.append(of)
        return [(of.pk, of.name)]

    matching.register_line_booking(
        LineBooking(key="k", label="L", prompt="P", url_name="u", field="f", choices=choices)
    )
    assert matching.line_bookings(host)[0]["choices"] == [(host.pk, "Brussels host")]
    assert asked == [host]


# run_matchers: each matcher in a savepoint, until one claims the line --------------------------


def test_no_matcher_leaves_the_line(registry: None, line: BankLine) -> None:
    assert matching.run_matchers(line) is False


def test_the_first_matcher_that_claims_the_line_ends_the_round(
    registry: None, host: Host, line: BankLine
) -> None:
    offered: list[str] = []

    def declines(line: BankLine) -> bool:
        offered.append("declines")
        return False

    def claims(line: BankLine) -> bool:
        offered.append("claims")
        bank.bank_line_mark_matched(line=line, target=host)
        return True

    def too_late(line: BankLine) -> bool:
        offered.append("too late")
        return True

    for matcher in (declines, claims, too_late):
        matching.register_line_matcher(matcher)
    assert matching.run_matchers(line) is True
    assert offered == ["declines", "claims"]
    line.refresh_from_db()
    assert line.status == LineStatus.MATCHED
    assert line.matched_id == str(host.pk)


def test_a_failing_matcher_is_rolled_back_and_logged(
    registry: None, host: Host, line: BankLine, caplog: pytest.LogCaptureFixture
) -> None:
    def books_then_fails(line: BankLine) -> bool:
        bank.bank_line_mark_matched(line=line, target=host)
        raise RuntimeError("a bug after the booking")

    seen: list[str] = []

    def sees_the_line_unmatched(line: BankLine) -> bool:
        seen.append(line.status)
        return False

    matching.register_line_matcher(books_then_fails)
    matching.register_line_matcher(sees_the_line_unmatched)
    with caplog.at_level(logging.ERROR, logger="samen.banking.matching"):
        assert matching.run_matchers(line) is False

    # The failed matcher's booking is undone, in the database and on the line handed on.
    assert seen == [LineStatus.UNMATCHED]
    assert line.status == LineStatus.UNMATCHED
    assert BankLine.objects.get(pk=line.pk).status == LineStatus.UNMATCHED
    (record,) = caplog.records
    assert record.name == "samen.banking.matching"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert record.getMessage() == (
        f"Bank line matcher {books_then_fails!r} failed on line {line.pk}"
    )
