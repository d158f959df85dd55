"""Prices: free, euros through the contribution flow (refunded when the organisers cancel),
or a line of the host's rate card in credits, checked against the member's credit limit at
registration and booked through the credits app at check-in (delivery, ledger, invoice)."""

from __future__ import annotations

from typing import Any

import pytest

from samen.credits.actions import wallet
from samen.credits.models import Delivery, DeliveryStatus
from samen.credits.tests.factories import make_scheme
from samen.events import actions
from samen.events.errors import EventError
from samen.events.models import Event, EventKind, PriceKind, Registration
from samen.events.tests.conftest import make_event, next_week
from samen.funding.actions import contribution_mark_paid
from samen.funding.models import ContributionStatus, Method
from samen.invoicing.models import Document, DocumentKind
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db


def _code(refused: Any) -> str:
    return str(refused.value.code)


def test_credit_prices_come_from_the_rate_card_and_fit_the_kind(community: Any) -> None:
    c = community
    make_scheme(c)
    workshop = make_event(c, price_kind=PriceKind.CREDITS, credit_service="workshop")
    bootcamp = make_event(
        c, kind=EventKind.BOOTCAMP, price_kind="credits", credit_service="bootcamp"
    )
    assert workshop.credit_unit is not None
    assert (workshop.price_credits, workshop.credit_unit.code) == (500, "SIF")
    assert bootcamp.price_credits == 3000
    before = Event.objects.count()
    for kind, code in (
        (EventKind.WORKSHOP, "session"),  # a peer service for a workshop
        (EventKind.PEER_SESSION, "workshop"),  # a network service for a peer session
        (EventKind.WORKSHOP, "no-such-line"),
        (EventKind.WORKSHOP, "article"),  # earns, does not cost
    ):
        with pytest.raises(EventError) as refused:
            make_event(c, kind=kind, price_kind="credits", credit_service=code)
        assert (_code(refused), refused.value.field) == ("credit_service", "credit_service")
    assert Event.objects.count() == before


def test_no_credit_price_without_a_scheme_nor_euros_outside_a_collective(community: Any) -> None:
    c = community
    with pytest.raises(EventError) as refused:
        make_event(c, price_kind="credits", credit_service="workshop")
    assert _code(refused) == "no_credits"
    with pytest.raises(EventError) as refused:
        actions.event_create(
            actor=c.anna, owner=c.host, kind="meetup", title="Host dinner", place="Hall",
            starts_at=next_week(), ends_at=next_week(21),
            price_kind="euros", price_cents=1500,
        )  # fmt: skip
    assert _code(refused) == "price_euros_hosted"
    for cents in (0, None, -5):
        with pytest.raises(EventError) as refused:
            make_event(c, price_kind="euros", price_cents=cents)
        assert (_code(refused), refused.value.field) == ("price_invalid", "price_euros")
    assert not Event.objects.exists()


def test_a_credit_price_over_the_limit_is_refused_and_changes_nothing(community: Any) -> None:
    c = community
    make_scheme(c, limit=1000)  # 1 SIF of credit
    bootcamp = make_event(
        c, kind=EventKind.BOOTCAMP, price_kind="credits", credit_service="bootcamp"
    )
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=bootcamp.occurrences.get())
    assert (_code(refused), refused.value.status, refused.value.field) == (
        "over_limit", 409, "price"
    )  # fmt: skip
    assert "3,000 SIF" in refused.value.message or "3.000 SIF" in refused.value.message
    assert not Registration.objects.exists()
    # Two workshops of 0.5 fit; a third would need more than the limit leaves.
    first, second, third = (
        make_event(c, price_kind="credits", credit_service="workshop", title=f"W{n}")
        for n in range(3)
    )
    actions.occurrence_register(actor=c.chloe, occurrence=first.occurrences.get())
    actions.occurrence_register(actor=c.chloe, occurrence=second.occurrences.get())
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.chloe, occurrence=third.occurrences.get())
    assert _code(refused) == "over_limit"
    assert Registration.objects.count() == 2
    # Someone outside the host takes no part in its credits.
    with pytest.raises(EventError) as refused:
        actions.occurrence_register(actor=c.eva, occurrence=third.occurrences.get())
    assert _code(refused) == "not_credit_member"


