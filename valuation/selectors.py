"""Reads: the benchmark row in force on a date, floor prices, the price index (R-VAL-4)."""

from datetime import date
from decimal import Decimal
from statistics import median

from django.utils import timezone

from marketplace.choices import LandClass
from marketplace.models import Township
from marketplace.money import fen_to_yuan, round_yuan

from .models import (
    BenchmarkRent,
    CapitalisationRate,
    FloorPrice,
    ForestParameter,
    PriceObservation,
    ValuationReport,
)

DEFAULT_RATE = Decimal("0.05")  # R-VAL-1 / R-VAL-2 default when no table row is in force
PRICE_INDEX_MONTHS = 24  # R-VAL-4


def _in_force(model, *, county, township=None, on=None, **filters):
    """The row in force on `on`: the township's own row if it has one, else the county's."""
    on = on or timezone.localdate()
    rows = model.objects.filter(county=county, effective_from__lte=on, **filters)
    if township is not None:
        own = rows.filter(township=township).order_by("-effective_from", "-id").first()
        if own is not None:
            return own
    return rows.filter(township__isnull=True).order_by("-effective_from", "-id").first()


def benchmark_rent_get(*, county, land_class, township=None, on=None):
    return _in_force(BenchmarkRent, county=county, township=township, on=on, land_class=land_class)


def capitalisation_rate_get(*, county, land_class, township=None, on=None):
    """The rate row for the land class, else the row for every class; None if neither exists."""
    row = _in_force(
        CapitalisationRate, county=county, township=township, on=on, land_class=land_class
    )
    return row or _in_force(
        CapitalisationRate, county=county, township=township, on=on, land_class=""
    )


def capitalisation_rate(*, county, land_class, township=None, on=None) -> Decimal:
    row = capitalisation_rate_get(county=county, land_class=land_class, township=township, on=on)
    return row.rate if row else DEFAULT_RATE


def forest_parameter_get(*, county, species, township=None, on=None):
    return _in_force(ForestParameter, county=county, township=township, on=on, species=species)


def forest_species(*, county, on=None):
    on = on or timezone.localdate()
    return sorted(
        set(
            ForestParameter.objects.filter(county=county, effective_from__lte=on).values_list(
                "species", flat=True
            )
        )
    )


def floor_price_get(*, county, land_class, township=None, on=None):
    return _in_force(FloorPrice, county=county, township=township, on=on, land_class=land_class)


def floor_price_per_mu_year(*, county, land_class, township=None, on=None) -> Decimal | None:
    """R-STORE-1: the floor price in yuan per mu per year in force, or None if none is set."""
    row = floor_price_get(county=county, land_class=land_class, township=township, on=on)
    return fen_to_yuan(row.floor_per_mu_year_fen) if row else None


def benchmarks_for(*, county, township=None, on=None) -> list[dict]:
    """Per land class: benchmark rent, floor price, rate (rows in force) for the staff page."""
    result = []
    for value, label in LandClass.choices:
        rent = benchmark_rent_get(county=county, land_class=value, township=township, on=on)
        floor = floor_price_get(county=county, land_class=value, township=township, on=on)
        rate = capitalisation_rate_get(county=county, land_class=value, township=township, on=on)
        result.append(
            {
                "land_class": value,
                "label": label,
                "rent": rent,
                "floor": floor,
                "rate": rate,
                "rate_value": rate.rate if rate else DEFAULT_RATE,
                "rate_percent": ((rate.rate if rate else DEFAULT_RATE) * 100).normalize(),
            }
        )
    return result


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month - 1]  # fmt: skip
    return date(year, month, min(day.day, last))


def price_index(*, township=None, county=None, land_class=None, months=PRICE_INDEX_MONTHS, on=None):
    """R-VAL-4: median yuan/mu/year and count per township × land class over the last months.

    A deal counts when it completed after the same day `months` months earlier and on or
    before `on`. Each deal counts once (not weighted by area).
    """
    on = on or timezone.localdate()
    since = _months_before(on, months)
    rows = PriceObservation.objects.filter(completed_on__gt=since, completed_on__lte=on)
    if township is not None:
        rows = rows.filter(township=township)
    if county is not None:
        rows = rows.filter(township__county=county)
    if land_class:
        rows = rows.filter(land_class=land_class)
    groups: dict[tuple, list[Decimal]] = {}
    for township_id, land, price in rows.values_list(
        "township_id", "land_class", "price_per_mu_year_fen"
    ):
        groups.setdefault((township_id, land), []).append(Decimal(price))
    townships = Township.objects.in_bulk({key[0] for key in groups})
    result = []
    for (township_id, land), prices in groups.items():
        result.append(
            {
                "township": townships[township_id],
                "land_class": land,
                "land_class_label": LandClass(land).label,
                "median_yuan": round_yuan(median(prices) / 100),
                "count": len(prices),
            }
        )
    result.sort(key=lambda item: (item["township"].code, item["land_class"]))
    return result


def valuation_report_list(*, county=None):
    rows = ValuationReport.objects.select_related("county", "township", "valuer", "supersedes")
    if county is not None:
        rows = rows.filter(county=county)
    return rows


def valuation_report_get(*, pk):
    return ValuationReport.objects.select_related("county", "township", "valuer").get(pk=pk)
