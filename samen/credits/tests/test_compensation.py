"""Services repay invoices: what members see once their documents are set off.

Chloé gives one session and receives one: both documents are settled by compensation and
she owes nothing; a random walk of sessions, workshops, articles, settlements and bank
payments keeps the net position equal to the open documents, never sets a euro off twice,
and leaves a member with an even balance (documents of one VAT treatment) owing nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samen.banking import actions as bank
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.communities import actions as communities
from samen.communities.models import HostRole
from samen.credits.actions import (
    delivery_confirm,
    delivery_record,
    settled_by,
    settlement_due,
    wallet,
)
from samen.credits.actions.settlements import Settled
from samen.credits.tests.factories import make_scheme
from samen.invoicing.actions import (
    LineInput,
    billing_profile_save,
    document_issue,
    settlement_communication,
    statements_run,
)
from samen.invoicing.compensation import compensable, net_position
from samen.invoicing.models import (
    Document,
    DocumentKind,
    DocumentPayment,
    DocumentStatus,
    PaymentMethod,
    PaymentState,
    Statement,
)
from samen.ledger.queries import balance
from samen.lib.money import to_decimal

pytestmark = pytest.mark.django_db

ONE_CREDIT = Decimal("60.50")  # €50 + 21 % VAT


def _session(scheme: Any, giver: Any, receiver: Any, on: dt.date | None = None) -> Any:
    delivery = delivery_record(
        actor=giver,
        scheme=scheme,
        service_code="session",
        on=on or timezone.localdate(),
        member=receiver,
    )
    return delivery_confirm(actor=receiver, delivery=delivery)


def _network(scheme: Any, community: Any, member: Any, code: str) -> Any:
    delivery = delivery_record(
        actor=member, scheme=scheme, service_code=code, on=timezone.localdate()
    )
    return delivery_confirm(actor=community.anna, delivery=delivery)


def test_chloe_gives_one_session_and_receives_one_and_owes_nothing(community, client):
    scheme = make_scheme(community)
    bram, chloe = community.bram, community.chloe
    _session(scheme, chloe, bram)
    _session(scheme, bram, chloe)

    documents = Document.objects.filter(customer=chloe)
    assert sorted(d.kind for d in documents) == [DocumentKind.CREDIT_NOTE, DocumentKind.INVOICE]
    for document in documents:
        assert document.payment_state == PaymentState.COMPENSATED
        payment = document.payments.get()
        assert (payment.method, payment.amount) == (PaymentMethod.COMPENSATION, ONE_CREDIT)
        assert payment.offsets == documents.exclude(pk=document.pk).get()
        # Set off when Chloé confirmed the session she received: the set-off is hers.
        assert payment.recorded_by == chloe
    assert balance(wallet(scheme, chloe)) == 0
    assert net_position(community.host, chloe).amount == 0

    client.force_login(chloe)
    credits_page = client.get(reverse("credits:home", args=[community.host.slug]))
    assert "You owe nothing and are owed nothing." in credits_page.content.decode()
    invoices_page = client.get(reverse("invoicing:mine")).content.decode()
    assert "You owe nothing and are owed nothing." in invoices_page
    assert invoices_page.count("settled by compensation") == 2
    api = client.get(f"/api/v1/credits/{community.host.slug}/balance").json()
    assert api["net_position"]["net"] == "0.00"

    statements_run(host=community.host, month=timezone.localdate())
    statement = Statement.objects.get(user=chloe)
    assert statement.data["open_invoices"] == []
    assert statement.data["net_position"]["net"] == "0.00"
    page = client.get(reverse("invoicing:statement", args=[statement.pk])).content.decode()
    assert "You owe nothing and are owed nothing." in page


def test_what_is_left_is_owed_and_shown_with_the_rest_due(community, client):
    scheme = make_scheme(community)
    bram, chloe = community.bram, community.chloe
    _session(scheme, chloe, bram)  # Chloé earns 1: credit note €60.50
    _session(scheme, bram, chloe)  # she receives 1: invoice €60.50, set off
    _network(scheme, community, chloe, "workshop")  # she spends 0.5: €30.25 open

    assert net_position(community.host, chloe).amount == Decimal("30.25")
    client.force_login(chloe)
    page = client.get(reverse("credits:home", args=[community.host.slug])).content.decode()
    assert "You owe €30.25." in page
    api = client.get(f"/api/v1/credits/{community.host.slug}/balance").json()
    assert api["net_position"] == {
        "net": "30.25",
        "open_invoices": "30.25",
        "open_credit_notes": "0.00",
        "vat_not_offset": "0.00",
    }
    _session(scheme, chloe, bram)  # earns 1 more: €60.50 less the €30.25 still due
    position = net_position(community.host, chloe)
    assert (position.amount, position.owed) == (Decimal("-30.25"), Decimal("30.25"))
    note = Document.objects.filter(customer=chloe, kind=DocumentKind.CREDIT_NOTE).latest("pk")
    assert (note.payment_state, note.amount_due) == (PaymentState.PARTLY_PAID, Decimal("30.25"))
    page = client.get(reverse("credits:home", args=[community.host.slug])).content.decode()
    assert "The network owes you €30.25." in page
    detail = client.get(reverse("invoicing:document", args=[note.pk])).content.decode()
    assert "compensation" in detail
    invoice = Document.objects.filter(customer=chloe, kind=DocumentKind.INVOICE).latest("pk")
    assert invoice.number in detail


def test_the_statement_run_sets_off_what_a_confirmation_left(community):
    """Documents issued without a confirmation (an import, an older release) are set off
    by the month's run before the statements are made."""
    scheme = make_scheme(community)
    chloe = community.chloe
    _session(scheme, community.bram, chloe)
    line = [LineInput("Imported session", Decimal("1"), Decimal("50.00"), Decimal(21))]
    document_issue(
        actor=None,
        host=community.host,
        customer=chloe,
        kind=DocumentKind.CREDIT_NOTE,
        lines=line,
        idempotency_key="import-1",
    )
    assert net_position(community.host, chloe).open_invoices == ONE_CREDIT

    statements_run(host=community.host, month=timezone.localdate())

    assert not compensable(community.host.pk, [chloe.pk]).exists()
    statement = Statement.objects.get(user=chloe)
    assert statement.data["net_position"]["net"] == "0.00"
    assert statement.data["open_invoices"] == statement.data["open_credit_notes"] == []


