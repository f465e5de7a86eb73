"""Valuation formulas (R-VAL, R-DEAL-6, R-REG-4): pure Decimal functions, standard library only.

Every function takes keyword-only arguments (Decimal, int or str; never float) and returns an
unrounded `Decimal` in yuan: callers round to the fen (`marketplace.money.round_yuan`).
Nonsense is refused with a `ValueError` whose message starts with the argument's name.
The derivations are in docs/valuation.md; bump FORMULA_VERSION whenever a result can change.
"""

import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction

FORMULA_VERSION = "2026.1"

# Working precision: 40 significant digits keeps a 10^12-yuan value exact far below the fen.
PRECISION = 40

ZERO = Decimal(0)
ONE = Decimal(1)

# R-DEAL-7: a part year is counted in days of 365 (docs/rules.md, "Lease terms").
DAYS_PER_YEAR = 365

# Method codes (the same strings as ValuationReport.Method values).
INCOME_CAPITALISATION = "income_capitalisation"
GROWING_INCOME = "growing_income"
FOREST_MARKET_PRICE_BACK = "forest_market_price_back"
FOREST_HARVEST_PRESENT_VALUE = "forest_harvest_present_value"
FOREST_REPLACEMENT_COST = "forest_replacement_cost"
FOREST_ANNUITY = "forest_annuity"

# R-VAL-2: stand age class -> method.
FOREST_METHOD_BY_AGE_CLASS = {
    "young": FOREST_REPLACEMENT_COST,
    "middle": FOREST_HARVEST_PRESENT_VALUE,
    "near_mature": FOREST_HARVEST_PRESENT_VALUE,
    "mature": FOREST_MARKET_PRICE_BACK,
    "over_mature": FOREST_MARKET_PRICE_BACK,
}

# R-DEAL-6 bands (差额递减累进): (upper bound in yuan or None, rate).
SERVICE_FEE_BANDS = (
    (Decimal(500_000), Decimal("0.013")),
    (Decimal(1_000_000), Decimal("0.012")),
    (Decimal(5_000_000), Decimal("0.010")),
    (Decimal(10_000_000), Decimal("0.008")),
    (Decimal(20_000_000), Decimal("0.005")),
    (None, Decimal("0.003")),
)
SERVICE_FEE_MINIMUM = Decimal(200)

# R-REG-4 deposit defaults.
DEPOSIT_SHARE = Decimal("0.30")
DEPOSIT_MINIMUM = Decimal(1000)


def _dec(name, value, *, allow_none=False):
    """`value` as a finite Decimal, or a ValueError naming `name`."""
    if value is None:
        if allow_none:
            return None
        raise ValueError(f"{name}: is required")
    if isinstance(value, bool | float):
        raise ValueError(f"{name}: must be a Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{name}: not a number: {value!r}") from None
    else:
        raise ValueError(f"{name}: must be a Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{name}: must be a finite number, not {value!r}")
    return result


def _round(value, *, places=0, rounding=ROUND_HALF_UP) -> Decimal:
    """The one rounding of this module (a pure module may not import marketplace.money)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def _positive(name, value):
    result = _dec(name, value)
    if result <= 0:
        raise ValueError(f"{name}: must be greater than 0 (got {result})")
    return result


def _non_negative(name, value):
    result = _dec(name, value)
    if result < 0:
        raise ValueError(f"{name}: must not be negative (got {result})")
    return result


def _years(name, value):
    """A term in years: positive, possibly fractional; None means perpetual."""
    if value is None:
        return None
    return _positive(name, value)


def _annuity_factor(rate, years):
    """(1 − (1+r)^−n) / r, the present value of 1 yuan a year for n years; 1/r when perpetual."""
    if years is None:
        return ONE / rate
    return (ONE - (ONE + rate) ** -years) / rate


def income_capitalisation(*, annual_income, rate, years):
    """R-VAL-1 (GB/T 28406 收益还原法): P = a/r·(1 − (1+r)^−n); years=None → P = a/r."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        a = _non_negative("annual_income", annual_income)
        r = _positive("rate", rate)
        n = _years("years", years)
        return a * _annuity_factor(r, n)


def growing_income_capitalisation(*, annual_income, rate, growth, years):
    """Income growing at g a year: P = a/(r−g)·(1 − ((1+g)/(1+r))^n); g < r; None → a/(r−g)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        a = _non_negative("annual_income", annual_income)
        r = _positive("rate", rate)
        g = _dec("growth", growth)
        if g >= r:
            raise ValueError(f"growth: must be below the rate {r} (got {g})")
        if g <= -1:
            raise ValueError(f"growth: must be greater than -1 (got {g})")
        n = _years("years", years)
        if n is None:
            return a / (r - g)
        return a / (r - g) * (ONE - ((ONE + g) / (ONE + r)) ** n)


def term_adjustment(*, rate, from_years, to_years):
    """Term correction K = (1 − (1+r)^−n)/(1 − (1+r)^−m): a value for m years → for n years.

    m = from_years, n = to_years; None means perpetual (the bracket becomes 1).
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        r = _positive("rate", rate)
        m = _years("from_years", from_years)
        n = _years("to_years", to_years)
        return (_annuity_factor(r, n) * r) / (_annuity_factor(r, m) * r)


