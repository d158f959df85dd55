"""The matcher registry: how funding, expenses, invoicing and credits claim bank lines.

One small interface. A matcher is ``fn(line: BankLine) -> bool``: it answers "is this line
mine?" and, when it is, books it (marks the contribution, expense, invoice or settlement
paid and calls ``samen.banking.actions.bank_line_mark_matched``) in the same transaction,
then returns True. Apps register their matcher in ``AppConfig.ready()``; after an import
every new unmatched line is offered to the matchers in registration order, each inside a
savepoint, until one claims it. Matchers never compare currency or amounts on their own:
they call :func:`line_pays`, so every app applies the same rule.

An app that recognises a line but will not claim it (an invoice already paid, more than
was due) registers an explainer, ``fn(lines) -> {line id: LineNote}``, whose notes the host
dashboard shows next to the line.

A line no matcher claims can be booked by hand in one step: an app registers a
``LineBooking`` (a choice such as the collective a gift goes to, or the member in debt a
transfer settles, and the URL that books it through the app's own action), and the host's
bank page offers every booking next to each incoming line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from samen.communities.models import Host
    from samen.funding.models import BankLine

logger = logging.getLogger(__name__)

#: The only currency Samen books from bank lines: every unit with a euro value is settled
#: in euros, and a line in another currency is left for a host admin.
BOOKING_CURRENCY = "EUR"

LineMatcher = Callable[["BankLine"], bool]
_matchers: list[LineMatcher] = []


def register_line_matcher(fn: LineMatcher) -> LineMatcher:
    """Add ``fn`` to the matchers run on new lines; usable as a decorator; idempotent."""
    if fn not in _matchers:
        _matchers.append(fn)
    return fn


@dataclass(frozen=True)
class LineNote:
    """Why an app did not claim a line it recognised, with a link to what it names."""

    text: str
    url: str = ""


LineExplainer = Callable[[Sequence["BankLine"]], dict[int, LineNote]]
_explainers: list[LineExplainer] = []


def register_line_explainer(fn: LineExplainer) -> LineExplainer:
    """Add ``fn`` to the explainers of unmatched lines; usable as a decorator; idempotent."""
    if fn not in _explainers:
        _explainers.append(fn)
    return fn


def explain_lines(lines: Sequence[BankLine]) -> dict[int, list[LineNote]]:
    """The notes of every registered explainer, per line id."""
    notes: dict[int, list[LineNote]] = {}
    for explainer in _explainers:
        for line_id, note in explainer(lines).items():
            notes.setdefault(line_id, []).append(note)
    return notes


@dataclass(frozen=True)
class LineBooking:
    """One way to book an unmatched incoming line by hand, in one step.

    ``choices(host)`` lists what the line can be booked to, as (id, label); the bank page
    shows them in a select named ``field`` whose first option is ``prompt``, and posts it
    with a ``label`` button to ``url_name`` (reversed with the host's slug and the line's
    id). The view behind it calls the app's action, which locks the line and books it once.
    """

    key: str
    label: Any
    prompt: Any
    url_name: str
    field: str
    choices: Callable[[Host], list[tuple[int, str]]]
    order: int = 50


_bookings: dict[str, LineBooking] = {}


def register_line_booking(booking: LineBooking) -> None:
    """Add (or replace, by key) a way to book a line by hand."""
    _bookings[booking.key] = booking


def line_bookings(host: Host) -> list[dict[str, Any]]:
    """The bookings open to ``host``'s lines now, in order, each with its choices (the
    ones without any choice left out). A few queries per booking, whatever the lines."""
    found = []
    for booking in sorted(_bookings.values(), key=lambda b: (b.order, b.key)):
        choices = booking.choices(host)
        if choices:
            found.append(
                {
                    "key": booking.key,
                    "label": booking.label,
                    "prompt": booking.prompt,
                    "url_name": booking.url_name,
                    "field": booking.field,
                    "choices": choices,
                }
            )
    return found


def line_pays(
    line: Any,
    *,
    incoming: bool,
    at_least: int | None = None,
    at_most: int | None = None,
    currency: str = BOOKING_CURRENCY,
) -> bool:
    """Whether ``line`` moves money the way a matcher expects: the one check of direction,
    currency and amount for every app.

    ``incoming`` says whether the line must bring money in (positive) or take it out
    (negative); ``at_least`` and ``at_most`` bound its size in cents (the absolute amount).
    A line in another currency never pays, whatever its amount: 100 CHF is not 100 EUR.
    """
    # A line without a currency never pays: no currency code is "" (nor mutmut's "XXXX").
    line_currency = line.currency or ""  # pragma: no mutate
    if line_currency.upper() != currency:
        return False
    amount = line.amount if incoming else -line.amount
    if amount <= 0:
        return False
    if at_least is not None and amount < at_least:
        return False
    return at_most is None or amount <= at_most


def run_matchers(line: BankLine) -> bool:
    """Offer ``line`` to each matcher until one claims it; a failing matcher is logged."""
    for matcher in _matchers:
        try:
            with transaction.atomic():
                if matcher(line):
                    return True
        except Exception:
            # One odd line must not block a whole statement; it stays in the unmatched list.
            logger.exception("Bank line matcher %r failed on line %s", matcher, line.pk)
            line.refresh_from_db()
    return False
