"""The one amount parser: bounded per kind, never cut, never guessing an ambiguous amount."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from samen.lib.dates import DateErrorCode, DateOutOfWindow, check_money_date, money_date_window
from samen.lib.money import (
    AmbiguousAmount,
    AmountError,
    AmountErrorCode,
    AmountKind,
    amount_from_text,
    check_amount,
    parse_amount,
)


def _code(text: str, kind: str = AmountKind.CONTRIBUTION, **kwargs) -> str:
    with pytest.raises(AmountError) as info:
        amount_from_text(text, 2, kind=kind, **kwargs)
    return str(info.value.code)


def test_twelve_point_three_four_five_is_asked_back_not_guessed() -> None:
    with pytest.raises(AmbiguousAmount):
        parse_amount("12.345", 2)
    with translation.override("nl"), pytest.raises(AmountError) as info:
        amount_from_text("12.345", 2, kind=AmountKind.CONTRIBUTION)
    assert info.value.code == AmountErrorCode.AMBIGUOUS
    assert "12.345,00" in info.value.message
    assert "12,345" in info.value.message
    assert "?" in info.value.message
    # Unambiguous spellings of the same amounts still work.
    assert amount_from_text("12345", 2, kind=AmountKind.CONTRIBUTION) == 1_234_500
    assert amount_from_text("12.345,00", 2, kind=AmountKind.CONTRIBUTION) == 1_234_500
    assert amount_from_text("12,35", 2, kind=AmountKind.CONTRIBUTION) == 1235
    # A credit with three decimals reads it as a decimal point, as before.
    assert amount_from_text("12.345", 3, kind=AmountKind.CREDIT) == 12_345


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e30", "-inf", "12,5a", "1 2 3 x"])
def test_non_numbers_are_refused(text: str) -> None:
    assert _code(text) == AmountErrorCode.INVALID


def test_each_kind_has_its_upper_bound() -> None:
    assert _code("21474836.48") == AmountErrorCode.TOO_LARGE  # 2^31 cents
    assert _code("9" * 40, AmountKind.ADJUSTMENT, allow_negative=True) == "amount_too_large"
    assert _code("-" + "9" * 40, AmountKind.ADJUSTMENT, allow_negative=True) == "amount_too_large"
    assert _code("100000000000000000000", AmountKind.FEE) == AmountErrorCode.TOO_LARGE
    assert amount_from_text("1000000", 2, kind=AmountKind.CONTRIBUTION) == 100_000_000
    with pytest.raises(AmountError) as info:
        check_amount(10**20, 2, kind=AmountKind.FEE)
    assert "100,000.00" in info.value.message


def test_bounds_are_configurable() -> None:
    with override_settings(AMOUNT_LIMITS={AmountKind.CONTRIBUTION: 500}):
        assert _code("500,01") == AmountErrorCode.TOO_LARGE
        assert amount_from_text("500", 2, kind=AmountKind.CONTRIBUTION) == 50_000


def test_long_input_is_refused_never_cut() -> None:
    from samen.funding.forms import AmountField

    # The contribution form kept the first 20 characters of this and read 12,50.
    with pytest.raises(ValidationError) as info:
        AmountField().clean("12,50" + " " * 20 + "x")
    assert info.value.code == AmountErrorCode.INVALID
    assert _code("12,50" + " " * 20 + "x") == AmountErrorCode.INVALID
    assert _code("1" * 101) == AmountErrorCode.INVALID


def test_sign_and_zero_rules() -> None:
    assert _code("-5") == AmountErrorCode.NOT_POSITIVE
    assert _code("0") == AmountErrorCode.NOT_POSITIVE
    assert amount_from_text("0", 2, kind=AmountKind.FEE, allow_zero=True) == 0
    assert _code("0", AmountKind.ADJUSTMENT, allow_negative=True) == AmountErrorCode.ZERO
    assert amount_from_text("-3,20", 2, kind=AmountKind.ADJUSTMENT, allow_negative=True) == -320


def test_money_dates_have_a_window() -> None:
    today = dt.date(2026, 12, 3)
    earliest, latest = money_date_window(today=today)
    assert earliest.year == 2023
    assert latest == dt.date(2027, 1, 3)
    for value, code in (
        (dt.date(1900, 1, 1), DateErrorCode.TOO_EARLY),
        (dt.date(1, 1, 1), DateErrorCode.TOO_EARLY),
        (dt.date(9999, 12, 31), DateErrorCode.TOO_LATE),
    ):
        with pytest.raises(DateOutOfWindow) as info:
            check_money_date(value, today=today, field="paid_on")
        assert info.value.code == code
        assert info.value.field == "paid_on"
    assert check_money_date(today, today=today) == today
    with pytest.raises(DateOutOfWindow):
        check_money_date(dt.date(2026, 11, 1), today=today, not_before=dt.date(2026, 11, 15))
    with override_settings(MONEY_DATE_MAX_AHEAD_DAYS=0), pytest.raises(DateOutOfWindow):
        check_money_date(dt.date(2026, 12, 4), today=today)
