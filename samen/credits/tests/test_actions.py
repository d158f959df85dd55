from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.credits.actions import (
    ServiceInput,
    credit_limit_set,
    deliveries_auto_confirm,
    delivery_cancel,
    delivery_confirm,
    delivery_record,
    delivery_reject,
    rate_card_publish,
    scheme_update,
    service_on,
    wallet,
    workshop_record,
)
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.models import Delivery, DeliveryStatus, Direction
from samen.credits.queries import host_summary, imbalances, member_summary
from samen.credits.tests.factories import credits, make_scheme
from samen.invoicing.models import Document, DocumentKind
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_peer_session_posts_credits_and_issues_both_documents(community):
    scheme = make_scheme(community)
    bram, chloe = community.bram, community.chloe
    delivery = delivery_record(
        actor=bram, scheme=scheme, service_code="session", on=TODAY(), member=chloe
    )
    assert delivery.status == DeliveryStatus.PENDING
    assert balance(wallet(scheme, bram)) == 0
    with pytest.raises(CreditsError) as err:
        delivery_confirm(actor=bram, delivery=delivery)  # the giver cannot confirm
    assert err.value.code == CreditsErrorCode.NOT_ALLOWED
    delivery_confirm(actor=chloe, delivery=delivery)
    assert balance(wallet(scheme, bram)) == 1000
    assert balance(wallet(scheme, chloe)) == -1000
    # The pages read the same balances (the ledger keeps credits on stripes).
    assert member_summary(scheme, bram)["balance"] == 1000
    assert host_summary(scheme) == {"circulation": 1000, "debt": 1000, "members": 2}
    assert [row["user"] for row in imbalances(scheme)] == [chloe]
    credit_note = Document.objects.get(customer=bram)
    invoice = Document.objects.get(customer=chloe)
    assert credit_note.kind == DocumentKind.CREDIT_NOTE
    assert invoice.kind == DocumentKind.INVOICE
    for doc in (credit_note, invoice):
        assert (doc.net_total, doc.vat_total, doc.gross_total) == (
            Decimal("50.00"),
            Decimal("10.50"),
            Decimal("60.50"),
        )
        assert doc.issue_date == TODAY()
        assert doc.delivery_date == delivery.date
    assert credit_note.customer_enterprise_number == "0202239951"
    # Confirming again (a retried request) changes nothing.
    delivery_confirm(actor=chloe, delivery=delivery)
    assert Document.objects.count() == 2
    assert balance(wallet(scheme, bram)) == 1000


def test_document_line_is_in_the_members_language(community):
    scheme = make_scheme(community)
    community.chloe.language = "fr"
    community.chloe.save()
    delivery = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=TODAY(),
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=delivery)
    line = Document.objects.get(customer=community.chloe).lines.get()
    assert line.description.startswith("Séance de renforcement")
    assert line.quantity == Decimal("1.000")
    assert line.unit_label == "SIF"


def test_workshop_with_participants(community):
    scheme = make_scheme(community)
    anna, bram, chloe = community.anna, community.bram, community.chloe
    deliveries = workshop_record(
        actor=anna, scheme=scheme, service_code="workshop", on=TODAY(), participants=[bram, chloe]
    )
    assert len(deliveries) == 2
    assert len({d.group for d in deliveries}) == 1
    with pytest.raises(CreditsError):
        workshop_record(
            actor=bram, scheme=scheme, service_code="workshop", on=TODAY(), participants=[chloe]
        )
    mine = next(d for d in deliveries if d.recipient == bram)
    with pytest.raises(CreditsError):
        delivery_confirm(actor=chloe, delivery=mine)
    delivery_confirm(actor=bram, delivery=mine)
    assert balance(wallet(scheme, bram)) == -500
    invoice = Document.objects.get(customer=bram)
    assert invoice.gross_total == Decimal("30.25")  # 0.5 x 50 = 25 + 21 %
    assert not Document.objects.filter(customer=chloe).exists()


def test_article_recorded_by_member_is_confirmed_by_a_host_admin(community):
    scheme = make_scheme(community)
    delivery = delivery_record(
        actor=community.chloe, scheme=scheme, service_code="article", on=TODAY()
    )
    assert delivery.provider == community.chloe
    assert delivery.recipient is None
    with pytest.raises(CreditsError):
        delivery_confirm(actor=community.chloe, delivery=delivery)
    delivery_confirm(actor=community.anna, delivery=delivery)
    assert balance(wallet(scheme, community.chloe)) == 500
    assert Document.objects.get(customer=community.chloe).kind == DocumentKind.CREDIT_NOTE


def test_limit_refuses_with_a_clear_message(community):
    scheme = make_scheme(community, limit=credits("1"))
    bram, chloe = community.bram, community.chloe
    delivery_record(actor=bram, scheme=scheme, service_code="session", on=TODAY(), member=chloe)
    with pytest.raises(CreditsError) as err:
        delivery_record(actor=bram, scheme=scheme, service_code="session", on=TODAY(), member=chloe)
    assert err.value.code == CreditsErrorCode.LIMIT_EXCEEDED
    assert "Chloé cannot spend 1.000 SIF" in err.value.message
    assert Delivery.objects.count() == 1


