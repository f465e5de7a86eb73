"""Table tests of valuation/formulas.py (R-VAL-1, R-VAL-2, R-DEAL-6, R-REG-4): no database.

Worked examples, derived by hand from the standards' formulas (results rounded half-up to the fen):

Income capitalisation (GB/T 28406, R-VAL-1), P = a/r·(1 − (1+r)^−n):
  a=400, r=5 %, n=10: 1.05^10 = 1.628894627, 1/1.628894627 = 0.613913254,
      1 − 0.613913254 = 0.386086746, /0.05 = 7.72173493, ×400 = 3088.69 (the R-VAL-1 check).
  a=1000, r=10 %, n=1: 1000/0.1 × (1 − 1/1.1) = 10000 × 0.0909091 = 909.09.
  a=1000, r=10 %, n=2: 1000/1.1 + 1000/1.21 = 909.0909 + 826.4463 = 1735.54.
  a=1000, r=21 %, n=0.5 (fractional): 1.21^−0.5 = 1/1.1 = 0.9090909, 1 − that = 0.0909091,
      /0.21 = 0.4329004, ×1000 = 432.90.
  a=1000, r=44 %, n=1.5: 1.44^1.5 = 1.2^3 = 1.728, 1/1.728 = 0.5787037, 1 − that = 0.4212963,
      /0.44 = 0.9574916, ×1000 = 957.49.
  perpetual a=400, r=5 %: 400/0.05 = 8000.00.
Growing income, P = a/(r−g)·(1 − ((1+g)/(1+r))^n):
  a=100, r=21 %, g=10 %, n=2: (1.1/1.21)^2 = (1/1.1)^2 = 0.8264463, 1 − that = 0.1735537,
      /0.11 = 1.5777611, ×100 = 157.78; cross-check year by year: 100/1.21 + 110/1.4641
      = 82.6446 + 75.1315 = 157.78.
  a=100, r=10 %, g=−10 %, n=1: 100/0.2 × (1 − 0.9/1.1) = 500 × 0.1818182 = 90.91 (= 100/1.1).
  perpetual a=100, r=8 %, g=3 %: 100/0.05 = 2000.00.
Term adjustment K = (1 − (1+r)^−n)/(1 − (1+r)^−m):
  r=10 %, m=1 → n=2: (1 − 1/1.21)/(1 − 1/1.1) = 0.1735537/0.0909091 = 21/11 = 1.9090909.
  r=10 %, m=1 → perpetual: 1/(1 − 1/1.1) = 11.
Forest, market price back-calculation (LY/T 2407, R-VAL-2) E = W − C − F:
  W=50000, C=12000, F=3000: 35000.00.
Forest, harvest present value (LY/T 2407):
  E_n = K·[A_u + Σ D_a(1+P)^(u−a)]/(1+P)^(u−n) − Σ C_i/(1+P)^(i−n+1)
  K=1, A_u=1210, P=10 %, u=20, n=18: 1210/1.1^2 = 1210/1.21 = 1000.00; K=0.9 → 900.00.
  thinning D_19=100: [1000 + 100×1.1]/1.21 = 1110/1.21 = 917.355 → 917.36.
  costs C_18=110, C_19=121: 1210/1.21 − 110/1.1 − 121/1.1^2 = 1000 − 100 − 100 = 800.00.
Forest, replacement cost E = K·Σ C_i(1+P)^(n−i+1):
  K=1, C=[100], P=10 %: 100×1.1 = 110.00; C=[100, 100]: 100×1.21 + 100×1.1 = 231.00.
  K=0.8, C=[1000, 300, 200], P=5 %: 1000×1.157625 + 300×1.1025 + 200×1.05
      = 1157.625 + 330.75 + 210 = 1698.375, ×0.8 = 1358.70.
Forest annuity E = A/P·(1 − (1+P)^−n): A=100, P=10 %, n=2 → 100/1.1 + 100/1.21 = 173.55;
  perpetual A=30, P=5 % → 600.00.
Service fee (R-DEAL-6), bands 1.3/1.2/1.0/0.8/0.5/0.3 % cut at 0.5/1/5/10/20 M:
  15 M: 500k×1.3 % + 500k×1.2 % + 4M×1 % + 5M×0.8 % + 5M×0.5 %
      = 6500 + 6000 + 40000 + 40000 + 25000 = 117,500 (the R-DEAL-6 check).
  600k: 6500 + 100k×1.2 % = 7700.  30 M: 142500 (to 20 M) + 10M×0.3 % = 172,500.
  10,000: 130 → the 200 minimum.
Deposit (R-REG-4): 30 % of 10,000 = 3000; 30 % of 3333.34 = 1000.002 → up to 1001;
  30 % of 2000 = 600 → the 1000 minimum; 30 % of a 1,000,000 total = 300,000.
"""

