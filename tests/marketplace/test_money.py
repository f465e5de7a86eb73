"""Money helpers: integer fen in storage, Decimal yuan in arithmetic, ROUND_HALF_UP (STYLE.md §5)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace import money


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [
        ("0.005", 1),
        ("0.004", 0),
        ("12345.675", 1234568),
        ("-1.005", -101),
        (7, 700),
        ("1,000", 100000),
    ],
)
def test_yuan_to_fen_rounds_half_up(yuan, fen):
    assert money.yuan_to_fen(yuan) == fen


def test_it_refuses_floats_so_amounts_never_pass_through_float():
    with pytest.raises(money.MoneyError):
        money.yuan_to_fen(0.1)
    with pytest.raises(money.MoneyError):
        money.fen_to_yuan(10.0)


def test_it_refuses_text_that_is_not_an_amount():
    with pytest.raises(money.MoneyError):
        money.to_decimal("十元")
    with pytest.raises(money.MoneyError):
        money.to_decimal("NaN")


def test_formats_yuan_with_thousands_and_two_decimals():
    assert money.format_yuan(Decimal("12345.6")) == "¥12,345.60"
    assert money.format_yuan(Decimal("-3")) == "-¥3.00"


def test_formats_large_sums_in_wan_yuan():
    assert money.format_wan_yuan(Decimal("12300")) == "1.23万元"
    assert money.format_wan_yuan(Decimal("15000000")) == "1,500.00万元"


def test_deposit_rounding_goes_up_to_whole_yuan():
    assert money.ceil_yuan(Decimal("1234.01")) == Decimal("1235")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_fen_survives_a_round_trip_through_yuan(fen):
    assert money.yuan_to_fen(money.fen_to_yuan(fen)) == fen


def test_template_filters_show_money_area_and_dates(settings):
    import datetime as dt

    from marketplace.templatetags import exchange

    assert exchange.fen_yuan(1234560) == "¥12,345.60"
    assert exchange.fen_wan_yuan(1230000) == "1.23万元"
    assert exchange.mu(Decimal("12.3456")) == "12.35 亩"
    assert exchange.mu(Decimal("3.0000")) == "3 亩"
    assert exchange.cn_date(dt.date(2026, 11, 28)) == "2026年11月28日"
