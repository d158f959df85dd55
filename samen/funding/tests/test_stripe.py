"""Stripe webhooks with events signed locally; nothing leaves the machine."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import stripe
from django.urls import reverse

from samen.funding import actions, providers
from samen.funding.models import Contribution, ContributionStatus, Method, StripeEvent
from samen.funding.tests.factories import collective_balance
from samen.ledger.models import Transaction, TransactionKind

pytestmark = pytest.mark.django_db

SECRET = "whsec_local_test_secret"


@pytest.fixture
def stripe_on(monkeypatch) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)

    def fake_session(**kwargs: Any) -> tuple[str, str]:
        return f"cs_test_{kwargs['contribution_id']}", "https://checkout.stripe.test/pay"

    def no_network(**kwargs: Any) -> str:
        return "re_local"

    monkeypatch.setattr(providers, "checkout_session_create", fake_session)
    monkeypatch.setattr(providers, "refund_create", no_network)


def _event(event_id: str, kind: str, obj: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "data": {"object": obj},
            "created": int(time.time()),
            "livemode": False,
        }
    ).encode()


def _post(client, payload: bytes, secret: str = SECRET):
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), secret)
    return client.post(
        reverse("funding:stripe_webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def _card_contribution(community, client) -> Contribution:
    response = client.post(
        reverse("funding:contribute", args=[community.collective.slug]),
        {
            "amount": "40",
            "interval": "one_time",
            "method": "stripe",
            "guest_name": "Eva",
            "guest_email": "eva.guest@example.org",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.test/pay"
    return Contribution.objects.get(method=Method.STRIPE)


def _completed(contribution: Contribution) -> dict[str, Any]:
    return {
        "id": contribution.stripe_session_id,
        "object": "checkout.session",
        "payment_status": "paid",
        "amount_total": contribution.amount,
        "payment_intent": "pi_local_1",
        "client_reference_id": str(contribution.pk),
    }


def test_same_webhook_twenty_times_makes_one_contribution(community, client, stripe_on) -> None:
    contribution = _card_contribution(community, client)
    payload = _event("evt_paid_1", "checkout.session.completed", _completed(contribution))
    for _ in range(20):
        assert _post(client, payload).status_code == 200
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID
    assert contribution.processor_fee == 85  # 1.5 % of 40 EUR + 0.25
    assert contribution.host_fee == 200
    assert Transaction.objects.filter(kind=TransactionKind.CONTRIBUTION).count() == 1
    assert StripeEvent.objects.count() == 1
    assert collective_balance(community.collective) == 4000 - 200 - 85


def test_bad_signature_is_refused(community, client, stripe_on) -> None:
    contribution = _card_contribution(community, client)
    payload = _event("evt_forged", "checkout.session.completed", _completed(contribution))
    assert _post(client, payload, secret="whsec_wrong").status_code == 400
    response = client.post(
        reverse("funding:stripe_webhook"), data=payload, content_type="application/json"
    )
    assert response.status_code == 400
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PENDING


def test_webhook_is_not_there_without_keys(client) -> None:
    response = client.post(
        reverse("funding:stripe_webhook"), data=b"{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_failure_refund_and_dispute(community, client, stripe_on) -> None:
    failing = _card_contribution(community, client)
    _post(
        client,
        _event(
            "evt_fail",
            "checkout.session.async_payment_failed",
            {**_completed(failing), "payment_status": "unpaid"},
        ),
    )
    failing.refresh_from_db()
    assert failing.status == ContributionStatus.FAILED

    paid = actions.contribution_start(
        actor=community.dries, collective=community.collective, method=Method.STRIPE, amount=5000
    )
    actions.stripe_checkout_start(
        contribution=paid, success_url="https://x/", cancel_url="https://x/"
    )
    paid.refresh_from_db()
    _post(
        client,
        _event(
            "evt_paid_2",
            "checkout.session.completed",
            {**_completed(paid), "payment_intent": "pi_refund_me"},
        ),
    )
    paid.refresh_from_db()
    assert paid.status == ContributionStatus.PAID
    for _ in range(2):
        _post(
            client,
            _event(
                "evt_refund",
                "charge.refunded",
                {"object": "charge", "payment_intent": "pi_refund_me"},
            ),
        )
    paid.refresh_from_db()
    assert paid.status == ContributionStatus.REFUNDED
    assert Transaction.objects.filter(kind=TransactionKind.REVERSAL).count() == 1

    disputed = actions.contribution_start(
        actor=community.dries, collective=community.collective, method=Method.STRIPE, amount=3000
    )
    actions.stripe_checkout_start(
        contribution=disputed, success_url="https://x/", cancel_url="https://x/"
    )
    disputed.refresh_from_db()
    _post(
        client,
        _event(
            "evt_paid_3",
            "checkout.session.completed",
            {**_completed(disputed), "payment_intent": "pi_dispute"},
        ),
    )
    _post(
        client,
        _event(
            "evt_dispute",
            "charge.dispute.created",
            {"object": "dispute", "payment_intent": "pi_dispute"},
        ),
    )
    disputed.refresh_from_db()
    assert disputed.status == ContributionStatus.DISPUTED
    assert collective_balance(community.collective) == 0


def test_stripe_is_offered_only_with_keys(community, client, monkeypatch) -> None:
    page = client.get(reverse("funding:contribute", args=[community.collective.slug]))
    assert b'value="stripe"' not in page.content
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)
    page = client.get(reverse("funding:contribute", args=[community.collective.slug]))
    assert b'value="stripe"' in page.content


def test_first_card_payment_of_a_monthly_gift_saves_the_card(
    community, client, stripe_on, monkeypatch
) -> None:
    from samen.funding.models import Interval, RecurringContribution

    monkeypatch.setattr(providers, "payment_method_of", lambda intent: "pm_saved")
    charged: list[dict[str, Any]] = []

    def charge(**kwargs: Any) -> tuple[bool, str]:
        charged.append(kwargs)
        return True, "pi_next"

    monkeypatch.setattr(providers, "charge_off_session", charge)
    first = actions.contribution_start(
        actor=community.dries,
        collective=community.collective,
        method=Method.STRIPE,
        amount=1000,
        interval=Interval.MONTHLY,
    )
    actions.stripe_checkout_start(
        contribution=first, success_url="https://x/", cancel_url="https://x/"
    )
    first.refresh_from_db()
    _post(
        client,
        _event(
            "evt_first",
            "checkout.session.completed",
            {**_completed(first), "customer": "cus_dries"},
        ),
    )
    recurring = RecurringContribution.objects.get()
    assert (recurring.stripe_customer, recurring.stripe_payment_method) == ("cus_dries", "pm_saved")
    actions.recurring_run_due(today=recurring.next_due)
    assert charged[0]["customer"] == "cus_dries"
    assert charged[0]["payment_method"] == "pm_saved"
    assert (
        Contribution.objects.filter(recurring=recurring, status=ContributionStatus.PAID).count()
        == 2
    )


def test_an_event_the_rules_refuse_is_recorded_not_retried(community, client, stripe_on) -> None:
    contribution = _card_contribution(community, client)
    Contribution.objects.filter(pk=contribution.pk).update(status=ContributionStatus.REFUNDED)
    response = _post(
        client, _event("evt_late", "checkout.session.completed", _completed(contribution))
    )
    assert response.status_code == 200
    assert response.content == b"refused:wrong_state"
    assert StripeEvent.objects.filter(event_id="evt_late").exists()
    assert not Transaction.objects.exists()