import os
import subprocess
import sys
from decimal import Decimal

import pytest

from marketplace.money import round_yuan
from valuation import formulas as f

D = Decimal

VALUE_CASES = [
    # (id, function, kwargs, expected rounded to the fen)
    (
        "R-VAL-1 check",
        f.income_capitalisation,
        {"annual_income": 400, "rate": "0.05", "years": 10},
        "3088.69",
    ),
    (
        "income n=1",
        f.income_capitalisation,
        {"annual_income": 1000, "rate": "0.1", "years": 1},
        "909.09",
    ),
    (
        "income n=2",
        f.income_capitalisation,
        {"annual_income": 1000, "rate": "0.1", "years": 2},
        "1735.54",
    ),
    (
        "income n=0.5",
        f.income_capitalisation,
        {"annual_income": 1000, "rate": "0.21", "years": "0.5"},
        "432.90",
    ),
    (
        "income n=1.5",
        f.income_capitalisation,
        {"annual_income": 1000, "rate": "0.44", "years": "1.5"},
        "957.49",
    ),
    (
        "income perpetual",
        f.income_capitalisation,
        {"annual_income": 400, "rate": "0.05", "years": None},
        "8000.00",
    ),
    (
        "income zero",
        f.income_capitalisation,
        {"annual_income": 0, "rate": "0.05", "years": 10},
        "0.00",
    ),
    (
        "income Decimal args",
        f.income_capitalisation,
        {"annual_income": D("400.00"), "rate": D("0.05"), "years": D("10")},
        "3088.69",
    ),
    (
        "growing n=2",
        f.growing_income_capitalisation,
        {"annual_income": 100, "rate": "0.21", "growth": "0.1", "years": 2},
        "157.78",
    ),
    (
        "growing g<0",
        f.growing_income_capitalisation,
        {"annual_income": 100, "rate": "0.1", "growth": "-0.1", "years": 1},
        "90.91",
    ),
    (
        "growing g=0 equals income",
        f.growing_income_capitalisation,
        {"annual_income": 1000, "rate": "0.1", "growth": 0, "years": 2},
        "1735.54",
    ),
    (
        "growing perpetual",
        f.growing_income_capitalisation,
        {"annual_income": 100, "rate": "0.08", "growth": "0.03", "years": None},
        "2000.00",
    ),
    ("term 1 to 2", f.term_adjustment, {"rate": "0.1", "from_years": 1, "to_years": 2}, "1.91"),
    (
        "term same",
        f.term_adjustment,
        {"rate": "0.05", "from_years": "7.5", "to_years": "7.5"},
        "1.00",
    ),
    (
        "term to perpetual",
        f.term_adjustment,
        {"rate": "0.1", "from_years": 1, "to_years": None},
        "11.00",
    ),
    (
        "market price back",
        f.forest_market_price_back,
        {"revenue": 50000, "costs": 12000, "profit": 3000},
        "35000.00",
    ),
    (
        "market price back negative",
        f.forest_market_price_back,
        {"revenue": 1000, "costs": 1200, "profit": 0},
        "-200.00",
    ),
    (
        "harvest PV plain",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 1210,
            "thinnings": [],
            "costs": [],
            "rate": "0.1",
            "rotation_age": 20,
            "current_age": 18,
        },
        "1000.00",
    ),
    (
        "harvest PV K=0.9",
        f.forest_harvest_present_value,
        {
            "quality_factor": "0.9",
            "final_net_income": 1210,
            "thinnings": None,
            "costs": None,
            "rate": "0.1",
            "rotation_age": 20,
            "current_age": 18,
        },
        "900.00",
    ),
    (
        "harvest PV thinning",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 1000,
            "thinnings": [(19, 100)],
            "costs": [],
            "rate": "0.1",
            "rotation_age": 20,
            "current_age": 18,
        },
        "917.36",
    ),
    (
        "harvest PV costs",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 1210,
            "thinnings": [],
            "costs": [(18, 110), (19, 121)],
            "rate": "0.1",
            "rotation_age": 20,
            "current_age": 18,
        },
        "800.00",
    ),
    (
        "harvest PV at rotation",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 500,
            "thinnings": [],
            "costs": [],
            "rate": "0.1",
            "rotation_age": 30,
            "current_age": 30,
        },
        "500.00",
    ),
    (
        "replacement one year",
        f.forest_replacement_cost,
        {"quality_factor": 1, "yearly_costs": [100], "rate": "0.1"},
        "110.00",
    ),
    (
        "replacement two years",
        f.forest_replacement_cost,
        {"quality_factor": 1, "yearly_costs": [100, 100], "rate": "0.1"},
        "231.00",
    ),
    (
        "replacement K=0.8",
        f.forest_replacement_cost,
        {"quality_factor": "0.8", "yearly_costs": [1000, 300, 200], "rate": "0.05"},
        "1358.70",
    ),
    ("annuity n=2", f.forest_annuity, {"annual_income": 100, "rate": "0.1", "years": 2}, "173.55"),
    (
        "annuity perpetual",
        f.forest_annuity,
        {"annual_income": 30, "rate": "0.05", "years": None},
        "600.00",
    ),
    (
        "R-DEAL-6 check 15M",
        f.service_fee,
        {"deal_value": 15_000_000, "transferor_exempt": False},
        "117500.00",
    ),
    ("fee 0.5M", f.service_fee, {"deal_value": 500_000, "transferor_exempt": False}, "6500.00"),
    ("fee 600k", f.service_fee, {"deal_value": 600_000, "transferor_exempt": False}, "7700.00"),
    ("fee 1M", f.service_fee, {"deal_value": 1_000_000, "transferor_exempt": False}, "12500.00"),
    ("fee 5M", f.service_fee, {"deal_value": 5_000_000, "transferor_exempt": False}, "52500.00"),
    ("fee 10M", f.service_fee, {"deal_value": 10_000_000, "transferor_exempt": False}, "92500.00"),
    ("fee 20M", f.service_fee, {"deal_value": 20_000_000, "transferor_exempt": False}, "142500.00"),
    ("fee 30M", f.service_fee, {"deal_value": 30_000_000, "transferor_exempt": False}, "172500.00"),
    ("fee minimum", f.service_fee, {"deal_value": 10_000, "transferor_exempt": False}, "200.00"),
    (
        "fee just above minimum",
        f.service_fee,
        {"deal_value": 20_000, "transferor_exempt": False},
        "260.00",
    ),
    (
        "fee exempt transferor",
        f.service_fee,
        {"deal_value": 15_000_000, "transferor_exempt": True},
        "0.00",
    ),
    (
        # 500k × 0.65 % + 500k × 0.6 % + 4M × 0.5 % + 5M × 0.4 % + 5M × 0.25 % = 58,750
        "R-DEAL-6 15M, the county's rates halved",
        f.service_fee,
        {
            "deal_value": 15_000_000,
            "transferor_exempt": False,
            "rates": ["0.0065", "0.006", "0.005", "0.004", "0.0025", "0.0015"],
        },
        "58750.00",
    ),
    (
        "R-DEAL-6 the county's minimum",
        f.service_fee,
        {"deal_value": 10_000, "transferor_exempt": False, "minimum": 300},
        "300.00",
    ),
    ("deposit lease", f.default_deposit, {"annual_rent": 10_000}, "3000.00"),
    (
        "R-REG-4 a county's 20 %, at least 1,500",
        f.default_deposit,
        {"annual_rent": 10_000, "share": "0.20", "minimum": 1500},
        "2000.00",
    ),
    ("deposit rounds up", f.default_deposit, {"annual_rent": "3333.34"}, "1001.00"),
    ("deposit minimum", f.default_deposit, {"annual_rent": 2000}, "1000.00"),
    ("deposit transfer", f.default_deposit, {"total": 1_000_000}, "300000.00"),
]