def forest_market_price_back(*, revenue, costs, profit):
    """R-VAL-2 (LY/T 2407 市场价倒算法) for mature stands: E = W − C − F.

    W = timber sales revenue, C = harvest and transport costs with taxes and fees, F = the
    harvester's reasonable profit. The result may be negative (the stand does not pay its
    harvest); the caller decides what to do with that.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        w = _non_negative("revenue", revenue)
        c = _non_negative("costs", costs)
        f = _non_negative("profit", profit)
        return w - c - f


def _pairs(name, pairs):
    if pairs is None:
        return []
    if isinstance(pairs, str | bytes) or not hasattr(pairs, "__iter__"):
        raise ValueError(f"{name}: must be a list of (age, amount) pairs")
    result = []
    for index, pair in enumerate(pairs):
        try:
            age, amount = pair
        except (TypeError, ValueError):
            raise ValueError(f"{name}: item {index + 1} is not an (age, amount) pair") from None
        result.append(
            (
                _non_negative(f"{name}[{index + 1}].age", age),
                _non_negative(f"{name}[{index + 1}].amount", amount),
            )
        )
    return result


def forest_harvest_present_value(
    *, quality_factor, final_net_income, thinnings, costs, rate, rotation_age, current_age
):
    """R-VAL-2 (LY/T 2407 收获现值法) for middle-aged and near-mature stands.

    E_n = K·[A_u + Σ D_a(1+P)^(u−a)] / (1+P)^(u−n) − Σ_{i=n..u} C_i / (1+P)^(i−n+1)

    K = quality_factor, A_u = final_net_income at the rotation age u, D_a = thinnings still to
    come as (age a, net income) with n < a ≤ u, C_i = costs as (year i, amount) with n ≤ i ≤ u,
    P = rate, n = current_age (≤ u).
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        k = _positive("quality_factor", quality_factor)
        a_u = _non_negative("final_net_income", final_net_income)
        p = _positive("rate", rate)
        u = _positive("rotation_age", rotation_age)
        n = _non_negative("current_age", current_age)
        if n > u:
            raise ValueError(f"current_age: {n} is beyond the rotation age {u}")
        grown = a_u
        for age, income in _pairs("thinnings", thinnings):
            if not n < age <= u:
                raise ValueError(f"thinnings: age {age} is not between {n} (excl.) and {u}")
            grown += income * (ONE + p) ** (u - age)
        value = k * grown / (ONE + p) ** (u - n)
        for year, amount in _pairs("costs", costs):
            if not n <= year <= u:
                raise ValueError(f"costs: year {year} is not between {n} and {u}")
            value -= amount / (ONE + p) ** (year - n + ONE)
        return value


def forest_replacement_cost(*, quality_factor, yearly_costs, rate):
    """R-VAL-2 (LY/T 2407 重置成本法) for young stands: E = K·Σ_{i=1..n} C_i(1+P)^(n−i+1).

    yearly_costs = [C_1, …, C_n], today's cost of each year's work since planting (year 1 first);
    n = len(yearly_costs) is the stand's age.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        k = _positive("quality_factor", quality_factor)
        p = _positive("rate", rate)
        if isinstance(yearly_costs, str | bytes) or not hasattr(yearly_costs, "__iter__"):
            raise ValueError("yearly_costs: must be a list of amounts, year 1 first")
        costs = [_non_negative(f"yearly_costs[{i + 1}]", c) for i, c in enumerate(yearly_costs)]
        if not costs:
            raise ValueError("yearly_costs: needs at least one year")
        n = len(costs)
        total = sum(
            (c * (ONE + p) ** (n - i + 1) for i, c in enumerate(costs, start=1)), start=ZERO
        )
        return k * total


def forest_annuity(*, annual_income, rate, years):
    """R-VAL-2 (LY/T 2407 年金资本化法): E = A/P·(1 − (1+P)^−n); years=None → A/P."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        a = _non_negative("annual_income", annual_income)
        p = _positive("rate", rate)
        n = _years("years", years)
        return a * _annuity_factor(p, n)


def suggest_forest_method(*, age_class, stable_income):
    """R-VAL-2: the LY/T 2407 method for a stand (a stable annual income → annuity)."""
    if not isinstance(stable_income, bool):
        raise ValueError(f"stable_income: must be True or False, not {stable_income!r}")
    if stable_income:
        return FOREST_ANNUITY
    try:
        return FOREST_METHOD_BY_AGE_CLASS[age_class]
    except (KeyError, TypeError):
        known = ", ".join(FOREST_METHOD_BY_AGE_CLASS)
        raise ValueError(f"age_class: unknown age class {age_class!r} (one of {known})") from None