def test_a_workshop_in_credits_is_booked_at_check_in_with_its_invoice(community: Any) -> None:
    c = community
    scheme = make_scheme(c)
    workshop = make_event(c, price_kind="credits", credit_service="workshop")
    row = actions.occurrence_register(actor=c.chloe, occurrence=workshop.occurrences.get())
    assert not Delivery.objects.exists()  # nothing booked for registering
    actions.registration_check_in(actor=c.bram, registration=row)
    actions.registration_check_in(actor=c.bram, registration=row)  # idempotent
    delivery = Delivery.objects.get()
    assert (delivery.recipient, delivery.provider, delivery.credits) == (c.chloe, None, 500)
    assert delivery.status == DeliveryStatus.CONFIRMED
    assert Registration.objects.get().delivery == delivery
    assert balance(wallet(scheme, c.chloe)) == -500
    assert Document.objects.filter(customer=c.chloe, kind=DocumentKind.INVOICE).count() == 1


def test_a_peer_session_books_the_coachs_earning_and_the_attendees_spending(
    community: Any,
) -> None:
    c = community
    scheme = make_scheme(c)
    session = make_event(c, kind=EventKind.PEER_SESSION, price_kind="credits",
                         credit_service="session", capacity=1)  # fmt: skip
    assert session.coach == c.bram
    row = actions.occurrence_register(actor=c.chloe, occurrence=session.occurrences.get())
    actions.registration_check_in(actor=c.bram, registration=row)
    delivery = Delivery.objects.get()
    assert (delivery.provider, delivery.recipient, delivery.credits) == (c.bram, c.chloe, 1000)
    assert balance(wallet(scheme, c.bram)) == 1000
    assert balance(wallet(scheme, c.chloe)) == -1000
    kinds = set(Document.objects.values_list("customer__email", "kind"))
    assert kinds == {
        (c.bram.email, DocumentKind.CREDIT_NOTE), (c.chloe.email, DocumentKind.INVOICE)
    }  # fmt: skip


def test_a_euro_price_is_a_contribution_refunded_when_the_organisers_cancel(
    community: Any,
) -> None:
    c = community
    meetup = make_event(c, kind=EventKind.MEETUP, price_kind="euros", price_cents=1250)
    slot = meetup.occurrences.get()
    paid_row = actions.occurrence_register(actor=c.chloe, occurrence=slot)
    pending_row = actions.occurrence_register(actor=c.dries, occurrence=slot)
    paid, pending = paid_row.contribution, pending_row.contribution
    assert paid is not None
    assert pending is not None
    assert (paid.amount, paid.method, paid.collective) == (1250, Method.BANK_TRANSFER, c.collective)
    assert paid.structured_communication  # the Belgian +++…+++ reference
    contribution_mark_paid(actor=None, contribution=paid)
    actions.event_cancel(actor=c.bram, event=meetup, reason="The hall flooded")
    paid.refresh_from_db()
    pending.refresh_from_db()
    assert paid.status == ContributionStatus.REFUNDED
    assert pending.status == ContributionStatus.CANCELLED


def test_withdrawing_withdraws_the_unpaid_contribution(community: Any) -> None:
    c = community
    meetup = make_event(c, kind=EventKind.MEETUP, price_kind="euros", price_cents=500)
    row = actions.occurrence_register(actor=c.chloe, occurrence=meetup.occurrences.get())
    actions.registration_cancel(actor=c.chloe, registration=row)
    assert row.contribution is not None
    row.contribution.refresh_from_db()
    assert row.contribution.status == ContributionStatus.CANCELLED
