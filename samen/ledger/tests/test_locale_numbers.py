"""Every chart, rendered in each language, must carry numbers an SVG parser can read: the
money chart, the expenses by category, the credits in circulation and debt, a member's
credit balance.

Django localises floats in templates (``7,5`` in nl and fr); a browser then drops the shape.
These tests parse every numeric SVG attribute as the browser would.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from samen.credits.charts import balance_chart
from samen.ledger.actions import ledger_post
from samen.ledger.models import TransactionKind
from samen.ledger.tests.factories import collective_eur, donate, outside_eur
from samen.lib.money import Money, SimpleUnit, format_money
from samen.lib.spreadsheet import csv_amount
from samen.lib.svg import svg_number

LANGUAGES = ["en", "nl", "fr"]
NUMERIC = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"}
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svg_numbers(html: str) -> list[float]:
    """Parse every SVG in ``html`` strictly and return all its coordinates."""
    found = SVG.findall(html)
    assert found, "no chart on the page"
    numbers: list[float] = []
    for text in found:
        root = ET.fromstring(text)
        for element in root.iter():
            for name, value in element.attrib.items():
                if name in NUMERIC:
                    numbers.append(float(value))
                elif name == "viewBox":
                    parts = value.split()
                    assert len(parts) == 4, value
                    numbers += [float(p) for p in parts]
                elif name == "points":
                    for pair in value.split():
                        x, y = pair.split(",")
                        numbers += [float(x), float(y)]
    return numbers


@pytest.fixture
def money(books):
    donate(books.garden, 123_45, "chart-1")
    donate(books.repair, 7_10, "chart-2")
    ledger_post(
        actor=None,
        kind=TransactionKind.EXPENSE,
        description="Compost bins",
        lines=[(collective_eur(books.garden), -30_05), (outside_eur(), 30_05)],
        idempotency_key="chart-3",
    )
    return books


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "url",
    [
        "/collectives/buurtmoestuin/",
        "/hosts/brussels/",
        "/collectives/buurtmoestuin/transactions/",
        "/hosts/brussels/transactions/",
    ],
)
def test_money_chart_numbers_survive_every_language(client: Client, money, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    numbers = svg_numbers(response.content.decode())
    # Bars start at fractions of a slot: a decimal comma would have split or broken them.
    assert any(n != int(n) for n in numbers)
    assert all(-1 <= n <= 600 for n in numbers)


@pytest.mark.django_db
def test_the_transactions_page_has_its_chart_of_money_in_and_out(client: Client, money):
    html = client.get(
        "/collectives/buurtmoestuin/transactions/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    chart = html.split('data-testid="transactions-chart"')[1].split("</section>")[0]
    assert "Money in and out per month" in chart
    assert 'fill="#198754"' in chart  # money in
    assert 'fill="#dc3545"' in chart  # money out
    assert "€123.45" in chart  # the numbers, for screen readers


def chart_in(html: str, testid: str) -> str:
    """The part of a page inside the element marked ``data-testid=testid``."""
    return html.split(f'data-testid="{testid}"')[1].split("</section>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", ["/collectives/{collective}/", "/hosts/{host}/"])
def test_expenses_by_category_chart_numbers_survive_every_language(
    client: Client, community, url, language
):
    from samen.expenses import actions
    from samen.expenses.tests.factories import fund, make_expense

    rent = actions.accounting_category_save(
        actor=community.anna, host=community.host, code="6130", name="Rent", name_nl="Huur"
    )
    for amount, category in [(123_45, rent), (7_10, None)]:
        fund(community.collective, amount)
        expense = make_expense(
            community.chloe, community.collective, amount=amount, category=category
        )
        expense = actions.expense_approve(actor=community.anna, expense=expense)
        actions.expense_pay(actor=community.anna, expense=expense, paid_on=timezone.localdate())
    response = client.get(
        url.format(collective=community.collective.slug, host=community.host.slug),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    numbers = svg_numbers(chart_in(response.content.decode(), "spending-by-category"))
    assert any(n != int(n) for n in numbers)
    assert all(0 <= n <= 600 for n in numbers)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_credits_circulation_chart_numbers_survive_every_language(
    client: Client, community, language
):
    from samen.credits.actions import delivery_confirm, delivery_record
    from samen.credits.tests.factories import make_scheme

    scheme = make_scheme(community)
    delivery = delivery_record(
        actor=community.bram,
        scheme=scheme,
        service_code="session",
        on=timezone.localdate(),
        member=community.chloe,
    )
    delivery_confirm(actor=community.chloe, delivery=delivery)
    client.force_login(community.anna)
    response = client.get(f"/credits/{community.host.slug}/dashboard/?lang={language}")
    assert response.status_code == 200
    numbers = svg_numbers(chart_in(response.content.decode(), "circulation-chart"))
    # Eleven months apart on 544 units of width: a decimal comma would have broken them.
    assert any(n != int(n) for n in numbers)
    assert all(0 <= n <= 600 for n in numbers)


@pytest.mark.parametrize("language", LANGUAGES)
def test_credit_balance_chart_numbers_survive_every_language(language):
    history = [(dt.date(2026, month, 28), amount) for month, amount in [(1, 1500), (2, -2250)]]
    with translation.override(language):
        html = str(balance_chart(history, 3, "SIF"))
    numbers = svg_numbers(html)
    assert any(n != int(n) for n in numbers)


def test_svg_number_is_never_localised():
    with translation.override("nl"):
        assert svg_number(7.5) == "7.5"
        assert svg_number(1234.56) == "1234.6"
        assert svg_number(12.0) == "12"
        assert svg_number(-0.01) == "0"


def test_english_dates_in_belgian_order_and_amounts_per_language():
    day = dt.date(2026, 12, 2)
    with translation.override("en"):
        assert date_format(day) == "2 Dec 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "02/12/2026"
    with translation.override("nl"):
        assert date_format(day, "SHORT_DATE_FORMAT") in ("2-12-2026", "02-12-2026")
    with translation.override("fr"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "02/12/2026"
    eur = Money(123_450, SimpleUnit("EUR", 2))
    assert format_money(eur, "en") == "€1,234.50"
    assert format_money(eur, "nl") == "1.234,50 €"
    assert format_money(eur, "fr") == "1.234,50 €"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_csv_amounts_are_plain_numbers_in_every_language(client: Client, money, language):
    response = client.get(
        "/collectives/buurtmoestuin/transactions.csv", HTTP_ACCEPT_LANGUAGE=language
    )
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    amounts = sorted(row["amount"] for row in csv.DictReader(io.StringIO(text)))
    assert amounts == ["-30.05", "123.45"]


def test_csv_amounts_are_exact_plain_numbers():
    assert csv_amount(-123_450) == "-1234.50"
    assert csv_amount(5, 3) == "0.005"
