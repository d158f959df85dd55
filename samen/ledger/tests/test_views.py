import csv
import io
import json
from datetime import date

import pytest
from beancount import loader
from django.test import Client
from django.urls import reverse

from samen.ledger.actions import account_for, ledger_post, ledger_reverse, ledger_seal
from samen.ledger.canonical import row_hash, seal_digest
from samen.ledger.models import AccountPurpose, TransactionKind, Unit
from samen.ledger.tests.factories import check_json_names, collective_eur, donate, outside_eur

pytestmark = pytest.mark.django_db


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def history(books, dries, eva):
    """Public and private facts mixed: an incognito donor, a named donor, an expense to Eva
    whose e-mail is known to the platform, and a non-public transaction."""
    books.host.iban = "BE68539007547034"
    books.host.contact_email = "treasurer@brussels.example"
    books.host.save()
    donate(books.garden, 100_00, "don-1", name=dries.public_name, description="Seeds fund")
    donate(books.garden, 20_00, "don-2", name="", description="Monthly gift")
    collective = collective_eur(books.garden)
    ledger_post(
        actor=None,
        kind=TransactionKind.EXPENSE,
        description="Compost bins",
        lines=[(collective, -30_00), (outside_eur(), 30_00)],
        idempotency_key="exp-1",
        counterparty_name=eva.public_name,
    )
    ledger_post(
        actor=None,
        kind=TransactionKind.TRANSFER,
        description="Secret settlement with Zoë Hidden",
        lines=[(collective, -1_00), (outside_eur(), 1_00)],
        idempotency_key="private-1",
        counterparty_name="Zoë Hidden",
        is_public=False,
    )
    fee = account_for(purpose=AccountPurpose.HOST_FEE_INCOME, unit=Unit.eur(), host=books.host)
    ledger_post(
        actor=None,
        kind=TransactionKind.HOST_FEE,
        description="Host fee",
        lines=[(collective, -5_00), (fee, 5_00)],
        idempotency_key="fee-1",
        effective_date=date(2025, 6, 1),
    )
    donate(books.repair, 7_00, "don-3", name="Chloé's aunt", description="Tools")
    return books


PRIVATE = ["dries@example.org", "eva@example.org", "BE68539007547034", "treasurer@brussels", "Zoë"]


def assert_nothing_private(text: str) -> None:
    for secret in PRIVATE:
        assert secret not in text


def test_collective_page_for_anonymous_visitor(client: Client, history):
    response = client.get("/collectives/buurtmoestuin/transactions/")
    text = body(response)
    assert response.status_code == 200
    assert "Seeds fund" in text
    assert "Dries" in text
    assert "Anonymous" in text  # the incognito gift
    assert "Compost bins" in text
    assert "Tools" not in text  # another collective's
    assert_nothing_private(text)


def test_host_page_covers_its_collectives(client: Client, history):
    text = body(client.get("/hosts/brussels/transactions/"))
    assert "Seeds fund" in text
    assert "Tools" in text
    assert "Host fee" in text
    assert_nothing_private(text)


def test_filters(client: Client, history):
    url = "/collectives/buurtmoestuin/transactions/"
    text = body(client.get(url, {"kind": "expense"}))
    assert "Compost bins" in text
    assert "Seeds fund" not in text
    text = body(client.get(url, {"q": "seeds"}))
    assert "Seeds fund" in text
    assert "Compost" not in text
    text = body(client.get(url, {"date_to": "2025-12-31"}))
    assert "Host fee" in text
    assert "Seeds fund" not in text
    response = client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert "The start date is after the end date." in body(response)
    assert client.get(url, {"kind": "bogus", "before": "x"}).status_code == 200


def test_keyset_pages_and_query_count(client: Client, books, django_assert_max_num_queries):
    for i in range(60):
        donate(books.garden, 1_00 + i, f"k{i}", description=f"Gift number {i:02d}")
    url = "/collectives/buurtmoestuin/transactions/"
    # The chart's money summary adds a fixed number of queries (then cached per newest
    # entry); none grows with the number of rows.
    with django_assert_max_num_queries(20):
        first = body(client.get(url))
    assert "Gift number 59" in first
    assert "Gift number 09" not in first
    assert 'rel="next"' in first
    next_href = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    with django_assert_max_num_queries(14):  # the summary read from the cache
        second = body(client.get(url + next_href.replace("&amp;", "&")))
    assert "Gift number 09" in second
    assert "Gift number 59" not in second
    assert 'rel="next"' not in second


