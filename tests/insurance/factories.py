"""A forest right of households in 古丈县 insured by a policy, ready for claims."""

import datetime as dt
from decimal import Decimal

from contracts.insurance import services
from tests import factories as kernel
from tests.listings.factories import ParcelFactory, RightFactory, RightHolderFactory, square

COVER_START = dt.date(2026, 1, 1)
COVER_END = dt.date(2026, 12, 31)


def forest_parcel(village, n, area="20.0000"):
    return ParcelFactory(
        village=village,
        land_class="forest_land",
        forest_class="commercial",
        age_class="young",
        area_mu=Decimal(area),
        geometry=square(lon=Decimal("109.95") + Decimal(n) / 1000),
    )


def insured_policy(
    *, holders=None, shares=None, number="BD-2026-0001", parcels=2, insurer=None, village=None
):
    """A policy over `parcels` forest parcels (20 mu each, in `village` or a new one) of one
    forest right held by `holders` (default: one household) with `shares` (default equal)."""
    village = village or kernel.VillageFactory()
    holders = holders or [kernel.HouseholdFactory(village=village)]
    plots = [forest_parcel(village, n) for n in range(parcels)]
    right = RightFactory(right_type="forest", parcels=plots)
    shares = shares or [f"1/{len(holders)}"] * len(holders)
    for holder in holders:
        RightHolderFactory(right=right, household=holder, share=Decimal(1) / len(holders))
    insurer = insurer or kernel.InsurerFactory()
    return services.policy_create(
        insurer=insurer,
        right=right,
        number=number,
        starts_on=COVER_START,
        ends_on=COVER_END,
        parcels=[(p, p.area_mu) for p in plots],
        holders=list(zip(holders, shares, strict=True)),
    )
