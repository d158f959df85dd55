"""Stripe webhooks with events signed locally; nothing leaves the machine."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe
from django.urls import reverse

from samen.funding import actions, providers
from samen.funding.models import Contribution, ContributionStatus, Method, StripeEvent
from samen.funding.tests.factories import collective_balance
from samen.ledger.models import Transaction, TransactionKind

pytestmark = pytest.mark.django_db

SECRET = "whsec_local_test_secret"


class StripeRecorder(stripe.HTTPClient):
    """Stands in for the network under Stripe's own client: every request our code makes is
    recorded as sent (method, path, form fields) and answered like Stripe's API would."""

    name = "recorder"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[str, int, dict[str, str]]:
        parts = urlsplit(url)
        query = post_data if method == "post" else parts.query
        fields = dict(parse_qsl(query or "", keep_blank_values=True))
        self.requests.append((method, parts.path, fields))
        number = len(self.requests)
        answers: dict[tuple[str, str], dict[str, Any]] = {
            ("post", "/v1/checkout/sessions"): {
                "id": f"cs_test_{number}",
                "object": "checkout.session",
                "url": "https://checkout.stripe.test/pay",
            },
            ("post", "/v1/refunds"): {"id": f"re_local_{number}", "object": "refund"},
            ("post", "/v1/payment_intents"): {
                "id": f"pi_next_{number}",
                "object": "payment_intent",
                "status": "succeeded",
            },
        }
        if method == "get" and parts.path.startswith("/v1/payment_intents/"):
            answer = {
                "id": parts.path.rsplit("/", 1)[1],
                "object": "payment_intent",
                "payment_method": "pm_saved",
            }
        else:
            answer = answers[(method, parts.path)]
        return json.dumps(answer), 200, {"request-id": f"req_{number}"}

    def sent(self, method: str, path: str) -> list[dict[str, str]]:
        return [fields for m, p, fields in self.requests if (m, p) == (method, path)]


@pytest.fixture
def stripe_on(monkeypatch) -> StripeRecorder:
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)
    recorder = StripeRecorder()
    real_client = stripe.StripeClient

    def local_client() -> stripe.StripeClient:
        keys = providers.stripe_keys()
        assert keys is not None
        return real_client(keys.secret_key, http_client=recorder)

    monkeypatch.setattr(providers, "_client", local_client)
    return recorder


def assert_checkout(recorder: StripeRecorder, contribution: Contribution, cents: int) -> None:
    """The Checkout session asked Stripe for ``cents`` euro cents, tagged with the
    contribution."""
    (fields,) = [
        f
        for f in recorder.sent("post", "/v1/checkout/sessions")
        if f["client_reference_id"] == str(contribution.pk)
    ]
    assert fields["line_items[0][price_data][unit_amount]"] == str(cents)
    assert fields["line_items[0][price_data][currency]"] == "eur"
    assert fields["line_items[0][quantity]"] == "1"
    assert fields["metadata[contribution]"] == str(contribution.pk)
    assert fields["mode"] == "payment"


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
    assert_checkout(stripe_on, contribution, 4000)
    (fields,) = stripe_on.sent("post", "/v1/checkout/sessions")
    assert fields["customer_email"] == "eva.guest@example.org"
    assert "payment_intent_data[setup_future_usage]" not in fields
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
    assert_checkout(stripe_on, paid, 5000)
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


def test_first_card_payment_of_a_monthly_gift_saves_the_card(community, client, stripe_on) -> None:
    from samen.funding.models import Interval, RecurringContribution

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
    assert_checkout(stripe_on, first, 1000)
    (fields,) = stripe_on.sent("post", "/v1/checkout/sessions")
    assert fields["payment_intent_data[setup_future_usage]"] == "off_session"
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
    (charge,) = stripe_on.sent("post", "/v1/payment_intents")
    assert charge == {
        "amount": "1000",
        "currency": "eur",
        "customer": "cus_dries",
        "payment_method": "pm_saved",
        "off_session": "true",
        "confirm": "true",
    }
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


def test_a_refund_we_start_asks_stripe_for_the_amount_once(community, client, stripe_on) -> None:
    contribution = _card_contribution(community, client)
    _post(
        client,
        _event(
            "evt_paid_refund",
            "checkout.session.completed",
            {**_completed(contribution), "payment_intent": "pi_give_back"},
        ),
    )
    contribution.refresh_from_db()
    actions.contribution_refund(
        actor=community.anna, contribution=contribution, reason="Double payment", cover=True
    )
    assert stripe_on.sent("post", "/v1/refunds") == [
        {"payment_intent": "pi_give_back", "amount": "4000"}
    ]
    (method, path, _fields) = stripe_on.requests[-1]
    assert (method, path) == ("post", "/v1/refunds")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.REFUNDED