def test_htmx_gets_the_fragment(client: Client, history):
    response = client.get("/collectives/buurtmoestuin/transactions/", HTTP_HX_REQUEST="true")
    text = body(response)
    assert "Seeds fund" in text
    assert "<html" not in text


def test_unknown_owner_is_404(client: Client, db):
    assert client.get("/collectives/nope/transactions/").status_code == 404
    assert client.get("/hosts/nope/books.beancount").status_code == 404


def test_csv_export(client: Client, history):
    response = client.get("/collectives/buurtmoestuin/transactions.csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(body(response))))
    by_description = {r["description"]: r for r in rows}
    assert by_description["Seeds fund"]["amount"] == "100.00"
    assert by_description["Compost bins"]["amount"] == "-30.00"
    assert by_description["Monthly gift"]["counterparty"] == "Anonymous"
    assert "Secret settlement with Zoë Hidden" not in by_description
    assert_nothing_private(body(client.get("/hosts/brussels/transactions.csv")))


def test_json_export_recomputes_row_hashes_and_seal(client: Client, history):
    seal = ledger_seal()
    assert seal is not None
    response = client.get("/hosts/brussels/transactions.json")
    assert response.streaming
    text = body(response)
    assert_nothing_private(text)
    data = json.loads(text)
    assert data["owner"]["slug"] == "brussels"
    records = data["transactions"]
    private = [r for r in records if r["public"] is False]
    assert len(private) == 1
    assert set(private[0]) == {"id", "public", "row_hash", "seal"}
    shown = ("row_hash", "seal", "counterparty_name", "counterparty_salt", "folded")
    for record in records:
        assert record["seal"] == seal.pk
        if record["public"]:
            fields = {k: v for k, v in record.items() if k not in shown}
            assert row_hash(fields) == record["row_hash"]
    # Each name checks against the commitment its record carries.
    names = {r["counterparty_name"]: r for r in check_json_names(text)}
    assert names["Dries"]["counterparty_salt"]
    assert names["Anonymous"]["counterparty"] == ""
    assert names["Anonymous"]["counterparty_salt"] is None
    # An outsider recomputes the seal from its published row hashes.
    published = json.loads(body(client.get(f"/ledger/seals/{seal.pk}.json")))
    hashes = [row["row_hash"] for row in published["rows"]]
    assert seal_digest(published["previous_digest"], hashes) == published["digest"]
    assert {r["row_hash"] for r in records} <= set(hashes)


def test_beancount_export_passes_bean_check(client: Client, history, anna):
    original = donate(history.garden, 3_00, "don-x", name="Bob")
    ledger_reverse(actor=anna, transaction=original, reason='Bounced "twice"', idempotency_key="r")
    response = client.get("/hosts/brussels/books.beancount")
    text = body(response)
    assert_nothing_private(text)
    entries, errors, _options = loader.load_string(text)
    assert errors == []
    transactions = [e for e in entries if type(e).__name__ == "Transaction"]
    assert len(transactions) == 8
    assert "Liabilities:Collective:Buurtmoestuin:CollectiveBalance:EUR" in text


def test_seals_page(client: Client, history):
    assert "Nothing has been sealed yet" in body(client.get("/ledger/seals/"))
    seal = ledger_seal()
    assert seal is not None
    text = body(client.get(reverse("ledger:seals")))
    assert seal.digest in text
    assert client.get("/ledger/seals/999.json").status_code == 404


def test_money_summary_partial(client: Client, history):
    from django.template import Context, Template

    html = Template("{% load ledger %}{% money_summary owner %}").render(
        Context({"owner": history.garden})
    )
    assert "Money" in html
    assert "<svg" in html
    assert "€84.00" in html  # 100 + 20 - 30 - 1 - 5
    assert "Seeds fund" in html
    assert_nothing_private(html)
    host_html = Template("{% load ledger %}{% money_summary owner %}").render(
        Context({"owner": history.host})
    )
    assert "€91.00" in host_html  # both collectives


def test_page_in_dutch_and_french(client: Client, history):
    text = body(client.get("/collectives/buurtmoestuin/transactions/", HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Transacties van Buurtmoestuin" in text
    assert "100,00 €" in text
    assert "Anoniem" in text
    text = body(client.get("/collectives/buurtmoestuin/transactions/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Transactions de Buurtmoestuin" in text
    assert "Anonyme" in text
