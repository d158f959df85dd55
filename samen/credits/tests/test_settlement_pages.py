"""Settlements through the pages and the API: host admins book, accountants look, members
see their own, and a refusal reads as a form error in the person's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samen.banking import actions as bank
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.credits.actions import settlement_record, wallet
from samen.credits.models import Settlement
from samen.credits.tests.factories import chloe_owes_one_and_a_half, make_scheme
from samen.invoicing.actions import settlement_communication
from samen.ledger.queries import balance

pytestmark = pytest.mark.django_db


def _url(community) -> str:
    return reverse("credits:settlements", args=[community.host.slug])


def _form(client, url: str) -> dict[str, str]:
    """The hidden token of the form as the page rendered it."""
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert token is not None
    return {"token": token.group(1)}


def test_a_host_admin_books_a_payment_by_hand(client, community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    client.force_login(community.anna)
    dashboard = client.get(reverse("credits:dashboard", args=[community.host.slug]))
    assert f"{_url(community)}?member={community.chloe.pk}#settle" in dashboard.content.decode()
    url = f"{_url(community)}?member={community.chloe.pk}"
    page = client.get(url).content.decode()
    assert 'value="90.75"' in page  # what settles the debt, ready to book
    data = {
        **_form(client, url),
        "member": community.chloe.pk,
        "amount": "90,75",
        "paid_on": timezone.localdate().isoformat(),
    }

    response = client.post(_url(community), data)

    assert response.status_code == 302
    assert balance(wallet(scheme, community.chloe)) == 0
    # A second submission of the same form books nothing more.
    client.post(_url(community), data)
    assert Settlement.objects.count() == 1
    listed = client.get(_url(community)).content.decode()
    assert "By hand (Anna)" in listed
    assert "+1.5" in listed
    dashboard = client.get(reverse("credits:dashboard", args=[community.host.slug])).content
    assert "Nobody is in debt." in dashboard.decode()


def test_a_refusal_is_a_form_error_in_the_admins_language(client, community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    community.anna.language = "nl"
    community.anna.save(update_fields=["language"])
    client.force_login(community.anna)
    data = {
        **_form(client, _url(community)),
        "member": community.chloe.pk,
        "amount": "100",
        "paid_on": timezone.localdate().isoformat(),
    }
    response = client.post(_url(community), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Chloé is 1,500 SIF verschuldigd, wat 90,75\u00a0€ vereffent" in page
    bad = client.post(_url(community), data | {"amount": "negentig"})
    assert bad.status_code == 400
    assert "Vul een bedrag in zoals 90,75." in bad.content.decode()
    assert not Settlement.objects.exists()


def test_who_may_see_and_book(client, community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    settlement_record(
        actor=community.anna,
        scheme=scheme,
        member=community.chloe,
        amount=1000,
        paid_on=timezone.localdate(),
    )
    url = _url(community)
    post = {"member": community.chloe.pk, "amount": "10", "paid_on": "2026-01-01", "token": "x"}
    assert client.get(url).status_code == 302  # to the login page
    for person, (get, posted) in {
        "anna": (200, 302),
        "femke": (200, 403),  # the accountant sees the list, without the form
        "bram": (403, 403),
        "chloe": (403, 403),
        "eva": (403, 403),
        "gilles": (403, 403),
    }.items():
        client.force_login(getattr(community, person))
        response = client.get(url)
        assert response.status_code == get, person
        if get == 200:
            assert ("settlement-form" in response.content.decode()) is (person == "anna")
        assert client.post(url, post).status_code == posted, person
    assert Settlement.objects.count() == 2  # Anna's second one; nobody else's


def test_the_api_books_and_lists(client, community):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)
    base = f"/api/v1/credits/{community.host.slug}/settlements"
    body = {
        "member_id": community.chloe.pk,
        "amount": "30.25",
        "paid_on": timezone.localdate().isoformat(),
        "idempotency_key": "k-1",
    }
    for person in ("chloe", "femke", "bram"):
        client.force_login(getattr(community, person))
        refused = client.post(base, body, content_type="application/json")
        assert refused.status_code == 403, person
    client.force_login(community.anna)
    created = client.post(base, body, content_type="application/json")
    assert created.status_code == 201
    out = created.json()
    assert (out["amount"], out["amount_cents"], out["credits_units"], out["credits"]) == (
        "30.25",
        3025,
        500,
        "0.500",
    )
    assert out["method"] == "manual"
    assert [i["amount"] for i in out["invoices"]] == ["30.25"]
    again = client.post(base, body, content_type="application/json")
    assert again.json()["id"] == out["id"]
    too_much = client.post(
        base, body | {"amount": "61", "idempotency_key": ""}, content_type="application/json"
    )
    assert (too_much.status_code, too_much.json()["code"]) == (422, "more_than_debt")
    nonsense = client.post(base, body | {"amount": "x"}, content_type="application/json")
    assert (nonsense.status_code, nonsense.json()["code"]) == (422, "invalid")
    conflict = client.post(base, body | {"amount": "20"}, content_type="application/json")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")

    # A transfer booked by the import carries its bank reference for the finance people.
    line = Line(
        2000,
        "Chloé",
        "BE71096123456769",
        structured=settlement_communication(community.chloe.pk),
        reference="BANK-REF-9",
        booked=timezone.localdate(),
    )
    bank.bank_import(actor=community.anna, host=community.host, data=camt053_file([line]))
    for person in ("anna", "femke"):
        client.force_login(getattr(community, person))
        items = client.get(base).json()["items"]
        assert [i["method"] for i in items] == ["bank", "manual"]
        assert items[0]["bank_reference"] == "BANK-REF-9"
        only = client.get(base, {"member_id": community.bram.pk}).json()["items"]
        assert only == []
    client.force_login(community.chloe)
    mine = client.get(base).json()["items"]
    assert len(mine) == 2
    assert mine[0]["bank_reference"] is None
    assert client.get(base, {"member_id": community.bram.pk}).json()["items"] == mine
    client.force_login(community.bram)
    assert client.get(base).json()["items"] == []
    client.force_login(community.eva)
    assert client.get(base).status_code == 403


def test_settlement_list_query_count_does_not_grow(
    client, community, django_assert_max_num_queries
):
    scheme = make_scheme(community)
    chloe_owes_one_and_a_half(community, scheme)

    def book(cents: int) -> None:
        settlement_record(
            actor=community.anna,
            scheme=scheme,
            member=community.chloe,
            amount=cents,
            paid_on=timezone.localdate(),
        )

    book(1000)
    client.force_login(community.anna)
    with django_assert_max_num_queries(60) as few:
        client.get(_url(community))
    for _ in range(5):
        book(1000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url(community))
