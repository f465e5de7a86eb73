"""R-DEAL-7 lease terms and total values in valuation/formulas.py: table tests, no database.

The end date is inclusive (docs/rules.md, "Lease terms"): with e = end + 1 day, n = the whole
years with start + n years ≤ e, term = n + (e − (start + n years)).days / 365.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from valuation import formulas

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        # whole years: a contract "2027-01-01 to 2036-12-31" is ten years, not 9.9973
        (D(2027, 1, 1), D(2036, 12, 31), Fraction(10)),
        (D(2027, 1, 1), D(2027, 12, 31), Fraction(1)),
        (D(2026, 7, 1), D(2031, 6, 30), Fraction(5)),
        # part years: the rest in days / 365
        # 2030-03-15 → 2030-07-01 = 16 + 30 + 31 + 30 + 1 = 108 days
        (D(2027, 3, 15), D(2030, 6, 30), 3 + Fraction(108, 365)),
        (D(2027, 1, 1), D(2027, 1, 1), Fraction(1, 365)),  # one day
        (D(2027, 1, 1), D(2027, 6, 30), Fraction(181, 365)),  # 31+28+31+30+31+30
        # a leap year's 366 days from 1 January 2028: one year and one day over 365
        (D(2028, 1, 1), D(2028, 12, 30), Fraction(365, 365)),
        (D(2028, 3, 1), D(2029, 2, 28), Fraction(1)),
        # 29 February start: its anniversary in a common year is 28 February
        (D(2028, 2, 29), D(2029, 2, 27), Fraction(1)),  # e = 2029-02-28 = start + 1 year
        (D(2028, 2, 29), D(2032, 2, 28), Fraction(4)),  # e = 2032-02-29
        (D(2028, 2, 29), D(2029, 2, 28), 1 + Fraction(1, 365)),
    ],
)
def test_term_years_counts_the_end_date_and_the_part_year_in_days_of_365(start, end, years):
    # when
    term = formulas.term_years(start, end)
    # then: exact to the working precision, never rounded to 0.01
    assert abs(Fraction(term) - years) < Fraction(1, 10**35)


def test_term_years_of_ten_calendar_years_is_exactly_ten():
    assert formulas.term_years(D(2027, 1, 1), D(2036, 12, 31)) == Decimal(10)


def test_it_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="^end: "):
        formulas.term_years(D(2027, 1, 2), D(2027, 1, 1))


@pytest.mark.parametrize(
    ("price", "area", "years", "fen"),
    [
        # the example: 1234 × 3.3333 × 10.5 = 43 189.568 → 43 190 (rounded once; rounding
        # the annual rent first gave 4113 × 10.5 = 43 186.5 → 43 187)
        (1234, "3.3333", "10.5", 43_190),
        # half a fen rounds up
        (1, "0.5", "1", 1),
        (3, "0.5", "1", 2),
        (52_000, "20", "10", 10_400_000),
    ],
)
def test_lease_value_rounds_price_area_years_once_half_up(price, area, years, fen):
    assert (
        formulas.lease_value_fen(
            price_fen_per_mu_year=price, area_mu=Decimal(area), years=Decimal(years)
        )
        == fen
    )


def test_total_value_uses_the_inclusive_term():
    # given 1234 fen/mu/yr on 3.3333 mu for 2027-01-01..2036-12-31 (10 years)
    # when
    fen = formulas.total_value_fen(
        price_fen_per_mu_year=1234,
        area_mu=Decimal("3.3333"),
        term_start=D(2027, 1, 1),
        term_end=D(2036, 12, 31),
    )
    # then 1234 × 3.3333 × 10 = 41 132.922 → 41 133
    assert fen == 41_133


def test_total_value_of_a_part_year_term():
    # 100 fen × 365 mu × (3 + 108/365) years = 100 × (1095 + 108) = 120 300 exactly
    fen = formulas.total_value_fen(
        price_fen_per_mu_year=100,
        area_mu=365,
        term_start=D(2027, 3, 15),
        term_end=D(2030, 6, 30),
    )
    assert fen == 120_300
