"""Settlements racing each other for the same debt: only PostgreSQL has the row locks to
prove that they never restore more than the debt."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from samen.credits.actions import settlement_record, wallet
from samen.credits.errors import CreditsError
from samen.credits.models import Settlement
from samen.credits.tests.factories import chloe_owes_one_and_a_half, make_scheme
from samen.invoicing.models import Document, DocumentPayment
from samen.ledger.queries import balance

THREADS = 8


def _race(community, scheme, cents: int) -> list[str]:
    def book(_: int) -> str:
        try:
            settlement_record(
                actor=community.anna,
                scheme=scheme,
                member=community.chloe,
                amount=cents,
                paid_on=timezone.localdate(),
            )
        except CreditsError as exc:
            return str(exc.code)
        finally:
            connections.close_all()
        return "booked"

    with ThreadPoolExecutor(THREADS) as pool:
        return sorted(pool.map(book, range(THREADS)))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("cents", "booked", "left"),
    [
        # The whole debt eight times at once: one books it, the others find no debt.
        (9075, 1, 0),
        # €20.00 buys 0.330 SIF, or 0.331 with the cents carried: four fit in €90.75,
        # a fifth would be more than the €10.75 still due.
        (2000, 4, -1500 + 330 + 331 + 330 + 331),
    ],
)
def test_concurrent_settlements_never_restore_more_than_the_debt(
    community, settings, cents, booked, left
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)

    outcomes = _race(community, scheme, cents)

    assert outcomes.count("booked") == booked
    assert set(outcomes) - {"booked"} <= {"no_debt", "more_than_debt"}
    assert balance(wallet(scheme, community.chloe)) == left
    assert Settlement.objects.count() == booked
    paid = sum(DocumentPayment.objects.values_list("amount", flat=True), Decimal("0.00"))
    assert paid == Decimal(cents * booked).scaleb(-2)
    for invoice in Document.objects.filter(customer=community.chloe):
        assert invoice.amount_paid <= invoice.gross_total
    call_command("ledger_verify")
