"""The card path of `make bench-web`'s launch rush runs the real code: a Checkout session
opened through the Stripe client at ``STRIPE_API_BASE`` (the bench's stand-in), and the
payment booked by a webhook signed as Stripe signs it."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bench.stripe_standin import paid_event, stand_in
from samen.funding.models import Contribution, ContributionStatus, Method

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_" + "1" * 24


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_card_pledge_through_the_stand_in_is_paid_by_the_signed_webhook(
    monkeypatch: Any, community: Any
) -> None:
    port = _free_port()
    server = stand_in(port)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_bench")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("STRIPE_API_BASE", f"http://127.0.0.1:{port}")
    try:
        pledge = Client().post(
            reverse("funding:contribute", args=[community.collective.slug]),
            {"amount": "40", "interval": "one_time", "method": "stripe",
             "guest_name": "Eva", "guest_email": "eva.guest@example.org"},
        )  # fmt: skip
    finally:
        server.shutdown()
    contribution = Contribution.objects.get(method=Method.STRIPE)
    assert pledge.status_code == 302
    url = pledge["Location"]
    assert f"/{contribution.token}/?paid=1&bench_session=cs_bench_" in url
    assert f"bench_session={contribution.stripe_session_id}&" in url
    assert contribution.status == ContributionStatus.PENDING

    payload, signature = paid_event(url, SECRET)
    webhook = reverse("funding:stripe_webhook")
    forged = payload.replace('"paid"', '"unpaid"')
    refused = Client().post(
        webhook, data=forged, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert refused.status_code == 400
    answer = Client().post(
        webhook, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert (answer.status_code, answer.content) == (200, b"paid")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID
    assert contribution.amount == 40_00
