from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from samen.lib.money import EUR, Money, SimpleUnit, format_amount, format_money, parse_amount

SIF = SimpleUnit("SIF", 3)


def test_arithmetic_same_unit_only():
    assert Money(150, EUR) + Money(50, EUR) == Money(200, EUR)
    assert Money(150, EUR) - Money(200, EUR) == Money(-50, EUR)
    assert -Money(5, EUR) == Money(-5, EUR)
    assert Money(5, EUR) * 3 == Money(15, EUR)
    with pytest.raises(ValueError, match="SIF"):
        Money(1, EUR) + Money(1, SIF)
    with pytest.raises(TypeError):
        Money(1.5, EUR)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(1, EUR) * 1.5  # type: ignore[operator]


def test_as_decimal_is_exact():
    assert Money(123456, EUR).as_decimal() == Decimal("1234.56")
    assert str(Money(-5, SIF).as_decimal()) == "-0.005"


@pytest.mark.parametrize(
    ("language", "money", "expected"),
    [
        ("nl", Money(123456, EUR), "1.234,56 €"),
        ("fr", Money(123456, EUR), "1.234,56 €"),
        ("en", Money(123456, EUR), "€1,234.56"),
        ("en", Money(-5, EUR), "-€0.05"),
        ("nl", Money(-123456789, EUR), "-1.234.567,89 €"),
        ("nl", Money(12500, SIF), "12,500 SIF"),
        ("en", Money(12500, SIF), "12.500 SIF"),
    ],
)
def test_format_money(language, money, expected):
    assert format_money(money, language) == expected


@pytest.mark.parametrize(
    ("text", "decimals", "expected"),
    [
        ("12", 2, 1200),
        ("12,5", 2, 1250),
        ("12.50", 2, 1250),
        ("1.234,56", 2, 123456),
        ("1,234.56", 2, 123456),
        ("€ 1 234,56", 2, 123456),
        ("1.234.567", 2, 123456700),
        ("-0,05", 2, -5),
        ("1,5", 3, 1500),
        ("0.125", 3, 125),
    ],
)
def test_parse_amount(text, decimals, expected):
    assert parse_amount(text, decimals) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "0,001", "1e5", "--1", "1,23,4"])
def test_parse_amount_refuses(text):
    with pytest.raises(ValueError, match=r"amount|decimal"):
        parse_amount(text, 2)


def test_money_filter_uses_active_language():
    template = Template("{% load money %}{{ amount|money:'EUR' }}")
    with translation.override("nl"):
        assert template.render(Context({"amount": 123456})) == "1.234,56 €"
    with translation.override("en"):
        assert template.render(Context({"amount": 123456})) == "€1,234.56"


def test_the_one_formatter_serves_invoices_credits_and_inputs():
    from samen.invoicing.templatetags.euros import credits, euros
    from samen.lib.money import to_amount

    assert to_amount(Decimal("1234.565"), 2) == 123456  # half to even, as the columns round
    assert to_amount(Decimal("-0.5"), 0) == 0
    assert format_amount(123456, 2, "nl", grouped=False) == "1234,56"
    assert format_amount(-123456, 2, "en", grouped=False) == "-1234.56"
    with translation.override("nl"):
        assert euros(Decimal("-1234.5")) == "-1.234,50\u00a0€"
        assert credits(Decimal("1234.500")) == "1.234,5"
    with translation.override("en"):
        assert euros(Decimal("1234.5")) == "€1,234.50"
        assert credits(Decimal("2.250")) == "2.25"
        assert credits(Decimal("100")) == "100"
