"""Exposure page benchmark (issue 11, R-STORE-7): a county with 200 blocks, GET /storage/exposure/.

    env -u DATABASE_URL .venv/bin/python bench/storage_exposure.py            # 200 blocks, 20 runs
    env -u DATABASE_URL .venv/bin/python bench/storage_exposure.py --blocks 400

Builds a throw-away test database (SQLite in memory unless DATABASE_URL is set: then a test
database next to it), 200 blocks of 5 stored parcels each (1,000 storage contracts, 10-year
terms), rent recorded for half the blocks in two years, then times the storage operator's page
through Django's test client (median of the runs; the page shows the county by year and one page
of 50 blocks, the per-year table of a block is on the block's page). Target: <= 200 ms.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("TESTING", "1")


def build(blocks):
    from contracts.storage.models import (
        Block,
        BlockRent,
        OfferParcel,
        StorageContract,
        StorageOffer,
        StoredParcel,
    )
    from listings.models import Parcel, Right
    from marketplace.models import (
        County,
        Household,
        Prefecture,
        StorageCenter,
        Township,
        User,
        Village,
    )

    pref = Prefecture.objects.create(code="433100", name="湘西州")
    county = County.objects.create(prefecture=pref, code="433126", name="古丈县")
    centre = StorageCenter.objects.create(county=county, name="古丈县收储中心")
    township = Township.objects.create(county=county, code="003", name="默戎镇")
    village = Village.objects.create(township=township, code="001", name="龙坪村")
    user = User.objects.create_user(
        "storage", password="x", role="storage_operator", storage_center=centre
    )
    start, end = dt.date(2027, 1, 1), dt.date(2036, 12, 31)
    n = 0
    for b in range(blocks):
        block = Block.objects.create(
            name=f"连片{b}",
            storage_center=centre,
            county=county,
            township=township,
            area_mu=Decimal(10),
            floor_total_fen=5 * 600_00,
        )
        for _k in range(5):
            n += 1
            household = Household.objects.create(
                name=f"户{n}", id_number=f"{n:018d}", village=village, is_relocated=True
            )
            parcel = Parcel.objects.create(
                code=f"{village.full_code}01{n:05d}",
                village=village,
                group_code="01",
                name=f"田{n}",
                area_mu=Decimal(2),
                land_class="paddy",
                boundary_east="a",
                boundary_south="b",
                boundary_west="c",
                boundary_north="d",
            )
            right = Right.objects.create(right_type="contract", starts_on=start, ends_on=end)
            offer = StorageOffer.objects.create(
                household=household,
                storage_center=centre,
                county=county,
                right=right,
                offered_on=start,
                term_start=start,
                term_end=end,
                area_mu=Decimal(2),
                annual_guarantee_fen=600_00,
                total_fen=6000_00,
                state="accepted",
            )
            OfferParcel.objects.create(
                offer=offer,
                parcel=parcel,
                land_class="paddy",
                area_mu=Decimal(2),
                floor_per_mu_year_fen=300_00,
                annual_fen=600_00,
            )
            contract = StorageContract.objects.create(
                number=f"SC-433126-2026-{n:06d}",
                offer=offer,
                household=household,
                storage_center=centre,
                county=county,
                term_start=start,
                term_end=end,
                area_mu=Decimal(2),
                annual_guarantee_fen=600_00,
                total_fen=6000_00,
                state="signed",
            )
            StoredParcel.objects.create(
                contract=contract,
                parcel=parcel,
                household=household,
                storage_center=centre,
                township=township,
                land_class="paddy",
                area_mu=Decimal(2),
                floor_per_mu_year_fen=300_00,
                annual_fen=600_00,
                term_start=start,
                term_end=end,
                block=block,
            )
        if b % 2 == 0:
            for year in (2027, 2028):
                BlockRent.objects.create(
                    block=block,
                    year=year,
                    rent_fen=4000_00,
                    floor_fen=3000_00,
                    surplus_fen=1000_00,
                    share=Decimal("0.5"),
                    households_fen=500_00,
                )
    return user


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]

    class _NoMigrations:  # tables straight from the models, as pytest --nomigrations
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = _NoMigrations()
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    user = build(args.blocks)
    client = Client()
    client.force_login(user)
    timings = []
    for _ in range(args.runs + 2):
        start = time.perf_counter()
        response = client.get("/storage/exposure/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    timings = timings[2:]  # warm-up
    print(
        f"blocks: {args.blocks}  stored parcels: {args.blocks * 5}  page bytes: {len(response.content)}"
    )
    print(
        f"GET /storage/exposure/: median {statistics.median(timings) * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) over {args.runs} runs; "
        "target <= 200 ms"
    )
    import cProfile
    import pstats

    base = []
    for _ in range(args.runs):
        start = time.perf_counter()
        client.get("/storage/offers/")
        base.append(time.perf_counter() - start)
    print(
        f"GET /storage/offers/ (first page of 1,000 offers): median {statistics.median(base) * 1000:.0f} ms"
    )
    if os.environ.get("BENCH_PROFILE"):
        profile = cProfile.Profile()
        profile.enable()
        client.get("/storage/exposure/")
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    from django.db import reset_queries

    settings.DEBUG = True
    reset_queries()
    client.get("/storage/exposure/?page=2")
    print(f"queries for one page: {len(connection.queries)}; load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
