"""One formula, one rounding (STYLE.md §5, docs/rules.md R-DEAL-7).

Rounding lives in one module per kind: money (and every other figure) in `marketplace/money.py`,
areas in `listings/geometry.py`; the pure formula modules, which may not import the kernel, keep
one private helper each. Every other module calls those functions instead of `.quantize(`.
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from contracts.services.deals import deal_values
from listings import checks
from listings.models import Listing, PriceUnit
from valuation import formulas

ROOT = Path(__file__).resolve().parent.parent
ROUNDING_MODULES = {
    "marketplace/money.py",
    "listings/geometry.py",
    "valuation/formulas.py",
    "contracts/insurance/amounts.py",
}
PACKAGES = ("marketplace", "listings", "valuation", "contracts", "cms", "bench", "scripts")
PATTERN = re.compile(r"\.quantize\(|\bROUND_[A-Z_]+")


def _python_and_templates():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                yield path


def test_no_module_rounds_by_hand_outside_the_rounding_modules():
    # given every module and template of the project
    offenders = []
    for path in _python_and_templates():
        name = path.relative_to(ROOT).as_posix()
        if name in ROUNDING_MODULES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PATTERN.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    # then none quantizes or names a rounding mode
    assert offenders == [], "round with marketplace.money / listings.geometry:\n" + "\n".join(
        offenders
    )


def test_the_grep_would_find_a_hand_rounding():
    assert PATTERN.search("x = y.quantize(Decimal(1))")
    assert PATTERN.search("from decimal import ROUND_HALF_UP")
    assert not PATTERN.search("money.round_fen(x)")


def _lease(**kwargs):
    values = {
        "price_unit": PriceUnit.PER_MU_YEAR,
        "listing_price_fen": 1234,
        "area_mu": Decimal("3.3333"),
        "term_start": dt.date(2027, 1, 1),
        "term_end": dt.date(2037, 7, 1),  # 10 years + 182 days
    }
    values.update(kwargs)
    return Listing(**values)


def test_the_listing_check_and_the_deal_give_the_same_total_value_r_deal_7():
    # given 1234 fen/mu/yr on 3.3333 mu for 10 + 182/365 years
    listing = _lease()
    # when the listing check and the award compute R-DEAL-7's total value
    at_listing = checks.total_value_fen(listing)
    annual, at_award = deal_values(listing=listing, price_fen=1234)
    # then both are the one formula: 1234 × 3.3333 × (10 + 182/365) = 43 183.93 → 43 184
    expected = formulas.total_value_fen(
        price_fen_per_mu_year=1234,
        area_mu=Decimal("3.3333"),
        term_start=dt.date(2027, 1, 1),
        term_end=dt.date(2037, 7, 1),
    )
    assert at_listing == at_award == expected == 43_184
    # and the annual rent (4113.2922 fen) is rounded on its own, not fed into the total
    assert annual == 4113


def test_a_ten_year_lease_written_to_31_december_is_worth_ten_years_r_deal_7():
    listing = _lease(term_end=dt.date(2036, 12, 31), area_mu=Decimal(20), listing_price_fen=52_000)
    assert deal_values(listing=listing, price_fen=52_000) == (1_040_000, 10_400_000)
    assert checks.total_value_fen(listing) == 10_400_000
