import pytest
from django.test import Client

from samen.ledger.models import Transaction, TransactionKind
from samen.ledger.queries import balance
from samen.ledger.tests.factories import collective_eur, donate
from samen.lib.testing import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, user) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_balances_and_transactions_for_anonymous(client: Client, books):
    donate(books.garden, 12_34, "a", name="Dries")
    donate(books.garden, 1_00, "b", name="")
    data = client.get("/api/v1/ledger/balances", {"collective": "buurtmoestuin"}).json()
    assert data["balances"] == [
        {"unit": "EUR", "decimals": 2, "amount": 13_34, "formatted": "€13.34"}
    ]
    page = client.get(
        "/api/v1/ledger/transactions", {"collective": "buurtmoestuin", "limit": "1"}
    ).json()
    assert [item["counterparty"] for item in page["items"]] == ["Anonymous"]
    assert page["next_cursor"]
    older = client.get(
        "/api/v1/ledger/transactions",
        {"collective": "buurtmoestuin", "limit": "1", "cursor": str(page["next_cursor"])},
    ).json()
    assert older["items"][0]["amount_decimal"] == "12.34"
    assert older["next_cursor"] is None
    host = client.get("/api/v1/ledger/transactions", {"host": "brussels"}).json()
    assert len(host["items"]) == 2


def test_bad_queries_are_4xx(client: Client, books):
    assert client.get("/api/v1/ledger/balances").status_code == 422
    both = {"collective": "buurtmoestuin", "host": "brussels"}
    assert client.get("/api/v1/ledger/balances", both).status_code == 422
    assert client.get("/api/v1/ledger/balances", {"host": "nope"}).status_code == 404
    response = client.get(
        "/api/v1/ledger/transactions", {"collective": "buurtmoestuin", "cursor": "forged"}
    )
    assert response.status_code == 400


def test_seals_api(client: Client, books):
    from samen.ledger.actions import ledger_seal

    donate(books.garden, 1_00, "a")
    seal = ledger_seal()
    assert seal is not None
    items = client.get("/api/v1/ledger/seals").json()["items"]
    assert items[0]["digest"] == seal.digest
    assert client.get(f"/api/v1/ledger/seals/{seal.pk}").json()["id"] == seal.pk
    assert client.get("/api/v1/ledger/seals/9999").status_code == 404


def test_adjustment_by_host_admin_only(client: Client, books, anna, bram):
    body = {
        "collective": "buurtmoestuin",
        "amount": "25,50",
        "reason": "Opening balance from the old bank account",
        "idempotency_key": "open-1",
    }
    assert client.post("/api/v1/ledger/adjustments", body, "application/json").status_code == 401
    login(client, bram)
    response = client.post("/api/v1/ledger/adjustments", body, "application/json")
    assert response.status_code == 403
    client.logout()
    login(client, anna)
    response = client.post("/api/v1/ledger/adjustments", body, "application/json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == TransactionKind.ADJUSTMENT
    again = client.post("/api/v1/ledger/adjustments", body, "application/json")
    assert again.json()["id"] == response.json()["id"]
    assert balance(collective_eur(books.garden)) == 25_50
    changed = {**body, "amount": "30"}
    conflict = client.post("/api/v1/ledger/adjustments", changed, "application/json")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")
    overdraw = {**body, "amount": "-100", "idempotency_key": "x"}
    response = client.post("/api/v1/ledger/adjustments", overdraw, "application/json")
    assert (response.status_code, response.json()["code"]) == (409, "floor_breached")
    for bad in ({"reason": ""}, {"amount": "1,234,5"}, {"amount": "0"}, {"unit": "XYZ"}):
        response = client.post(
            "/api/v1/ledger/adjustments",
            {**body, **bad, "idempotency_key": "y"},
            "application/json",
        )
        assert response.status_code == 422, bad
    assert Transaction.objects.count() == 1


def test_adjustment_amounts_out_of_bounds_are_a_422(client: Client, books, anna):
    login(client, anna)
    for amount, code in (
        ("9" * 40, "amount_too_large"),
        ("-" + "9" * 40, "amount_too_large"),
        ("12.345", "amount_ambiguous"),
        ("NaN", "amount_invalid"),
    ):
        body = {
            "collective": "buurtmoestuin",
            "amount": amount,
            "reason": "Typo",
            "idempotency_key": f"k-{code}-{len(amount)}",
        }
        response = client.post("/api/v1/ledger/adjustments", body, "application/json")
        assert (response.status_code, response.json()["code"]) == (422, code), amount
    assert not Transaction.objects.exists()
