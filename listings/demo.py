"""Demo registry and listings: ~200 parcels in adjacent plots, rights, encumbrances, ~40 listings.

Runs after marketplace.demo and valuation.demo. Idempotent: parcels are keyed by code, rights by
certificate number, listings by title; a listing is only moved forward, never back. Published
listings get their public pages from the cms receivers when the seeder's transaction commits.
"""

import datetime as dt
import math
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace.choices import LandClass
from marketplace.demo import DEMO_PASSWORD, make_id_number
from marketplace.models import Household, ServiceStation, User, Village
from marketplace.money import ceil_yuan

from . import services
from .checks import price_factor
from .geometry import area_mu as polygon_area_mu
from .geometry import parse_polygon, round_mu
from .models import Encumbrance, Entrustment, Listing, Parcel, Right, RightHolder

# (county code, township name, village index, lon, lat, land class, theme, forest class)
VILLAGES = [
    ("433126", "默戎镇", 1, 109.870, 28.560, LandClass.GARDEN, "古丈毛尖茶园", ""),
    ("433126", "默戎镇", 2, 109.880, 28.565, LandClass.PADDY, "水稻田", ""),
    ("433126", "古阳镇", 1, 109.950, 28.620, LandClass.GARDEN, "湘西猕猴桃园", ""),
    ("433126", "断龙山镇", 1, 110.050, 28.700, LandClass.FOREST_LAND, "杉木林", "commercial"),
    ("433127", "芙蓉镇", 1, 109.980, 28.800, LandClass.PADDY, "水稻田", ""),
    ("433127", "小溪镇", 1, 110.200, 29.100, LandClass.FOREST_LAND, "油茶林", "commercial"),
    ("433130", "里耶镇", 1, 109.450, 29.350, LandClass.DRY_LAND, "龙山百合地", ""),
    ("433123", "山江镇", 1, 109.500, 28.050, LandClass.GARDEN, "椪柑园", ""),
    ("433125", "吕洞山镇", 1, 109.600, 28.600, LandClass.GARDEN, "黄金茶园", ""),
    ("433124", "吉卫镇", 1, 109.400, 28.400, LandClass.DRY_LAND, "烤烟地", ""),
]
ROWS, COLS = 4, 5  # 20 adjacent plots per village
DX, DY = Decimal("0.0009"), Decimal("0.0007")  # ≈ 88 m × 78 m ≈ 10 mu
USES = {
    LandClass.GARDEN: "tea",
    LandClass.PADDY: "grain",
    LandClass.DRY_LAND: "cash_crops",
    LandClass.FOREST_LAND: "forestry",
}
# Target state of each listing, in order (40 listings, 4 per village).
PLAN = (
    ["announced"] * 16
    + ["closed"] * 5
    + ["approved"] * 4
    + ["submitted"] * 6
    + ["returned"] * 2
    + ["draft"] * 4
    + ["withdrawn"] * 3
)
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SURNAMES = "彭向田龙石吴麻滕符鲁唐杨"


def _village(county_code, township_name, index):
    return Village.objects.select_related("township__county").get(
        township__county__code=county_code, township__name=township_name, code=f"{index:03d}"
    )


def _grid_vertex(rng_seed, i, j, lon, lat):
    """Shared vertices with a stable jitter, so that neighbouring plots share their edges."""
    rng = random.Random(rng_seed * 10007 + i * 101 + j)
    jx = Decimal(rng.randint(-12, 12)) / 100000 if 0 < j < COLS else 0
    jy = Decimal(rng.randint(-10, 10)) / 100000 if 0 < i < ROWS else 0
    return [float(Decimal(str(lon)) + DX * j + jx), float(Decimal(str(lat)) + DY * i + jy)]


def _plot(seed, row, col, lon, lat):
    ring = [
        _grid_vertex(seed, row, col, lon, lat),
        _grid_vertex(seed, row, col + 1, lon, lat),
        _grid_vertex(seed, row + 1, col + 1, lon, lat),
        _grid_vertex(seed, row + 1, col, lon, lat),
    ]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def seed_parcels(log) -> dict:
    by_village = {}
    for n, (county, township, vindex, lon, lat, land_class, theme, forest) in enumerate(VILLAGES):
        village = _village(county, township, vindex)
        parcels = []
        for k in range(ROWS * COLS):
            row, col = divmod(k, COLS)
            geometry = _plot(n, row, col, lon, lat)
            measured = polygon_area_mu(parse_polygon(geometry))
            # Two plots per village were registered with an old survey (the 5 % warning).
            area = measured * (Decimal("1.12") if k in (3, 11) else Decimal(1))
            group = f"{row + 1:02d}"
            parcel, _ = Parcel.objects.update_or_create(
                code=f"{village.full_code}{group}{k + 1:05d}",
                defaults={
                    "village": village,
                    "group_code": group,
                    "name": f"{theme}{k + 1}号地",
                    "area_mu": round_mu(area),
                    "land_class": land_class,
                    "is_basic_farmland": land_class == LandClass.PADDY and k % 2 == 0,
                    "boundary_east": "机耕道" if col == COLS - 1 else f"{k + 2}号地",
                    "boundary_south": "小溪" if row == 0 else f"{k + 1 - COLS}号地",
                    "boundary_west": "山脚" if col == 0 else f"{k}号地",
                    "boundary_north": "村道" if row == ROWS - 1 else f"{k + 1 + COLS}号地",
                    "geometry": geometry,
                    "forest_class": forest,
                    "dominant_species": ("杉木" if "杉" in theme else "油茶") if forest else "",
                    "age_class": "middle" if forest else "",
                    "stock_volume_m3": Decimal("4.50") * area if forest else None,
                },
            )
            parcels.append(parcel)
        by_village[village.pk] = (village, parcels, land_class, theme)
    log(f"parcels: {Parcel.objects.count()} with polygons in {len(VILLAGES)} villages")
    return by_village


