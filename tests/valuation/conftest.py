"""Fixtures of the valuation tests: a county with benchmark tables in force since 2026-01-01."""

from datetime import date
from decimal import Decimal

import pytest

from tests import factories
from valuation.models import BenchmarkRent, CapitalisationRate, FloorPrice, ForestParameter

SINCE = date(2026, 1, 1)


@pytest.fixture
def county(db):
    return factories.CountyFactory()


@pytest.fixture
def township(county):
    return factories.TownshipFactory(county=county, name="默戎镇", code="003")


@pytest.fixture
def tables(county):
    """Paddy rent 500 yuan/mu/year, rate 5 %, floor 300, and Chinese fir parameters."""
    common = {"county": county, "effective_from": SINCE, "source": "县农业农村局 2026 基准"}
    BenchmarkRent.objects.create(**common, land_class="paddy", rent_per_mu_year_fen=50_000)
    BenchmarkRent.objects.create(**common, land_class="forest_land", rent_per_mu_year_fen=3_000)
    CapitalisationRate.objects.create(**common, rate=Decimal("0.05"))
    FloorPrice.objects.create(**common, land_class="paddy", floor_per_mu_year_fen=30_000)
    ForestParameter.objects.create(
        **common,
        species="杉木",
        stumpage_price_fen=110_000,
        harvest_cost_fen=35_000,
        profit_rate=Decimal("0.1"),
        rotation_age=26,
        planting_cost_per_mu_fen=80_000,
        tending_cost_per_mu_year_fen=6_000,
        yield_young=Decimal("1"),
        yield_middle=Decimal("4"),
        yield_near_mature=Decimal("7"),
        yield_mature=Decimal("9"),
        yield_over_mature=Decimal("10"),
    )
    return common


@pytest.fixture
def valuer(db):
    return factories.UserFactory(role="exchange_staff", is_staff=True)