def test_member_limit_override_moves_the_floor_and_is_audited(community):
    scheme = make_scheme(community, limit=0)
    chloe = community.chloe
    with pytest.raises(CreditsError):
        delivery_record(
            actor=community.bram, scheme=scheme, service_code="session", on=TODAY(), member=chloe
        )
    credit_limit_set(actor=community.anna, scheme=scheme, user=chloe, limit=credits("3"))
    assert wallet(scheme, chloe).floor == -3000
    delivery = delivery_record(
        actor=community.bram, scheme=scheme, service_code="session", on=TODAY(), member=chloe
    )
    delivery_confirm(actor=chloe, delivery=delivery)
    with pytest.raises(CreditsError) as err:
        credit_limit_set(actor=community.anna, scheme=scheme, user=chloe, limit=None)
    assert err.value.code == CreditsErrorCode.LIMIT_EXCEEDED
    with pytest.raises(CreditsError):
        credit_limit_set(actor=chloe, scheme=scheme, user=chloe, limit=credits("9"))
    entry = AuditEntry.objects.filter(action="credits.limit_set").get()
    assert entry.data == {"old": 0, "new": 3000, "own": True}


def test_default_limit_change_moves_floors_of_members_without_their_own(community):
    scheme = make_scheme(community, limit=1000)
    bram_wallet, chloe_wallet = wallet(scheme, community.bram), wallet(scheme, community.chloe)
    credit_limit_set(actor=community.anna, scheme=scheme, user=community.bram, limit=5000)
    scheme_update(actor=community.anna, scheme=scheme, default_credit_limit=2000)
    bram_wallet.refresh_from_db()
    chloe_wallet.refresh_from_db()
    assert (bram_wallet.floor, chloe_wallet.floor) == (-5000, -2000)


def test_rate_card_versions_keep_the_price_of_the_delivery_date(community):
    scheme = make_scheme(community)
    today = TODAY()
    rate_card_publish(
        actor=community.anna,
        scheme=scheme,
        valid_from=today,
        services=[
            ServiceInput(code="workshop", name_en="Workshop", direction=Direction.COSTS, value=750)
        ],
    )
    assert service_on(scheme, "workshop", today - dt.timedelta(days=1)).value == 500
    assert service_on(scheme, "workshop", today).value == 750
    with pytest.raises(CreditsError) as err:
        service_on(scheme, "session", today)
    assert err.value.code == CreditsErrorCode.UNKNOWN_SERVICE
    old = delivery_record(
        actor=community.chloe,
        scheme=scheme,
        service_code="workshop",
        on=today - dt.timedelta(days=3),
    )
    assert old.credits == 500


def test_reject_and_cancel(community):
    scheme = make_scheme(community)
    bram, chloe = community.bram, community.chloe
    first = delivery_record(
        actor=bram, scheme=scheme, service_code="session", on=TODAY(), member=chloe
    )
    delivery_reject(actor=chloe, delivery=first, reason="Did not happen")
    with pytest.raises(CreditsError):
        delivery_confirm(actor=chloe, delivery=first)
    second = delivery_record(
        actor=bram, scheme=scheme, service_code="session", on=TODAY(), member=chloe
    )
    with pytest.raises(CreditsError):
        delivery_cancel(actor=chloe, delivery=second)
    delivery_cancel(actor=bram, delivery=second)
    assert balance(wallet(scheme, chloe)) == 0
    assert not Document.objects.exists()


def test_refused_inputs(community):
    scheme = make_scheme(community)
    bram = community.bram
    cases = [
        ({"service_code": "session", "on": TODAY(), "member": bram}, CreditsErrorCode.SAME_PERSON),
        (
            {"service_code": "session", "on": TODAY(), "member": community.eva},
            CreditsErrorCode.NOT_A_MEMBER,
        ),
        ({"service_code": "nope", "on": TODAY()}, CreditsErrorCode.UNKNOWN_SERVICE),
        (
            {"service_code": "session", "on": TODAY() + dt.timedelta(days=1)},
            CreditsErrorCode.FUTURE_DATE,
        ),
        ({"service_code": "session", "on": dt.date(2019, 1, 1)}, CreditsErrorCode.NO_RATE_CARD),
    ]
    for kwargs, code in cases:
        with pytest.raises(CreditsError) as err:
            delivery_record(actor=bram, scheme=scheme, **kwargs)
        assert err.value.code == code
    with pytest.raises(CreditsError) as err:
        delivery_record(actor=community.eva, scheme=scheme, service_code="article", on=TODAY())
    assert err.value.code == CreditsErrorCode.NOT_A_MEMBER


def test_auto_confirm_after_the_delay_is_idempotent(community):
    scheme = make_scheme(community)
    delivery = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=TODAY(),
        member=community.chloe,
    )
    assert deliveries_auto_confirm() == 0
    later = timezone.now() + dt.timedelta(days=14, minutes=1)
    assert deliveries_auto_confirm(now=later) == 1
    assert deliveries_auto_confirm(now=later) == 0
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CONFIRMED
    assert delivery.auto_confirmed
    assert Document.objects.count() == 2


def test_auto_confirm_task(community):
    from samen.credits.tasks import auto_confirm_deliveries

    scheme = make_scheme(community, auto_confirm_days=1)
    delivery = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=TODAY(),
        member=community.chloe,
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert auto_confirm_deliveries.call() == 1
    assert auto_confirm_deliveries.call() == 0