def _households(village, count):
    """Households of the village: the kernel's demo households first, then demo-only ones."""
    existing = list(Household.objects.filter(village=village).order_by("pk")[:count])
    for i in range(len(existing), count):
        serial = 600 + village.pk * 10 + i
        id_number = make_id_number(
            village.township.county.code,
            dt.date(1962, 1, 1) + dt.timedelta(days=serial * 37),
            serial % 1000,
        )
        household, _ = Household.objects.update_or_create(
            id_number=id_number,
            defaults={
                "name": f"{SURNAMES[serial % len(SURNAMES)]}示{'甲乙丙丁'[i % 4]}",
                "village": village,
                "phone": f"1397{serial:07d}"[:11],
                "bank_name": "湖南农村信用社（演示）",
                "bank_account": f"62305{serial:014d}",
            },
        )
        existing.append(household)
    return existing


def seed_rights(log, by_village) -> list:
    """Four rights per village, 5 adjacent plots each: household contract rights or forest rights."""
    bundles = []
    for village, parcels, land_class, theme in by_village.values():
        # Households list through their station; where the demo has no station, the village
        # collective lists its own land (R-LIST-4 factor 1.0).
        has_station = ServiceStation.objects.filter(township=village.township).exists()
        holders = _households(village, 4) if has_station else [village.collective] * 4
        for b in range(4):
            chunk = parcels[b * 5 : b * 5 + 5]
            right_type = "forest" if land_class == LandClass.FOREST_LAND else "contract"
            if not has_station and right_type == "contract":
                right_type = "land_management"
            right, _ = Right.objects.update_or_create(
                certificate_number=f"演示{village.full_code}{b + 1:03d}",
                defaults={
                    "right_type": right_type,
                    "starts_on": dt.date(2018, 1, 1),
                    "ends_on": dt.date(2047, 12, 31)
                    if right_type == "contract"
                    else dt.date(2057, 12, 31),
                },
            )
            right.parcels.set(chunk)
            holder = holders[b]
            if isinstance(holder, Household):
                RightHolder.objects.get_or_create(right=right, household=holder)
            else:
                RightHolder.objects.get_or_create(right=right, collective=holder)
            bundles.append((village, right, chunk, holder, land_class, theme))
    # Some encumbrances (R-RIGHT-3): a mortgage with consent, a released one, one blocking.
    first_village, _r, first_chunk, *_rest = bundles[0]
    Encumbrance.objects.get_or_create(
        parcel=first_chunk[0],
        kind=Encumbrance.Kind.MORTGAGE,
        defaults={
            "counterparty": "古丈县农村商业银行（演示）",
            "starts_on": dt.date(2024, 3, 1),
            "ends_on": dt.date(2029, 3, 1),
            "consent_document": ContentFile(TINY_PDF, name="consent.pdf"),
            "note": "抵押权人书面同意流转",
        },
    )
    Encumbrance.objects.get_or_create(
        parcel=bundles[1][2][0],
        kind=Encumbrance.Kind.LEASE,
        defaults={
            "counterparty": "原承租人（演示）",
            "starts_on": dt.date(2019, 1, 1),
            "ends_on": dt.date(2024, 12, 31),
            "released_on": dt.date(2024, 12, 31),
        },
    )
    Encumbrance.objects.get_or_create(
        parcel=bundles[-1][2][0],
        kind=Encumbrance.Kind.DISPUTE,
        defaults={"counterparty": "吉卫镇人民调解委员会（演示）", "starts_on": dt.date(2026, 6, 1)},
    )
    log(f"rights: {len(bundles)}; encumbrances: {Encumbrance.objects.count()}")
    return bundles


def _operator(station):
    username = f"op{station.township.full_code}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=User.Role.STATION_OPERATOR,
            station=station,
            display_name=f"{station.township.name}经办人",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return (
        User.objects.filter(station=station, role=User.Role.STATION_OPERATOR).order_by("pk").first()
    )