def service_fee(*, deal_value, transferor_exempt, rates=None, minimum=SERVICE_FEE_MINIMUM):
    """R-DEAL-6: one side's fee on the total deal value, banded, at least 200; exempt → 0.

    `rates` (one per band of SERVICE_FEE_BANDS, lowest band first) and `minimum` are the
    rulebook's numbers in force; the band limits are fixed."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        value = _positive("deal_value", deal_value)
        if not isinstance(transferor_exempt, bool):
            raise ValueError(f"transferor_exempt: must be True or False, not {transferor_exempt!r}")
        bands = SERVICE_FEE_BANDS
        if rates is not None:
            rates = [_dec("rates", r) for r in rates]
            if len(rates) != len(SERVICE_FEE_BANDS) or any(not 0 <= r < 1 for r in rates):
                raise ValueError(
                    f"rates: {len(SERVICE_FEE_BANDS)} rates between 0 and 1, not {rates!r}"
                )
            bands = tuple(
                (upper, rate)
                for (upper, _default), rate in zip(SERVICE_FEE_BANDS, rates, strict=True)
            )
        minimum = _dec("minimum", minimum)
        if minimum < 0:
            raise ValueError(f"minimum: must be 0 or more, not {minimum}")
        if transferor_exempt:
            return ZERO
        fee = ZERO
        lower = ZERO
        for upper, band_rate in bands:
            top = value if upper is None else min(value, upper)
            if top > lower:
                fee += (top - lower) * band_rate
            if upper is None or value <= upper:
                break
            lower = upper
        return max(fee, minimum)


def default_deposit(*, annual_rent=None, total=None, share=DEPOSIT_SHARE, minimum=DEPOSIT_MINIMUM):
    """R-REG-4: 30 % of one year's rent (lease) or of the total (transfer), up to whole yuan, ≥ 1000.

    `share` and `minimum` are the rulebook's numbers in force (staff may change them)."""
    if (annual_rent is None) == (total is None):
        raise ValueError("annual_rent: give exactly one of annual_rent (lease) or total (transfer)")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if annual_rent is not None:
            base = _positive("annual_rent", annual_rent)
        else:
            base = _positive("total", total)
        share = _dec("share", share)
        minimum = _dec("minimum", minimum)
        if not Decimal(0) <= share <= Decimal(1):
            raise ValueError(f"share: must be between 0 and 1, not {share}")
        if minimum < 0:
            raise ValueError(f"minimum: must be 0 or more, not {minimum}")
        deposit = _round(base * share, rounding=ROUND_CEILING)
        return max(deposit, minimum)


# ---------------------------------------------------------------- lease terms (R-DEAL-7)


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years; a 29 February falls on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _term_fraction(start, end) -> Fraction:
    """The term from `start` to `end` (both days included) in years, exactly."""
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise ValueError(f"start: must be a date, not {type(start).__name__}")
    if not isinstance(end, dt.date) or isinstance(end, dt.datetime):
        raise ValueError(f"end: must be a date, not {type(end).__name__}")
    if end < start:
        raise ValueError(f"end: {end.isoformat()} is before the start {start.isoformat()}")
    stop = end + dt.timedelta(days=1)  # the end date is inclusive, as contracts are written
    years = stop.year - start.year
    while add_years(start, years) > stop:
        years -= 1
    rest = (stop - add_years(start, years)).days
    return years + Fraction(rest, DAYS_PER_YEAR)


def term_years(start, end) -> Decimal:
    """R-DEAL-7: the term in years, end date included: whole years + the rest in days / 365.

    With e = end + 1 day, n is the largest whole number of years with start + n years ≤ e, and
    the term is n + (e − (start + n years)).days / 365, unrounded (40 significant digits).
    2027-01-01..2036-12-31 is 10; 2027-03-15..2030-06-30 is 3 + 108/365. ValueError when
    end < start.
    """
    term = _term_fraction(start, end)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(term.numerator) / Decimal(term.denominator)


def lease_value_fen(*, price_fen_per_mu_year, area_mu, years) -> int:
    """R-DEAL-7: price × area × years, rounded once, half-up, to the fen."""
    price = _non_negative("price_fen_per_mu_year", price_fen_per_mu_year)
    area = _non_negative("area_mu", area_mu)
    if isinstance(years, Fraction):
        exact = Fraction(price) * Fraction(area) * years
    else:
        exact = Fraction(price) * Fraction(area) * Fraction(_non_negative("years", years))
    with localcontext() as ctx:
        ctx.prec = PRECISION
        value = Decimal(exact.numerator) / Decimal(exact.denominator)
        # The exact value is N / (10^k · 365): it is either exactly on a half fen (then the
        # 40-digit quotient is exact too) or at least 1/(10^k · 365) away from one, far more
        # than the quotient's error, so rounding the quotient rounds the exact value.
        return int(_round(value))


def total_value_fen(*, price_fen_per_mu_year, area_mu, term_start, term_end) -> int:
    """R-DEAL-7: the total value of a lease, price × area × term_years, rounded once to the fen."""
    return lease_value_fen(
        price_fen_per_mu_year=price_fen_per_mu_year,
        area_mu=area_mu,
        years=_term_fraction(term_start, term_end),
    )
