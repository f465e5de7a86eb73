"""Guarantee arithmetic (R-STORE-1/3): floors × area × term, storage years.

`term_years` and `total_value_fen` come from `valuation.formulas` (end-inclusive terms: a term
from 1 January 2027 to 31 December 2036 is 10 years); rounding is `marketplace.money`'s.
"""

import datetime as dt
from decimal import Decimal

from marketplace.money import round_fen
from valuation.formulas import add_years, lease_value_fen, term_years, total_value_fen

__all__ = ["annual_fen", "instalment_amounts", "storage_years", "term_years", "total_value_fen"]


def annual_fen(*, floor_per_mu_year_fen, area_mu) -> int:
    """One year's guarantee of a parcel: floor × area, rounded half up to the fen (R-STORE-3)."""
    return lease_value_fen(price_fen_per_mu_year=floor_per_mu_year_fen, area_mu=area_mu, years=1)


def storage_years(term_start: dt.date, term_end: dt.date) -> list[tuple[int, dt.date, Decimal]]:
    """(year index from 1, first day, fraction of a full year) for each storage year."""
    out = []
    k = 0
    while True:
        start = add_years(term_start, k)
        if start > term_end:
            return out
        end = min(add_years(term_start, k + 1) - dt.timedelta(days=1), term_end)
        out.append((k + 1, start, min(Decimal(1), term_years(start, end))))
        k += 1


def instalment_amounts(*, annual_fen_total: int, total_fen: int, term_start, term_end):
    """[(year index, due on, amount fen)]: annual × fraction, the last takes the rest so the
    instalments add up to `total_fen` exactly."""
    years = storage_years(term_start, term_end)
    rows = []
    paid = 0
    for index, due_on, fraction in years[:-1]:
        amount = round_fen(Decimal(annual_fen_total) * fraction)
        rows.append((index, due_on, amount))
        paid += amount
    index, due_on, _fraction = years[-1]
    rows.append((index, due_on, total_fen - paid))
    return rows
