"""Benchmark of the public listing search (issue 3): 100,000 listings in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search .venv/bin/python bench/search.py

Creates the database if needed, migrates it, loads N listings (one or two parcels each, with
polygons) with bulk_create, then times in-process requests (the whole Django stack: middleware,
view, serializer, template) and prints p50/p95 per query against the targets (issue 17 §6): API
p95 ≤ 50 ms per query, listing index page p95 ≤ 100 ms. `--repeat` runs the measurement several
times and reports the median of each figure; the load average before and after is printed, as
figures taken on a busy machine are not the exchange's. Each API query's `count` is shown with
`count_is_exact` (exact up to listings.search.COUNT_EXACT_UP_TO, the planner's estimate above).
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("TESTING", "1")  # no HTTPS redirect, no login throttling
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LOG_LEVEL", "WARNING")

API_QUERIES = [
    ("county filter", "county=433126"),
    ("keyword", "q=茶"),
    ("price range + ordering", "min_price_yuan=300&max_price_yuan=500&ordering=price_per_mu"),
    (
        "combined filter",
        "county=433127&land_class=paddy&min_area_mu=5&max_area_mu=40&q=田&ordering=closing_soon",
    ),
    ("page 50", "page=50"),
]
INDEX_QUERIES = ["", "county=433126&ordering=price_per_mu", "q=茶&page=3"]
API_TARGET_MS = 50
INDEX_TARGET_MS = 100
THEMES = [
    ("古丈毛尖茶园", "garden", "land_management", "tea"),
    ("湘西猕猴桃园", "garden", "land_management", "orchard"),
    ("椪柑园", "garden", "land_management", "orchard"),
    ("水稻田", "paddy", "land_management", "grain"),
    ("烤烟地", "dry_land", "land_management", "cash_crops"),
    ("龙山百合地", "dry_land", "land_management", "cash_crops"),
    ("油茶林", "forest_land", "forest", "forestry"),
    ("杉木林", "forest_land", "forest", "forestry"),
    ("马尾松林", "forest_land", "forest", "forestry"),
    ("食用菌基地", "other", "stored_land", "mushrooms"),
]


def ensure_database():
    import environ
    import psycopg

    url = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "postgresql" not in url["ENGINE"]:
        sys.exit("bench/search.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    admin = psycopg.connect(
        host=url["HOST"] or "127.0.0.1",
        port=url["PORT"] or 5432,
        user=url["USER"],
        password=url["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url["NAME"]]).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{url["NAME"]}"')
    admin.close()


def square(lon, lat, d=0.0006):
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def load(n, log):
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from cms.structure import listing_index
    from listings.grams import normalise, text_grams
    from listings.models import Listing, Parcel, Right
    from marketplace.demo import seed_regions
    from marketplace.models import User, Village

    have = Listing.objects.count()
    if have >= n:
        log(f"{have} listings already loaded")
        return
    seed_regions(log)
    listing_index()
    user, _ = User.objects.get_or_create(username="bench", defaults={"role": "exchange_staff"})
    villages = list(Village.objects.select_related("township__county").order_by("pk"))
    rng = random.Random(42)
    right = Right.objects.create(
        right_type="contract", starts_on=dt.date(2018, 1, 1), ends_on=dt.date(2060, 1, 1)
    )
    now = timezone.now()
    batch = 5000
    through = Listing.parcels.through
    for start in range(have, n, batch):
        size = min(batch, n - start)
        parcels, listings, links = [], [], []
        for i in range(start, start + size):
            village = villages[i % len(villages)]
            theme, land_class, right_type, use = THEMES[rng.randrange(len(THEMES))]
            lon = 109.2 + rng.random() * 1.3
            lat = 27.8 + rng.random() * 1.7
            area = Decimal(rng.randint(10, 6000)) / 100
            parcels.append(
                Parcel(
                    code=f"{village.full_code}01{i // len(villages) + 1:05d}",
                    village=village,
                    group_code="01",
                    name=f"{theme}{i}号地",
                    area_mu=area,
                    land_class=land_class,
                    boundary_east="路",
                    boundary_south="沟",
                    boundary_west="田",
                    boundary_north="山",
                    geometry=square(lon, lat),
                    forest_class="commercial" if land_class == "forest_land" else "",
                )
            )
            price = (
                rng.randint(150, 900) * 100
                if right_type != "forest"
                else rng.randint(20, 120) * 100
            )
            years = rng.choice([5, 8, 10, 15, 20, 30])
            published = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 700))
            state = "announced" if rng.random() < 0.3 else "closed"
            if rng.random() < 0.05:
                state, published = "draft", None
            t = village.township
            location = f"{t.county.name}{t.name}{village.name}"
            title = f"{t.name}{village.name}{theme}"
            listings.append(
                Listing(
                    number=f"GP-{t.county.code}-BENCH-{i:07d}",
                    title=title,
                    description=f"{theme}，{location}，交通便利",
                    right=right,
                    county_id=t.county_id,
                    township_id=t.pk,
                    village_id=village.pk,
                    area_mu=area,
                    land_class=land_class,
                    right_type=right_type,
                    transfer_mode="lease",
                    term_start=dt.date(2027, 1, 1),
                    term_end=dt.date(2027 + years - 1, 12, 31),
                    term_years=Decimal(years),
                    permitted_use=use,
                    price_unit="per_mu_year",
                    listing_price_fen=price,
                    price_per_mu_fen=price,
                    increment_fen=1000,
                    deposit_fen=100000,
                    filed_by=user,
                    state=state,
                    published_at=published,
                    announcement_ends_at=(published + dt.timedelta(days=14)) if published else None,
                    location=location,
                    search_text=normalise(
                        text := f"{title} {location} {theme}，交通便利 {theme}{i}号地"
                    ),
                    search_grams=text_grams(text),
                )
            )
        with transaction.atomic():
            Parcel.objects.bulk_create(parcels, batch_size=1000)
            Listing.objects.bulk_create(listings, batch_size=1000)
            for listing, parcel in zip(listings, parcels, strict=True):
                links.append(through(listing_id=listing.pk, parcel_id=parcel.pk))
            through.objects.bulk_create(links, batch_size=2000)
        log(f"  loaded {start + size}/{n}")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE listings_listing")
        cursor.execute("VACUUM ANALYZE listings_parcel")
        cursor.execute("VACUUM ANALYZE listings_listing_parcels")


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(client, path, runs, cold=False):
    """p50, p95 and CPU of `runs` requests; `cold`: the cache emptied before each (the price
    chart computed again, as for the first visitor of a search)."""
    from django.core.cache import cache

    for _ in range(3):  # warm-up: caches, connection, template loading
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    timings, cpu = [], []
    for _ in range(runs):
        if cold:
            cache.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    return statistics.median(timings), percentile(timings, 95), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--exact-count",
        action="store_true",
        help="count every result exactly (the strategy before issue 17), to compare",
    )
    args = parser.parse_args()
    ensure_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from cms.structure import listing_index

    call_command("migrate", verbosity=0)
    load(args.n, print)
    if args.exact_count:
        from listings.search import ListingPaginator

        ListingPaginator.count_exact_up_to = 10**12
    client = Client()
    index_url = listing_index().url
    cases = [(f"API {name}", f"/api/v1/listings/?{qs}") for name, qs in API_QUERIES]
    cases += [(f"index page {qs or '(no filter)'}", f"{index_url}?{qs}") for qs in INDEX_QUERIES]
    # The same pages for the first visitor of each search: the price chart (cms.search_page,
    # kept PRICE_CHART_CACHE_SECONDS) aggregated again on every request.
    cases += [
        (f"index page {qs or '(no filter)'}, chart not cached", f"{index_url}?{qs}")
        for qs in INDEX_QUERIES
    ]
    results = {name: [] for name, _ in cases}
    load_before = os.getloadavg()
    for _ in range(args.repeat):
        for name, path in cases:
            results[name].append(measure(client, path, args.runs, cold="not cached" in name))
    load_after = os.getloadavg()
    print(f"\n{args.n} listings, {args.runs} requests × {args.repeat} rounds (median of rounds)")
    before, after = (" ".join(f"{x:.2f}" for x in load) for load in (load_before, load_after))
    print(f"load average (1, 5, 15 min): before {before}, after {after}; {os.cpu_count()} cores")
    print("p50/p95: wall-clock per request; cpu: this process's CPU (Django, not PostgreSQL)")
    print(f"{'query':62} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7}  target  {'count':>8} exact")
    over = 0
    for name, path in cases:
        p50 = statistics.median(r[0] for r in results[name])
        p95 = statistics.median(r[1] for r in results[name])
        cpu = statistics.median(r[2] for r in results[name])
        target = INDEX_TARGET_MS if name.startswith("index") else API_TARGET_MS
        flag = "ok" if p95 <= target else "OVER"
        over += flag == "OVER"
        counted = ""
        if path.startswith("/api/"):
            body = client.get(path).json()
            counted = f"{body['count']:8} {'yes' if body['count_is_exact'] else 'estimate'}"
        print(f"{name:62} {p50:8.1f} {p95:8.1f} {cpu:7.1f}  ≤{target:<4} {flag:4}  {counted}")
    print(f"{len(cases) - over} of {len(cases)} within target")


if __name__ == "__main__":
    main()
