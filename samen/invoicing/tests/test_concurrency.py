"""Gap-free numbering and payments under real concurrency: only PostgreSQL has row locks to
prove it with."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import OperationalError, connections

from samen.invoicing.actions import LineInput, document_issue
from samen.invoicing.models import Document, DocumentKind
from samen.invoicing.tests.factories import make_host

ISSUES = 1_000
THREADS = 8


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_thousand_concurrent_issues_get_one_to_thousand(make_user, settings):
    # Rendering files is not what is measured here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    host = make_host()
    customer = make_user("klant@example.org", "Klant")
    line = [LineInput("Session", Decimal("1"), Decimal("50.00"), Decimal(21))]

    def issue_many(worker: int) -> list[int]:
        numbers = []
        try:
            for i in range(worker, ISSUES, THREADS):
                doc = document_issue(
                    actor=None,
                    host=host,
                    customer=customer,
                    kind=DocumentKind.INVOICE,
                    lines=line,
                    idempotency_key=f"concurrent-{i}",
                )
                numbers.append(doc.sequence)
        finally:
            connections.close_all()
        return numbers

    with ThreadPoolExecutor(THREADS) as pool:
        try:
            results = list(pool.map(issue_many, range(THREADS)))
        except OperationalError as exc:  # pragma: no cover - a deadlock would show here
            pytest.fail(f"concurrent issuing failed: {exc}")
    numbers = sorted(n for chunk in results for n in chunk)
    assert numbers == list(range(1, ISSUES + 1))
    stored = list(Document.objects.order_by("sequence").values_list("sequence", flat=True))
    assert stored == list(range(1, ISSUES + 1))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_pay_more_than_is_due(make_user, settings):
    from samen.invoicing.actions import document_payment_record
    from samen.invoicing.errors import InvoicingError, InvoicingErrorCode

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    host = make_host()
    customer = make_user("klant@example.org", "Klant")
    invoice = document_issue(
        actor=None,
        host=host,
        customer=customer,
        kind=DocumentKind.INVOICE,
        lines=[LineInput("Session", Decimal("1"), Decimal("50.00"), Decimal(21))],
        idempotency_key="pay-race",
    )

    def pay(_: int) -> str:
        try:
            document_payment_record(actor=None, document=invoice, amount=Decimal("40.00"))
        except InvoicingError as exc:
            return str(exc.code)
        finally:
            connections.close_all()
        return "paid"

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = sorted(pool.map(pay, range(THREADS)))
    assert outcomes == [InvoicingErrorCode.OVERPAID] * (THREADS - 1) + ["paid"]
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("40.00")
    assert invoice.payments.count() == 1
