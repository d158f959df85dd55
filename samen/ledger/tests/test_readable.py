"""A ledger people can read: a contribution once with its fees folded, a move between an
owner's own accounts once, on the page, in the latest rows and in the CSV, in each language."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from samen.ledger.actions import account_for, ledger_post
from samen.ledger.models import AccountPurpose, TransactionKind, Unit
from samen.ledger.queries import history_page
from samen.ledger.tests.factories import collective_eur, outside_eur

pytestmark = pytest.mark.django_db

FEE_TEXT = {
    "en": "€0.25 host fee",
    "nl": "0,25 € hostbijdrage",
    "fr": "0,25 € frais d\u2019hébergement",
}


@pytest.fixture
def ledger(books):
    eur = Unit.eur()
    garden = collective_eur(books.garden)
    ledger_post(
        actor=None,
        kind=TransactionKind.CONTRIBUTION,
        description="Contribution to Buurtmoestuin",
        lines=[
            (outside_eur(), -500),
            (garden, 500),
            (garden, -25),
            (account_for(purpose=AccountPurpose.HOST_FEE_INCOME, unit=eur, host=books.host), 25),
            (garden, -15),
            (account_for(purpose=AccountPurpose.PROCESSOR_FEES, unit=eur, host=books.host), 15),
        ],
        idempotency_key="readable-1",
        counterparty_name="Ilias",
    )
    ledger_post(
        actor=None,
        kind=TransactionKind.TRANSFER,
        description="Seed money for the repair café",
        lines=[(garden, -100), (collective_eur(books.repair), 100)],
        idempotency_key="readable-2",
    )
    return books


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_a_contribution_shows_once_with_its_fees(client: Client, ledger, language):
    html = client.get(
        "/collectives/buurtmoestuin/transactions/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert html.count('data-transaction="') == 2
    assert ("€5.00" if language == "en" else "5,00 €") in html
    assert FEE_TEXT[language] in html
    assert "-0,25" not in html
    assert "-€0.25" not in html


def test_the_host_sees_a_contribution_and_an_internal_move_once(client: Client, ledger):
    html = client.get("/hosts/brussels/transactions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('data-transaction="') == 2
    assert html.count('data-testid="internal"') == 1
    assert "€1.00" in html
    assert "-€1.00" not in html
    # The latest rows of the money box fold the same way.
    box = client.get("/hosts/brussels/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert box.count('data-transaction="') == 2


def test_csv_has_one_line_per_transaction_with_fee_columns(client: Client, ledger):
    response = client.get("/collectives/buurtmoestuin/transactions.csv")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["kind"], r["amount"], r["host_fee"], r["payment_fee"]) for r in rows] == [
        ("transfer", "-1.00", "0.00", "0.00"),
        ("contribution", "5.00", "0.25", "0.15"),
    ]


def test_pages_do_not_repeat_a_transaction_across_a_page_boundary(ledger):
    first, before = history_page(ledger.host, size=1)
    assert len(first) == 1
    assert before is not None
    second, after = history_page(ledger.host, size=1, before=before)
    assert [r.transaction.pk for r in first + second] == sorted(
        {r.transaction.pk for r in first + second}, reverse=True
    )
    assert after is None


def _streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_json_export_folds_each_transaction_for_its_owner(client: Client, ledger):
    import json

    from samen.ledger.canonical import row_hash

    data = json.loads(_streamed(client.get("/collectives/buurtmoestuin/transactions.json")))
    by_kind = {r["kind"]: r for r in data["transactions"]}
    gift = by_kind["contribution"]
    assert len(gift["entries"]) == 6  # the sealed postings, as they are
    assert gift["folded"] == [
        {
            "unit": "EUR",
            "amount": 500,
            "host_fee": 25,
            "payment_fee": 15,
            "internal": False,
            "summary": "€5.00 from Ilias · €0.25 host fee · €0.15 payment fee",
        }
    ]
    assert by_kind["transfer"]["folded"][0]["amount"] == -100
    # The record without the keys that are not part of it still hashes to its row hash.
    shown = ("row_hash", "seal", "counterparty_name", "counterparty_salt", "folded")
    for record in data["transactions"]:
        assert row_hash({k: v for k, v in record.items() if k not in shown}) == record["row_hash"]


def test_beancount_folds_a_contribution_and_passes_bean_check(client: Client, ledger):
    from beancount import loader

    text = _streamed(client.get("/hosts/brussels/books.beancount"))
    entries, errors, _options = loader.load_string(text)
    assert errors == []
    gift: Any = next(
        e for e in entries if getattr(e, "meta", {}).get("samen-kind") == "contribution"
    )
    assert gift.meta["samen-gross"] == "5.00 EUR"
    assert gift.meta["samen-host-fee"] == "0.25 EUR"
    assert gift.meta["samen-payment-fee"] == "0.15 EUR"
    # The collective's balance has one posting: what it keeps of the gift.
    garden = [p for p in gift.postings if ":Buurtmoestuin:CollectiveBalance:" in p.account]
    assert [str(p.units) for p in garden] == ["-4.60 EUR"]


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("en", "€5.00 from Ilias · €0.25 host fee · €0.15 payment fee"),
        ("nl", "5,00 € van Ilias · 0,25 € hostbijdrage · 0,15 € kosten betaaldienst"),
    ],
)
def test_api_rows_fold_a_contribution(client: Client, ledger, language, summary):
    response = client.get(
        "/api/v1/ledger/rows", {"collective": "buurtmoestuin"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["kind"], i["amount"], i["host_fee"], i["payment_fee"]) for i in items] == [
        ("transfer", -100, 0, 0),
        ("contribution", 500, 25, 15),
    ]
    assert items[1]["summary"] == summary
    assert response.json()["next_before"] is None


def test_ledger_verify_passes_with_folded_rows(ledger):
    from django.core.management import call_command

    call_command("ledger_verify")
