"""The expenses API: same rules as the pages, 4xx {"detail","code"} on refusal."""

from __future__ import annotations

from typing import Any

import pytest

from samen.api.actions import token_create
from samen.expenses.models import ExpenseStatus
from samen.expenses.tests.factories import PDF_BYTES, approved_expense, fund, make_expense

pytestmark = pytest.mark.django_db

BASE = "/api/v1/expenses"


def auth(user: Any) -> dict[str, str]:
    _token, plaintext = token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def _body(**extra: Any) -> dict[str, Any]:
    return {
        "type": "receipt",
        "title": "Tram tickets",
        "items": [{"description": "10-ride card", "date": "2026-11-03", "amount": "17,50"}],
        "iban": "BE71 0961 2345 6769",
        "account_holder": "Chloé Dubois",
        **extra,
    }


def test_submit_attach_approve_pay(client, community):
    fund(community.collective, 10_000)
    slug = community.collective.slug
    created = client.post(
        f"{BASE}/collectives/{slug}",
        _body(),
        content_type="application/json",
        **auth(community.chloe),
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "pending"
    assert data["amount"] == 1750
    assert "BE71" not in created.content.decode()
    expense_id = data["id"]

    from django.core.files.uploadedfile import SimpleUploadedFile

    attached = client.post(
        f"{BASE}/{expense_id}/attachments",
        {"file": SimpleUploadedFile("r.pdf", PDF_BYTES)},
        **auth(community.chloe),
    )
    assert attached.status_code == 201, attached.json()
    assert attached.json()["attachments"][0]["content_type"] == "application/pdf"

    own = client.post(f"{BASE}/{expense_id}/approve", **auth(community.chloe))
    assert own.status_code == 403
    approved = client.post(f"{BASE}/{expense_id}/approve", **auth(community.bram))
    assert approved.json()["status"] == "approved"

    refused = client.post(
        f"{BASE}/{expense_id}/pay",
        {"paid_on": "2026-11-20"},
        content_type="application/json",
        **auth(community.bram),
    )
    assert refused.status_code == 403
    paid = client.post(
        f"{BASE}/{expense_id}/pay",
        {"paid_on": "2026-11-20", "bank_reference": "B-1"},
        content_type="application/json",
        **auth(community.anna),
    )
    assert paid.json()["status"] == ExpenseStatus.PAID
    again = client.post(
        f"{BASE}/{expense_id}/pay",
        {"paid_on": "2026-11-20"},
        content_type="application/json",
        **auth(community.anna),
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_paid"


def test_bad_input_is_a_4xx_with_code(client, community):
    slug = community.collective.slug
    headers = auth(community.chloe)
    bad_iban = client.post(
        f"{BASE}/collectives/{slug}", _body(iban="BE00"), content_type="application/json", **headers
    )
    assert bad_iban.status_code == 400
    assert bad_iban.json()["code"] == "bad_iban"
    bad_amount = client.post(
        f"{BASE}/collectives/{slug}",
        _body(items=[{"description": "x", "date": "2026-11-03", "amount": "lots"}]),
        content_type="application/json",
        **headers,
    )
    assert bad_amount.status_code == 400
    stranger = client.post(
        f"{BASE}/collectives/{slug}",
        _body(),
        content_type="application/json",
        **auth(community.eva),
    )
    assert stranger.status_code == 403
    assert stranger.json()["code"] == "submit_not_allowed"
    assert not community.collective.expenses.exists()


@pytest.mark.parametrize("who", ["anonymous", "dries", "gilles"])
def test_private_detail_and_iban_refused_to_outsiders(client, community, who):
    expense = make_expense(community.chloe, community.collective)
    headers = {} if who == "anonymous" else auth(getattr(community, who))
    payout = client.get(f"{BASE}/{expense.pk}/payout", **headers)
    assert payout.status_code in (401, 403)
    assert b"BE71" not in payout.content
    detail = client.get(f"{BASE}/{expense.pk}", **headers)
    assert detail.status_code == 200
    assert "attachments" not in detail.json()
    assert "items" not in detail.json()


def test_public_list_and_host_list(client, community):
    expense = approved_expense(community)
    listed = client.get(f"{BASE}/collectives/{community.collective.slug}")
    assert [e["id"] for e in listed.json()["items"]] == [expense.pk]
    assert listed.json()["items"][0]["payee"] == "Chloé"
    assert client.get(
        f"{BASE}/hosts/{community.host.slug}", **auth(community.bram)
    ).status_code in (
        403,
        404,
    )
    host_list = client.get(
        f"{BASE}/hosts/{community.host.slug}?status=approved", **auth(community.femke)
    )
    assert [e["id"] for e in host_list.json()["items"]] == [expense.pk]


def test_batch_endpoint(client, community):
    expense = approved_expense(community)
    response = client.post(
        f"{BASE}/hosts/{community.host.slug}/batches",
        {"expense_ids": [expense.pk], "execution_date": "2026-11-23"},
        content_type="application/json",
        **auth(community.anna),
    )
    assert response.status_code == 201, response.json()
    assert "pain.001.001.09" in response.json()["pain_001_001_09"]
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SCHEDULED


def test_settings_categories_and_invites(client, community):
    host = community.host.slug
    anna = auth(community.anna)
    assert (
        client.post(
            f"{BASE}/hosts/{host}/categories",
            {"code": "6100", "name": "Supplies"},
            content_type="application/json",
            **auth(community.bram),
        ).status_code
        == 403
    )
    created = client.post(
        f"{BASE}/hosts/{host}/categories",
        {"code": "6100", "name": "Supplies"},
        content_type="application/json",
        **anna,
    )
    assert created.status_code == 201
    category_id = created.json()["id"]
    client.put(
        f"{BASE}/hosts/{host}/settings",
        {"require_category": True},
        content_type="application/json",
        **anna,
    )
    slug = community.collective.slug
    chloe = auth(community.chloe)
    missing = client.post(
        f"{BASE}/collectives/{slug}", _body(), content_type="application/json", **chloe
    )
    assert missing.json()["code"] == "category_required"
    ok = client.post(
        f"{BASE}/collectives/{slug}",
        _body(category_id=category_id),
        content_type="application/json",
        **chloe,
    )
    assert ok.status_code == 201
    client.put(
        f"{BASE}/collectives/{slug}/policy",
        {"submit_policy": "invited"},
        content_type="application/json",
        **auth(community.bram),
    )
    invited = client.post(
        f"{BASE}/collectives/{slug}/invites",
        {"email": "eva@example.org"},
        content_type="application/json",
        **auth(community.bram),
    )
    assert invited.status_code == 201
    eva = client.post(
        f"{BASE}/collectives/{slug}",
        _body(category_id=category_id),
        content_type="application/json",
        **auth(community.eva),
    )
    assert eva.status_code == 201, eva.json()


def test_dates_and_amounts_outside_their_bounds_are_refused(client, community):
    slug = community.collective.slug
    headers = auth(community.chloe)
    for day, code in (("0001-01-01", "date_too_early"), ("9999-12-31", "date_too_late")):
        item = {"description": "Ticket", "date": day, "amount": "5"}
        response = client.post(
            f"{BASE}/collectives/{slug}",
            _body(items=[item]),
            content_type="application/json",
            **headers,
        )
        assert (response.status_code, response.json()["code"]) == (422, code), day
    huge = {"description": "Ticket", "date": "2026-11-03", "amount": "1" + "0" * 10}
    response = client.post(
        f"{BASE}/collectives/{slug}",
        _body(items=[huge]),
        content_type="application/json",
        **headers,
    )
    assert (response.status_code, response.json()["code"]) == (400, "amount_too_large")

    fund(community.collective, 10_000)
    expense = approved_expense(community)
    paid = client.post(
        f"{BASE}/{expense.pk}/pay",
        {"paid_on": "1900-01-01"},
        content_type="application/json",
        **auth(community.anna),
    )
    assert (paid.status_code, paid.json()["code"]) == (422, "date_too_early")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.APPROVED
    assert expense.ledger_transaction_id is None


def test_categories_are_written_and_read_per_language(client, community):
    host = community.host.slug
    created = client.post(
        f"{BASE}/hosts/{host}/categories",
        {
            "code": "6110",
            "name": "Office supplies",
            "translations": {"nl": {"name": "Kantoorbenodigdheden"}, "fr": {"name": "Fournitures"}},
        },
        content_type="application/json",
        **auth(community.anna),
    )
    assert created.status_code == 201, created.content
    assert created.json()["translations"] == {
        "en": {"name": "Office supplies"},
        "nl": {"name": "Kantoorbenodigdheden"},
        "fr": {"name": "Fournitures"},
    }

    def names(**headers: str) -> dict[str, str]:
        listed = client.get(f"{BASE}/hosts/{host}/categories", **headers).json()
        return {c["code"]: c["name"] for c in listed}

    assert names(HTTP_ACCEPT_LANGUAGE="nl")["6110"] == "Kantoorbenodigdheden"
    assert names(HTTP_ACCEPT_LANGUAGE="fr")["6110"] == "Fournitures"
    assert names(HTTP_ACCEPT_LANGUAGE="en")["6110"] == "Office supplies"
    refused = client.post(
        f"{BASE}/hosts/{host}/categories",
        {"code": "6120", "name": "Rent", "translations": {"de": {"name": "Miete"}}},
        content_type="application/json",
        **auth(community.anna),
    )
    assert refused.status_code == 422
    assert set(refused.json()) >= {"detail", "code"}