def _entrustment(household, station, operator):
    found = Entrustment.objects.filter(household=household, station=station).first()
    if found:
        return found
    now = timezone.now()
    return services.entrustment_record(
        household=household,
        station=station,
        actor=operator,
        scan=ContentFile(TINY_PDF, name="entrustment.pdf"),
        consent_method=Entrustment.ConsentMethod.FINGERPRINT,
        consented_at=now - dt.timedelta(days=30),
        valid_from=timezone.localdate() - dt.timedelta(days=30),
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )


def _valuation(staff, listing_like):
    from valuation.services import valuation_report_create, valuation_suggest

    subject = {
        "county": listing_like["county"],
        "township": listing_like["township"],
        "land_class": listing_like["land_class"],
        "area_mu": listing_like["area_mu"],
        "term_years": listing_like["term_years"],
    }
    suggestion = valuation_suggest(
        right_type="land_management", method="income_capitalisation", **subject
    )
    return valuation_report_create(
        valuer=staff,
        subject_label=listing_like["title"],
        method=suggestion["method"],
        inputs=suggestion["inputs"],
        **subject,
    )


def _file(bundle, index, use, staff):
    village, right, chunk, holder, land_class, theme = bundle
    household = holder if isinstance(holder, Household) else None
    collective = None if household else holder
    title = f"{village.township.name}{village.name}{theme}（{index + 1}）"
    existing = Listing.objects.filter(title=title).first()
    if existing:
        return existing, None
    parcels = chunk[:2] if use == 0 else chunk[2:]
    area = sum(p.area_mu for p in parcels)
    years = 10 if land_class != LandClass.FOREST_LAND else 20
    start = dt.date(timezone.localdate().year + 1, 1, 1)
    end = dt.date(start.year + years - 1, 12, 31)
    report = _valuation(
        staff,
        {
            "county": village.township.county,
            "township": village.township,
            "land_class": land_class,
            "area_mu": area,
            "term_years": Decimal(years),
            "title": title,
        },
    )
    factor = price_factor(Listing(transferor_household=household, transferor_collective=collective))
    markup = Decimal("1.00") + Decimal(index % 4) / 10
    per_mu = Decimal(report.reference_price_per_mu_year_fen) * factor * markup / 100
    price = int(ceil_yuan(per_mu)) * 100
    station = ServiceStation.objects.filter(township=village.township).first()
    operator = _operator(station) if station and household else None
    entrustment = _entrustment(household, station, operator) if operator else None
    listing = services.listing_create(
        actor=operator or staff,
        right=right,
        parcels=parcels,
        household=household,
        collective=collective,
        entrustment=entrustment,
        title=title,
        description=f"{theme}，{village.township.name}{village.name}，连片{len(parcels)}块，交通便利（演示）",
        transfer_mode="lease",
        term_start=start,
        term_end=end,
        permitted_use=USES[land_class],
        price_unit="per_mu_year",
        listing_price_fen=price,
        increment_fen=max(1000, int(math.ceil(price / 2000)) * 100),
        bidder_qualifications="具有农业经营能力的新型农业经营主体（演示）",
    )
    return listing, (operator or staff, report)


STEPS = ["draft", "submitted", "approved", "announced", "closed"]


def _advance(listing, target, filer, report, staff, index):
    """Move a freshly filed listing to its planned state through the services (audited)."""
    if target == "draft":
        return listing
    listing = services.listing_submit(listing=listing, actor=filer)
    if target == "returned":
        return services.listing_return(
            listing=listing, actor=staff, reasons="请补充四至证明材料（演示）"
        )
    listing = services.listing_attach_valuation_report(listing=listing, report=report, actor=staff)
    if target == "submitted":
        return listing
    listing = services.listing_approve(listing=listing, actor=staff)
    if target == "withdrawn":
        return services.listing_withdraw(listing=listing, actor=staff, reason="农户撤回（演示）")
    if target == "approved":
        return listing
    days_ago = 25 + index if target == "closed" else index % 4
    at = timezone.now() - dt.timedelta(days=days_ago)
    listing = services.listing_publish(listing=listing, actor=staff, at=at)
    if target == "closed":
        listing = services.listing_close(listing=listing, actor=staff)
    return listing


def seed(log) -> None:
    staff = User.objects.filter(username="staff").first()
    if staff is None:
        log("listings: the kernel demo (staff login) is missing; run marketplace.demo first")
        return
    by_village = seed_parcels(log)
    bundles = seed_rights(log, by_village)
    # The last bundle's first parcel is disputed (R-RIGHT-3): keep it out of the plan.
    plannable = [b for b in bundles if b is not bundles[-1]]
    created = 0
    for index, target in enumerate(PLAN):
        bundle = plannable[index % len(plannable)]
        listing, fresh = _file(bundle, index, index // len(plannable), staff)
        if fresh is None:
            continue
        _advance(listing, target, fresh[0], fresh[1], staff, index)
        created += 1
    counts = {}
    for state in Listing.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    log(f"listings: {created} new, by state {dict(sorted(counts.items()))}")