# The random walk ---------------------------------------------------------------------------

MEMBERS = 3
step = st.one_of(
    st.tuples(st.just("session"), st.integers(0, MEMBERS - 1), st.integers(1, MEMBERS - 1)),
    st.tuples(st.just("workshop"), st.integers(0, MEMBERS - 1), st.just(0)),
    st.tuples(st.just("article"), st.integers(0, MEMBERS - 1), st.just(0)),
    st.tuples(st.just("settle"), st.integers(0, MEMBERS - 1), st.just(0)),
    st.tuples(st.just("pay_invoice"), st.integers(0, MEMBERS - 1), st.just(0)),
    st.tuples(st.just("statements"), st.just(0), st.just(0)),
)
_references = count(1)


def _bank(community: Any, cents: int, communication: str) -> None:
    n = next(_references)
    line = Line(
        cents,
        "Member",
        "BE71096123456769",
        structured=communication,
        reference=f"WALK-{n}",
        booked=timezone.localdate(),
    )
    data = camt053_file([line], statement_id=f"WALK-{n}", day=timezone.localdate())
    bank.bank_import(actor=community.anna, host=community.host, data=data)


def _play(community: Any, scheme: Any, people: list[Any], move: tuple[str, int, int]) -> None:
    kind, a, b = move
    member = people[a]
    if kind == "session":
        _session(scheme, member, people[(a + b) % MEMBERS])
    elif kind in ("workshop", "article"):
        _network(scheme, community, member, kind)
    elif kind == "settle":
        debt = -balance(wallet(scheme, member))
        open_due = sum(
            (d.amount_due for d in compensable(community.host.pk, [member.pk])),
            Decimal("0.00"),
        )
        if debt > 0 and open_due > 0:
            due = settlement_due(
                scheme.unit, debt, settled_by(scheme, [member.pk]).get(member.pk, Settled())
            )
            cents = int(min(due, open_due) * 100)
            _bank(community, cents, settlement_communication(member.pk))
    elif kind == "pay_invoice":
        invoice = (
            compensable(community.host.pk, [member.pk])
            .filter(kind=DocumentKind.INVOICE)
            .order_by("pk")
            .first()
        )
        if invoice is not None:
            _bank(community, int(invoice.amount_due * 100), invoice.structured_communication)
    else:
        statements_run(host=community.host, month=timezone.localdate())


def _vat_treatments(member: Any, host: Any) -> set[tuple[str, Decimal]]:
    rows = Document.objects.filter(customer=member, host=host).values_list(
        "vat_rows__category", "vat_rows__rate"
    )
    return set(rows)


