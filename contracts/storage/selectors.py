"""Reads of floor-price storage: offers, contracts, instalments and their status (R-STORE-3)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.payments.models import Payout

from .models import GuaranteeInstalment, StorageContract, StorageOffer

OVERDUE_GRACE_DAYS = 10

STATUS_LABELS = {
    "scheduled": _("Not yet due"),
    "due": _("Due"),
    "in_payment": _("Being paid"),
    "paid": _("Paid"),
    "overdue": _("Overdue"),
}


def instalment_status(instalment, *, today=None) -> str:
    """paid (bank confirmed), in_payment, due, overdue (unpaid 10 days after due) or scheduled."""
    today = today or timezone.localdate()
    payout = instalment.payout
    if payout is not None and payout.state == Payout.State.CONFIRMED:
        return "paid"
    if instalment.due_on > today:
        return "scheduled"
    if instalment.due_on + dt.timedelta(days=OVERDUE_GRACE_DAYS) < today:
        return "overdue"
    return "in_payment" if payout is not None else "due"


def instalments_with_status(qs, *, today=None):
    """The instalments with their status; `qs` may be a page of them (already sliced)."""
    if not getattr(qs, "query", None) or not qs.query.is_sliced:
        qs = qs.select_related("payout", "contract", "household")
    rows = list(qs)
    for row in rows:
        row.status = instalment_status(row, today=today)
        row.status_label = STATUS_LABELS[row.status]
    return rows


def guarantees_for_household(household, *, today=None) -> dict:
    """The household's storage guarantees (for the household page): contracts and instalments
    with due, paid and overdue totals in fen."""
    contracts = list(StorageContract.objects.filter(household=household).order_by("-created_at"))
    rows = instalments_with_status(
        GuaranteeInstalment.objects.filter(household=household).order_by("due_on", "pk"),
        today=today,
    )
    totals = {"paid": 0, "due": 0, "overdue": 0, "scheduled": 0, "in_payment": 0}
    for row in rows:
        totals[row.status] += row.total_fen
    return {
        "offers": list(StorageOffer.objects.filter(household=household)),
        "contracts": contracts,
        "instalments": rows,
        "totals": totals,
    }


def offers_for_user(user):
    qs = StorageOffer.objects.select_related("household__village__township", "county")
    if user.role == "storage_operator":
        return qs.filter(storage_center_id=user.storage_center_id)
    if user.role == "station_operator" and user.station_id:
        return qs.filter(household__village__township_id=user.station.township_id)
    from marketplace.permissions import scope_queryset

    return scope_queryset(qs, user)


def contracts_for_user(user):
    qs = StorageContract.objects.select_related("household__village__township", "county")
    if user.role == "storage_operator":
        return qs.filter(storage_center_id=user.storage_center_id)
    if user.role == "station_operator" and user.station_id:
        return qs.filter(household__village__township_id=user.station.township_id)
    from marketplace.permissions import scope_queryset

    return scope_queryset(qs, user)


def instalments_for_user(user):
    qs = GuaranteeInstalment.objects.all()
    if user.role == "storage_operator":
        return qs.filter(contract__storage_center_id=user.storage_center_id)
    if user.role == "station_operator" and user.station_id:
        return qs.filter(household__village__township_id=user.station.township_id)
    from marketplace.permissions import scope_queryset

    return scope_queryset(qs, user, county_path="contract__county")


def _years(start, end, _cache={}):  # noqa: B006 (a memo of pure results)
    key = (start, end)
    if key not in _cache:
        from .money import storage_years

        _cache[key] = [first.year for _index, first, _fraction in storage_years(start, end)]
    return _cache[key]


EXPOSURE_BLOCKS_PER_PAGE = 50


def exposure(*, county_id, page=None, per_page=EXPOSURE_BLOCKS_PER_PAGE) -> dict:
    """R-STORE-7: per year, for the county and per block, floors owed vs rent received and area
    let vs unlet. A parcel's floors count in every calendar year its storage term touches (the
    instalment of the storage year starting in it); a block counts as let in a year with rent
    recorded. The stored parcels are summed in SQL per block and term (a handful of rows), rents
    read in one query; `page` (from 1) limits the per-block rows to one page of blocks (all when
    None, for the export)."""
    from collections import defaultdict
    from decimal import Decimal

    from django.db.models import Sum

    from .models import Block, BlockRent, StoredParcel

    groups = list(
        StoredParcel.objects.filter(contract__county_id=county_id)
        .values_list("block_id", "term_start", "term_end")
        .annotate(area=Sum("area_mu"), annual=Sum("annual_fen"))
        .order_by()
    )
    rents = {
        (block_id, year): rent
        for block_id, year, rent in BlockRent.objects.filter(
            block__county_id=county_id
        ).values_list("block_id", "year", "rent_fen")
    }
    blocks = defaultdict(lambda: defaultdict(lambda: {"floors": 0, "area": Decimal(0)}))
    county = defaultdict(
        lambda: {"floors": 0, "rent": 0, "area_let": Decimal(0), "area_unlet": Decimal(0)}
    )
    for block_id, start, end, area, annual in groups:
        area = Decimal(area or 0)
        for year in _years(start, end):
            row = county[year]
            row["floors"] += annual
            let = block_id is not None and (block_id, year) in rents
            row["area_let" if let else "area_unlet"] += area
            if block_id is not None:
                blocks[block_id][year]["floors"] += annual
                blocks[block_id][year]["area"] += area
    for (_block_id, year), rent in rents.items():
        county[year]["rent"] += rent
    block_ids = sorted(blocks)
    pages = max(1, -(-len(block_ids) // per_page))
    if page is not None:
        page = min(max(1, int(page)), pages)
        block_ids = block_ids[(page - 1) * per_page : page * per_page]
    names = dict(Block.objects.filter(pk__in=block_ids).values_list("pk", "name"))
    block_rows = []
    for block_id in block_ids:
        years = [
            {
                "year": year,
                "floors": cell["floors"],
                "rent": rents.get((block_id, year), 0),
                "area": cell["area"],
                "let": (block_id, year) in rents,
            }
            for year, cell in sorted(blocks[block_id].items())
        ]
        block_rows.append(
            {
                "block_id": block_id,
                "name": names.get(block_id, ""),
                "years": years,
                "floors": sum(c["floors"] for c in years),
                "rent": sum(c["rent"] for c in years),
                "years_let": sum(1 for c in years if c["let"]),
                "area": max((c["area"] for c in years), default=Decimal(0)),
            }
        )
    return {
        "county": [{"year": year, **row} for year, row in sorted(county.items())],
        "blocks": block_rows,
        "page": page or 1,
        "pages": pages if page is not None else 1,
        "block_count": len(blocks),
    }


def exposure_chart_svg(county_rows, *, width=720, height=260, pad=36) -> str:
    """Bars per year: floors owed (grey) vs rent received (green), offline SVG."""
    from html import escape

    if not county_rows:
        return ""
    top = max(max(r["floors"], r["rent"]) for r in county_rows) or 1
    step = (width - 2 * pad) / len(county_rows)
    bar = max(2.0, step * 0.35)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" data-testid="exposure-chart">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#555"/>',
    ]
    for i, row in enumerate(county_rows):
        x = pad + i * step + step * 0.1
        for k, (value, colour) in enumerate(((row["floors"], "#9aa5b1"), (row["rent"], "#3b8f5a"))):
            h = (height - 2 * pad) * value / top
            parts.append(
                f'<rect x="{x + k * bar:.1f}" y="{height - pad - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - pad + 14}" font-size="10" '
            f'text-anchor="middle">{escape(str(row["year"]))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def exposure_xlsx(data, *, county_name) -> bytes:
    """The county finance bureau's export: county totals per year, then each block per year."""
    from io import BytesIO

    from openpyxl import Workbook

    from marketplace.money import fen_to_yuan

    wb = Workbook()
    ws = wb.active
    ws.title = "县汇总"
    ws.append([f"{county_name} 收储兜底风险敞口"])
    ws.append(
        ["年度", "应付保底金（元）", "已收租金（元）", "已流转面积（亩）", "未流转面积（亩）"]
    )
    for row in data["county"]:
        ws.append(
            [
                row["year"],
                fen_to_yuan(row["floors"]),
                fen_to_yuan(row["rent"]),
                row["area_let"],
                row["area_unlet"],
            ]
        )
    blocks = wb.create_sheet("连片地块")
    blocks.append(
        ["连片地块", "年度", "应付保底金（元）", "已收租金（元）", "面积（亩）", "已流转"]
    )
    for block in data["blocks"]:
        for cell in block["years"]:
            blocks.append(
                [
                    block["name"],
                    cell["year"],
                    fen_to_yuan(cell["floors"]),
                    fen_to_yuan(cell["rent"]),
                    cell["area"],
                    "是" if cell["let"] else "否",
                ]
            )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def blocks_for_user(user):
    """Blocks with their current listing: the storage operator's centre's, staff and auditors'
    in scope (all for the prefecture); nobody else's. Three queries."""
    from listings.models import Listing
    from marketplace.permissions import scope_queryset

    from .models import Block

    qs = Block.objects.select_related("township", "county").order_by("-created_at", "-pk")
    if user.role == "storage_operator":
        qs = qs.filter(storage_center_id=user.storage_center_id)
    else:
        qs = scope_queryset(qs, user)
    rows = list(qs)
    right_ids = [b.right_id for b in rows if b.right_id]
    latest = {}
    for listing in (
        Listing.objects.filter(right_id__in=right_ids)
        .select_related("deal")
        .order_by("right_id", "created_at", "pk")
    ):
        latest[listing.right_id] = listing  # the newest wins
    for block in rows:
        block.listing = latest.get(block.right_id)
    return rows


def block_detail(block) -> dict:
    """A block's parcels (with their households and fixed floors), listings and rent by year."""
    from . import block_listings

    stored = list(
        block.stored_parcels.select_related("parcel__village", "household", "contract").order_by(
            "parcel__code"
        )
    )
    listings = list(block_listings.block_listings(block).select_related("deal"))
    data = exposure(county_id=block.county_id, page=None)
    years = next((b["years"] for b in data["blocks"] if b["block_id"] == block.pk), [])
    return {
        "the_block": block,  # not "block": inside {% block %} that name is the template block
        "stored": stored,
        "listings": listings,
        "years": years,
        "rents": list(block.rents.all()),
        "busy": block_listings.block_busy(block) if block.state == "formed" else None,
    }
