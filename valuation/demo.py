"""Demo benchmark tables (source "演示数据 demo"): rents within xiangxi.json's demo ranges,
the R-STORE-1 demo floors, a 5 % capitalisation rate and two forest species per county.

Only tables are seeded. Price observations come from completed deals (the deals app records
them), never from here. Idempotent: rows are keyed on county, class and effective date.
"""

from datetime import date
from decimal import Decimal

from marketplace.choices import LandClass
from marketplace.demo import load_geography
from marketplace.models import County

from .models import DEMO_SOURCE, BenchmarkRent, CapitalisationRate, FloorPrice, ForestParameter

EFFECTIVE_FROM = date(2026, 1, 1)
DEMO_FLOORS_YUAN = {  # R-STORE-1 demo defaults
    LandClass.PADDY: 300,
    LandClass.DRY_LAND: 200,
    LandClass.GARDEN: 250,
    LandClass.FOREST_LAND: 30,
}
DEMO_SPECIES = {
    "杉木": {
        "stumpage_price_fen": 110_000,
        "harvest_cost_fen": 35_000,
        "rotation_age": 26,
        "planting_cost_per_mu_fen": 80_000,
        "tending_cost_per_mu_year_fen": 6_000,
        "yield_young": Decimal("1.0"),
        "yield_middle": Decimal("4.0"),
        "yield_near_mature": Decimal("7.0"),
        "yield_mature": Decimal("9.0"),
        "yield_over_mature": Decimal("10.0"),
    },
    "马尾松": {
        "stumpage_price_fen": 80_000,
        "harvest_cost_fen": 30_000,
        "rotation_age": 31,
        "planting_cost_per_mu_fen": 60_000,
        "tending_cost_per_mu_year_fen": 4_000,
        "yield_young": Decimal("0.8"),
        "yield_middle": Decimal("3.0"),
        "yield_near_mature": Decimal("5.5"),
        "yield_mature": Decimal("7.0"),
        "yield_over_mature": Decimal("7.5"),
    },
}


def demo_rent_yuan(low, high, index, count):
    """A rent inside [low, high], spread over the counties, rounded to 10 yuan."""
    share = Decimal(index + 1) / Decimal(count + 1)
    return int((low + (high - low) * share) / 10) * 10


def seed(log) -> None:
    ranges = load_geography()["demo_rents_yuan_per_mu_year"]
    counties = list(County.objects.order_by("code"))
    for index, county in enumerate(counties):
        key = {"county": county, "township": None, "effective_from": EFFECTIVE_FROM}
        for land_class, (low, high) in ranges.items():
            rent = demo_rent_yuan(Decimal(low), Decimal(high), index, len(counties))
            BenchmarkRent.objects.update_or_create(
                **key,
                land_class=land_class,
                defaults={"rent_per_mu_year_fen": rent * 100, "source": DEMO_SOURCE},
            )
        for land_class, floor in DEMO_FLOORS_YUAN.items():
            FloorPrice.objects.update_or_create(
                **key,
                land_class=land_class,
                defaults={"floor_per_mu_year_fen": floor * 100, "source": DEMO_SOURCE},
            )
        CapitalisationRate.objects.update_or_create(
            **key, land_class="", defaults={"rate": Decimal("0.05"), "source": DEMO_SOURCE}
        )
        for species, values in DEMO_SPECIES.items():
            ForestParameter.objects.update_or_create(
                **key, species=species, defaults={**values, "source": DEMO_SOURCE}
            )
    log(
        f"valuation: demo benchmark rents, floors, rates and forest parameters for "
        f"{len(counties)} counties (source {DEMO_SOURCE})"
    )