def _check(community: Any, scheme: Any, people: list[Any], direct_payers: set[int]) -> None:
    host = community.host
    private = people[2]
    for member in people:
        documents = list(Document.objects.filter(host=host, customer=member))
        open_due: dict[str, Decimal] = defaultdict(Decimal)
        for document in documents:
            payments = list(document.payments.all())
            # Payments add up, and nothing is paid or set off beyond the document's total.
            assert document.amount_paid == sum((p.amount for p in payments), Decimal("0.00"))
            assert document.amount_compensated == sum(
                (p.amount for p in payments if p.method == PaymentMethod.COMPENSATION),
                Decimal("0.00"),
            )
            assert document.amount_paid <= document.gross_total
            if document.status == DocumentStatus.OPEN and not (
                document.kind == DocumentKind.CREDIT_NOTE and document.corrects_id
            ):
                open_due[document.kind] += document.amount_due
        # The net position is the sum of the open documents, and the set-off is complete.
        position = net_position(host, member)
        assert (
            position.amount == open_due[DocumentKind.INVOICE] - open_due[DocumentKind.CREDIT_NOTE]
        )
        assert not (open_due[DocumentKind.INVOICE] and open_due[DocumentKind.CREDIT_NOTE])
        # Each set-off is two equal payments naming each other: no euro set off twice.
        pairs: dict[tuple[int | None, int | None], list[Decimal]] = defaultdict(list)
        for payment in DocumentPayment.objects.filter(
            document__customer=member, method=PaymentMethod.COMPENSATION
        ):
            pairs[(payment.document_id, payment.offsets_id)].append(payment.amount)
        for (one, other), amounts in pairs.items():
            assert sorted(pairs[(other, one)]) == sorted(amounts)
        # Credits and euros agree for a member whose documents carry one VAT treatment and
        # who paid only for credits (settlements), never an invoice on its own.
        credits = balance(wallet(scheme, member))
        # (Their credits are worth the unit's euro value with VAT: the private provider's
        # are checked below.)
        treatments = _vat_treatments(member, host)
        if member.pk not in direct_payers and member.pk != private.pk and len(treatments) <= 1:
            assert position.amount == -to_decimal(credits, 3) * ONE_CREDIT
            if credits == 0:
                assert position.amount == 0
        # A private provider (Dries) charges no VAT: his net position differs from his
        # credits by exactly the VAT his credit notes would have carried, which is what
        # he still owes on the invoices he received when his balance is even.
        if member.pk == private.pk and member.pk not in direct_payers:
            earned = Document.objects.filter(
                host=host, customer=member, kind=DocumentKind.CREDIT_NOTE, corrects=None
            ).aggregate(total=Sum("gross_total"))["total"] or Decimal("0.00")
            vat_not_charged = earned * Decimal("0.21")
            assert position.amount == -to_decimal(credits, 3) * ONE_CREDIT + vat_not_charged
            assert 0 <= position.vat_not_offset <= max(position.amount, Decimal("0.00"))
            if credits == 0:
                assert position.amount == position.vat_not_offset == vat_not_charged


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moves=st.lists(step, min_size=1, max_size=10))
def test_random_walks_keep_credits_and_euros_in_step(community, moves):
    with transaction.atomic():
        scheme = make_scheme(community, limit=10_000)
        communities.member_add(
            actor=community.anna, owner=community.host, user=community.dries, role=HostRole.MEMBER
        )
        people = [community.bram, community.chloe, community.dries]
        billing_profile_save(
            actor=community.anna, host=community.host, user=community.dries, vat_status="private"
        )
        direct_payers: set[int] = set()
        for move in moves:
            before = DocumentPayment.objects.filter(method=PaymentMethod.BANK).count()
            _play(community, scheme, people, move)
            if DocumentPayment.objects.filter(method=PaymentMethod.BANK).count() > before:
                direct_payers.add(people[move[1]].pk)
            _check(community, scheme, people, direct_payers)
        total = DocumentPayment.objects.filter(method=PaymentMethod.COMPENSATION).aggregate(
            invoices=Sum("amount", filter=Q(document__kind=DocumentKind.INVOICE)),
            notes=Sum("amount", filter=Q(document__kind=DocumentKind.CREDIT_NOTE)),
        )
        assert total["invoices"] == total["notes"]
        transaction.set_rollback(True)


def test_a_compensation_locks_the_members_wallet_before_reading_their_documents(
    community, monkeypatch
):
    """Every change of a member's credits and every settlement takes their wallet's row
    lock: a compensation takes it first, for that member of that scheme, so it never runs
    beside another one for the same member (SQLite serialises writers anyway, so the order
    of the calls is what this test can see; the race itself is the PostgreSQL tests')."""
    from samen.credits.actions import compensation

    scheme = make_scheme(community)
    chloe = community.chloe
    _session(scheme, chloe, community.bram)
    calls: list[tuple[str, Any]] = []
    lock, compensate = compensation.lock_wallets, compensation.documents_compensate

    def spy_lock(accounts: Any) -> None:
        calls.append(("lock", sorted(a.pk for a in accounts)))
        lock(accounts)

    def spy_compensate(**kwargs: Any) -> Decimal:
        calls.append(("compensate", (kwargs["host"], kwargs["customer"])))
        return compensate(**kwargs)

    monkeypatch.setattr(compensation, "lock_wallets", spy_lock)
    monkeypatch.setattr(compensation, "documents_compensate", spy_compensate)
    compensation.member_compensate(actor=community.anna, scheme=scheme, member=chloe)
    assert calls == [
        ("lock", [wallet(scheme, chloe).pk]),
        ("compensate", (community.host, chloe)),
    ]
