"""Creating calls run once: Idempotency-Key on the API, a one-time token on money forms."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse

from samen.api.actions import token_create
from samen.api.models import IdempotencyRecord
from samen.expenses.models import Expense
from samen.funding.models import Contribution

pytestmark = pytest.mark.django_db

URL = "/api/v1/expenses/collectives/{slug}"


def _auth(user: Any, **headers: str) -> dict[str, Any]:
    _token, plaintext = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}", **headers}


def _expense(title: str = "Tram tickets", amount: str = "17,50") -> dict[str, Any]:
    return {
        "type": "receipt",
        "title": title,
        "items": [{"description": "10-ride card", "date": "2026-11-03", "amount": amount}],
        "iban": "BE71 0961 2345 6769",
        "account_holder": "Chloé Dubois",
    }


def test_a_repeated_key_answers_with_the_first_result(client, community):
    url = URL.format(slug=community.collective.slug)
    headers = _auth(community.chloe, HTTP_IDEMPOTENCY_KEY="expense-1")
    first = client.post(url, _expense(), content_type="application/json", **headers)
    again = client.post(url, _expense(), content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Expense.objects.count() == 1

    other_body = client.post(url, _expense(amount="99"), content_type="application/json", **headers)
    assert (other_body.status_code, other_body.json()["code"]) == (409, "idempotency_key_reused")
    assert Expense.objects.count() == 1

    # Without a key (or with another one) every call creates.
    client.post(url, _expense(), content_type="application/json", **_auth(community.chloe))
    assert Expense.objects.count() == 2


def test_keys_belong_to_their_caller_and_refusals_are_not_kept(client, community):
    url = URL.format(slug=community.collective.slug)
    mine = _auth(community.chloe, HTTP_IDEMPOTENCY_KEY="same")
    theirs = _auth(community.bram, HTTP_IDEMPOTENCY_KEY="same")
    client.post(url, _expense(), content_type="application/json", **mine)
    client.post(url, _expense(), content_type="application/json", **theirs)
    assert Expense.objects.count() == 2

    retry = _auth(community.chloe, HTTP_IDEMPOTENCY_KEY="fix-and-retry")
    refused = client.post(url, _expense(amount="-1"), content_type="application/json", **retry)
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="fix-and-retry").exists()
    fixed = client.post(url, _expense(amount="-1"), content_type="application/json", **retry)
    assert fixed.status_code == 400  # the refusal is answered afresh, not replayed
    assert "Idempotent-Replayed" not in fixed

    bad_key = _auth(community.chloe, HTTP_IDEMPOTENCY_KEY="x" * 256)
    response = client.post(url, _expense(), content_type="application/json", **bad_key)
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_invalid")


def test_ten_identical_contribution_posts_make_one_contribution(client, community):
    url = reverse("funding:contribute", args=[community.collective.slug])
    page = client.get(url)
    token = page.context["form"]["once"].value()
    assert token
    assert f'value="{token}"' in page.content.decode()
    body = {
        "amount": "12,50",
        "interval": "one_time",
        "method": "bank_transfer",
        "guest_name": "Dries",
        "guest_email": "dries.guest@example.org",
        "once": token,
    }
    answers = [client.post(url, body) for _ in range(10)]
    contribution = Contribution.objects.get()
    target = reverse("funding:contribution", args=[contribution.token])
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, target)}
    # A fresh page is a fresh token: giving again is giving again.
    again = {**body, "once": client.get(url).context["form"]["once"].value()}
    client.post(url, again)
    assert Contribution.objects.count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_of_one_key_create_once(community):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises all writers; the race needs PostgreSQL")
    from django.test import Client

    url = URL.format(slug=community.collective.slug)
    headers = _auth(community.chloe, HTTP_IDEMPOTENCY_KEY="race")

    def post(_: int) -> tuple[int, int]:
        try:
            response = Client().post(url, _expense(), content_type="application/json", **headers)
            return response.status_code, response.json()["id"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(6) as pool:
        answers = set(pool.map(post, range(6)))
    assert len(answers) == 1
    assert answers.pop()[0] == 201
    assert Expense.objects.count() == 1