@pytest.mark.parametrize(
    ("function", "kwargs", "expected"),
    [case[1:] for case in VALUE_CASES],
    ids=[case[0] for case in VALUE_CASES],
)
def test_it_computes_the_worked_example(function, kwargs, expected):
    # when
    result = function(**kwargs)
    # then
    assert isinstance(result, Decimal)
    assert round_yuan(result) == D(expected)


ERROR_CASES = [
    # (id, function, kwargs, argument named in the error)
    (
        "fee rates: five for six bands",
        f.service_fee,
        {"deal_value": 1000, "transferor_exempt": False, "rates": ["0.01"] * 5},
        "rates",
    ),
    (
        "fee rate above 1",
        f.service_fee,
        {"deal_value": 1000, "transferor_exempt": False, "rates": ["2"] * 6},
        "rates",
    ),
    (
        "fee minimum negative",
        f.service_fee,
        {"deal_value": 1000, "transferor_exempt": False, "minimum": -1},
        "minimum",
    ),
    ("deposit share 1.3", f.default_deposit, {"annual_rent": 1000, "share": "1.3"}, "share"),
    ("rate zero", f.income_capitalisation, {"annual_income": 400, "rate": 0, "years": 10}, "rate"),
    (
        "rate negative",
        f.income_capitalisation,
        {"annual_income": 400, "rate": "-0.05", "years": 10},
        "rate",
    ),
    (
        "years negative",
        f.income_capitalisation,
        {"annual_income": 400, "rate": "0.05", "years": -1},
        "years",
    ),
    (
        "years zero",
        f.income_capitalisation,
        {"annual_income": 400, "rate": "0.05", "years": 0},
        "years",
    ),
    (
        "income negative",
        f.income_capitalisation,
        {"annual_income": -1, "rate": "0.05", "years": 1},
        "annual_income",
    ),
    (
        "float refused",
        f.income_capitalisation,
        {"annual_income": 400.0, "rate": "0.05", "years": 1},
        "annual_income",
    ),
    (
        "not a number",
        f.income_capitalisation,
        {"annual_income": "abc", "rate": "0.05", "years": 1},
        "annual_income",
    ),
    (
        "infinite",
        f.income_capitalisation,
        {"annual_income": "Infinity", "rate": "0.05", "years": 1},
        "annual_income",
    ),
    (
        "growth equals rate",
        f.growing_income_capitalisation,
        {"annual_income": 1, "rate": "0.05", "growth": "0.05", "years": 1},
        "growth",
    ),
    (
        "growth above rate",
        f.growing_income_capitalisation,
        {"annual_income": 1, "rate": "0.05", "growth": "0.06", "years": None},
        "growth",
    ),
    (
        "term from negative",
        f.term_adjustment,
        {"rate": "0.05", "from_years": -2, "to_years": 3},
        "from_years",
    ),
    (
        "market negative costs",
        f.forest_market_price_back,
        {"revenue": 1, "costs": -1, "profit": 0},
        "costs",
    ),
    (
        "age beyond rotation",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 1,
            "thinnings": [],
            "costs": [],
            "rate": "0.05",
            "rotation_age": 20,
            "current_age": 21,
        },
        "current_age",
    ),
    (
        "past thinning",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 1,
            "thinnings": [(10, 5)],
            "costs": [],
            "rate": "0.05",
            "rotation_age": 20,
            "current_age": 12,
        },
        "thinnings",
    ),
    (
        "bad thinning pair",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 1,
            "thinnings": [(15,)],
            "costs": [],
            "rate": "0.05",
            "rotation_age": 20,
            "current_age": 12,
        },
        "thinnings",
    ),
    (
        "cost after rotation",
        f.forest_harvest_present_value,
        {
            "quality_factor": 1,
            "final_net_income": 1,
            "thinnings": [],
            "costs": [(25, 5)],
            "rate": "0.05",
            "rotation_age": 20,
            "current_age": 12,
        },
        "costs",
    ),
    (
        "quality factor zero",
        f.forest_replacement_cost,
        {"quality_factor": 0, "yearly_costs": [1], "rate": "0.05"},
        "quality_factor",
    ),
    (
        "no yearly costs",
        f.forest_replacement_cost,
        {"quality_factor": 1, "yearly_costs": [], "rate": "0.05"},
        "yearly_costs",
    ),
    ("annuity rate zero", f.forest_annuity, {"annual_income": 1, "rate": 0, "years": 3}, "rate"),
    (
        "unknown age class",
        f.suggest_forest_method,
        {"age_class": "ancient", "stable_income": False},
        "age_class",
    ),
    ("fee zero value", f.service_fee, {"deal_value": 0, "transferor_exempt": False}, "deal_value"),
    (
        "fee exempt not bool",
        f.service_fee,
        {"deal_value": 1, "transferor_exempt": "no"},
        "transferor_exempt",
    ),
    ("deposit both", f.default_deposit, {"annual_rent": 1, "total": 1}, "annual_rent"),
    ("deposit neither", f.default_deposit, {}, "annual_rent"),
    ("deposit negative total", f.default_deposit, {"total": -5}, "total"),
]


