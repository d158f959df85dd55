from __future__ import annotations

from decimal import Decimal
from importlib import import_module

import pytest

from samen.core.demo import SEED_ORDER
from samen.credits.demo import HOST_SLUG
from samen.credits.models import CreditScheme, Delivery, DeliveryStatus, Settlement
from samen.invoicing.models import Document, Statement

pytestmark = pytest.mark.django_db


def _seed_all():
    # Only what the credits demo builds on, in seed_demo's order.
    for app in [a for a in SEED_ORDER if a in {"accounts", "communities", "credits", "invoicing"}]:
        import_module(f"samen.{app}.demo").seed()


def test_demo_has_a_sif_worth_50_with_three_months_of_activity_and_is_idempotent():
    _seed_all()
    scheme = CreditScheme.objects.select_related("unit").get(host__slug=HOST_SLUG)
    assert (scheme.unit.code, scheme.unit.euro_value) == ("SIF", 50)
    confirmed = Delivery.objects.filter(scheme=scheme, status=DeliveryStatus.CONFIRMED)
    months = {
        day.replace(day=1)
        for day in confirmed.values_list("transaction__effective_date", flat=True)
    }
    assert len(months) >= 3
    counts = (
        Delivery.objects.count(),
        Document.objects.count(),
        Statement.objects.count(),
        Settlement.objects.count(),
    )
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 1
    assert Statement.objects.exists()
    _every_statement_owes_what_its_balance_says()
    settled = Settlement.objects.get()
    assert (settled.member.email, settled.amount, settled.credits) == (
        "dries@samen.test",
        3025,
        500,
    )
    _seed_all()
    assert (
        Delivery.objects.count(),
        Document.objects.count(),
        Statement.objects.count(),
        Settlement.objects.count(),
    ) == counts


def test_demo_requests_match_the_debtors_and_one_is_answered():
    from samen.accounts.demo import person
    from samen.credits.models import HelpRequest, RequestStatus
    from samen.credits.queries import imbalances

    _seed_all()
    scheme = CreditScheme.objects.select_related("unit", "host").get(host__slug=HOST_SLUG)
    anna = person("anna@samen.test")
    matches = {row["user"].email: row["matches"]["count"] for row in imbalances(scheme, anna)}
    assert matches["bram@samen.test"] >= 1
    assert matches["hanne@samen.test"] >= 1
    assert HelpRequest.objects.filter(status=RequestStatus.OPEN).count() >= 3
    answered = HelpRequest.objects.get(status=RequestStatus.ANSWERED)
    assert answered.answered_by is not None
    assert answered.answered_by.status == DeliveryStatus.CONFIRMED
    counts = (HelpRequest.objects.count(), Delivery.objects.count())
    _seed_all()
    assert (HelpRequest.objects.count(), Delivery.objects.count()) == counts


def _every_statement_owes_what_its_balance_says() -> None:
    """Every demo member's documents carry 21 % VAT, so each statement's net position in
    euros is its closing balance at €60.50 a SIF: Chloé, even at 0, owes nothing."""
    statements = Statement.objects.filter(host__slug=HOST_SLUG).select_related("user")
    for statement in statements:
        expected = -Decimal(statement.closing) * Decimal("0.0605")
        assert Decimal(statement.data["net_position"]["net"]) == expected, statement
    chloe = statements.filter(user__email="chloe@samen.test")
    assert [s.data["net_position"]["net"] for s in chloe.order_by("month")][-1] == "0.00"
    assert all(s.data["open_invoices"] == [] for s in chloe if s.closing >= 0)
