"""Guarantee arithmetic (R-STORE-1/3): floors × area × term, storage years.

`term_years` and `total_value_fen` come from `valuation.formulas` (end-inclusive terms: a term
from 1 January 2027 to 31 December 2036 is 10 years). Until that module has them, the adapter
below computes the same with the exact same signature.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

try:  # pragma: no cover - depends on the branch the integrator merges
    from valuation.formulas import term_years, total_value_fen
except ImportError:  # adapter: same signature as valuation.formulas (helper H4)

    def _add_years(day: dt.date, years: int) -> dt.date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February
            return day.replace(year=day.year + years, day=28)

    def term_years(start: dt.date, end: dt.date) -> Decimal:
        """Years from `start` to `end` inclusive: whole years plus the part year by days."""
        stop = end + dt.timedelta(days=1)
        years = stop.year - start.year
        if _add_years(start, years) > stop:
            years -= 1
        anniversary = _add_years(start, years)
        year_len = (_add_years(anniversary, 1) - anniversary).days
        return Decimal(years) + Decimal((stop - anniversary).days) / Decimal(year_len)

    def total_value_fen(*, price_fen_per_mu_year, area_mu, term_start, term_end) -> int:
        """Price per mu per year × area × term (end-inclusive), rounded half up to the fen."""
        value = (
            Decimal(int(price_fen_per_mu_year))
            * Decimal(str(area_mu))
            * term_years(term_start, term_end)
        )
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def annual_fen(*, floor_per_mu_year_fen, area_mu) -> int:
    """One year's guarantee of a parcel: floor × area, rounded half up to the fen (R-STORE-3)."""
    value = Decimal(int(floor_per_mu_year_fen)) * Decimal(str(area_mu))
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


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
        amount = int((Decimal(annual_fen_total) * fraction).quantize(Decimal(1), ROUND_HALF_UP))
        rows.append((index, due_on, amount))
        paid += amount
    index, due_on, _fraction = years[-1]
    rows.append((index, due_on, total_fen - paid))
    return rows