@pytest.mark.parametrize(
    ("function", "kwargs", "argument"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_it_refuses_nonsense_naming_the_argument(function, kwargs, argument):
    # when / then
    with pytest.raises(ValueError, match=rf"^{argument}\b"):
        function(**kwargs)


@pytest.mark.parametrize(
    ("age_class", "stable_income", "method"),
    [
        ("young", False, f.FOREST_REPLACEMENT_COST),
        ("middle", False, f.FOREST_HARVEST_PRESENT_VALUE),
        ("near_mature", False, f.FOREST_HARVEST_PRESENT_VALUE),
        ("mature", False, f.FOREST_MARKET_PRICE_BACK),
        ("over_mature", False, f.FOREST_MARKET_PRICE_BACK),
        ("young", True, f.FOREST_ANNUITY),
        (None, True, f.FOREST_ANNUITY),
    ],
)
def test_r_val_2_it_suggests_the_forest_method_by_age_class(age_class, stable_income, method):
    assert f.suggest_forest_method(age_class=age_class, stable_income=stable_income) == method


def test_r_val_1_a_fractional_term_lies_between_the_whole_years():
    # given
    args = {"annual_income": 400, "rate": "0.05"}
    # when
    seven = f.income_capitalisation(**args, years=7)
    seven_and_a_half = f.income_capitalisation(**args, years="7.5")
    eight = f.income_capitalisation(**args, years=8)
    # then
    assert seven < seven_and_a_half < eight


def test_term_adjustment_turns_a_ten_year_value_into_a_twenty_year_value():
    # given
    ten = f.income_capitalisation(annual_income=400, rate="0.05", years=10)
    # when
    k = f.term_adjustment(rate="0.05", from_years=10, to_years=20)
    # then
    twenty = f.income_capitalisation(annual_income=400, rate="0.05", years=20)
    assert round_yuan(ten * k) == round_yuan(twenty)


def test_forest_annuity_and_income_capitalisation_agree():
    # the same present-value-of-annuity formula under two standards' names
    kwargs = {"annual_income": "123.45", "rate": "0.06", "years": "12.25"}
    assert f.forest_annuity(**kwargs) == f.income_capitalisation(**kwargs)


def test_formulas_are_unrounded():
    # callers round; the formula keeps the digits
    result = f.income_capitalisation(annual_income=400, rate="0.05", years=10)
    assert result != round_yuan(result)


def test_formulas_import_without_django():
    # given a fresh interpreter that has no Django settings
    code = (
        "import sys; import valuation.formulas as f; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django')); "
        "print(f.FORMULA_VERSION)"
    )
    # when
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=_project_root(),
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    # then
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f.FORMULA_VERSION


def _project_root():
    from pathlib import Path

    return str(Path(f.__file__).resolve().parent.parent)
