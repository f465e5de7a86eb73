"""What the public listing search page adds around the search itself (issue 16, item 8).

The query and its count live in `listings.search` and `listing_pages.listing_index_context`;
this module only explains and draws: an error named by the field's label, suggestions when
nothing matched, the results map with readable numbered markers, and a price chart.
"""

import dataclasses
import hashlib
import math
from decimal import Decimal
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from listings.geometry import GeometryError, parse_polygon
from listings.search import SearchError, listing_search, parse_query
from marketplace.models import County, Township
from valuation.charts import bar_chart

# The labels of the search form, also used to name a field in an error (never `min_area_mu`).
FIELD_LABELS = {
    "q": gettext_lazy("Keyword"),
    "county": gettext_lazy("County"),
    "township": gettext_lazy("Township"),
    "right_type": gettext_lazy("Right type"),
    "land_class": gettext_lazy("Land class"),
    "state": gettext_lazy("State"),
    "min_area_mu": gettext_lazy("Area from (mu)"),
    "max_area_mu": gettext_lazy("Area up to (mu)"),
    "min_price_yuan": gettext_lazy("Price per mu from (yuan)"),
    "max_price_yuan": gettext_lazy("Price per mu up to (yuan)"),
    "min_term_years": gettext_lazy("Term from (years)"),
    "max_term_years": gettext_lazy("Term up to (years)"),
    "ordering": gettext_lazy("Sort by"),
}
NUMBER_FIELDS = (
    "min_area_mu",
    "max_area_mu",
    "min_price_yuan",
    "max_price_yuan",
    "min_term_years",
    "max_term_years",
)
AREA_PRICE_TERM = NUMBER_FIELDS


def field_error(exc: SearchError, params) -> str:
    """A refusal that names the field by the label the visitor sees and says what to enter."""
    label = FIELD_LABELS.get(exc.field, exc.field)
    if exc.field in NUMBER_FIELDS:
        raw = (params.get(exc.field) or "").strip()
        try:
            float(raw)
        except ValueError:
            reason = _("enter a number, e.g. 10 or 12.5.")
        else:
            reason = _("enter 0 or more.")
    elif exc.field in ("county", "township"):
        reason = _("pick one from the list.")
    else:
        reason = _("pick one of the offered choices.")
    return _("%(label)s: %(reason)s") % {"label": label, "reason": reason}


# ---------------------------------------------------------------- zero results


def _href(params, drop=(), **changes) -> str:
    data = {k: v for k, v in params.items() if v and k not in drop and k != "page"}
    for key, value in changes.items():
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    return "?" + urlencode(data)


def _count(params) -> int:
    try:
        return listing_search(parse_query(params)).count()
    except SearchError:
        return 0


def suggestions(params) -> list[dict]:
    """Links that would find something, each with how many it finds (only when none matched)."""
    params = {k: v for k, v in params.items() if k != "page"}
    found = []
    if any(params.get(k) for k in AREA_PRICE_TERM):
        widened = {k: v for k, v in params.items() if k not in AREA_PRICE_TERM}
        found.append(
            {
                "label": _("Any area, price and term"),
                "href": _href(params, drop=AREA_PRICE_TERM),
                "count": _count(widened),
                "kind": "widen",
            }
        )
    if params.get("township"):
        wider = {k: v for k, v in params.items() if k != "township"}
        found.append(
            {
                "label": _("All townships of the county"),
                "href": _href(params, drop=("township",)),
                "count": _count(wider),
                "kind": "township",
            }
        )
    if params.get("q"):
        found.append(
            {
                "label": _("Without the keyword “%(q)s”") % {"q": params["q"]},
                "href": _href(params, drop=("q",)),
                "count": _count({k: v for k, v in params.items() if k != "q"}),
                "kind": "keyword",
            }
        )
    found.extend(_other_counties(params))
    found.append({"label": _("Clear all filters"), "href": "?", "count": None, "kind": "clear"})
    return [s for s in found if s["count"] is None or s["count"] > 0]


def _other_counties(params) -> list[dict]:
    """The same search in the other counties that have matching listings (one grouped query)."""
    rest = {k: v for k, v in params.items() if k not in ("county", "township")}
    try:
        qs = listing_search(parse_query(rest))
    except SearchError:
        return []
    rows = qs.order_by().values("county_id").annotate(n=Count("id"))
    counts = {row["county_id"]: row["n"] for row in rows}
    current = params.get("county") or ""
    out = []
    for county in County.objects.filter(pk__in=counts).order_by("code"):
        if county.code == current:
            continue
        out.append(
            {
                "label": _("In %(county)s") % {"county": county.name},
                "href": _href(params, drop=("township",), county=county.code),
                "count": counts[county.pk],
                "kind": "county",
            }
        )
    return out


def townships_by_county() -> dict[str, list[str]]:
    """{county code: [township names]} for the township list that follows the county (JS)."""
    out: dict[str, list[str]] = {}
    for code, name in Township.objects.order_by("county__code", "code").values_list(
        "county__code", "name"
    ):
        out.setdefault(code, []).append(name)
    return out


# ---------------------------------------------------------------- price chart


# The chart averages every result, not the page (a grouped aggregate over up to all 100,000
# listings: ~35 ms of a ~80 ms page at that size). It is the same for every page and ordering of
# one search, so it is kept for a short while: paging through results or re-sorting them does
# not recompute it, and an average may be this many seconds old.
PRICE_CHART_CACHE_SECONDS = 120


def price_chart(params):
    """Average listing price per mu and year by township over all results (one grouped query,
    kept PRICE_CHART_CACHE_SECONDS per search); None when no lease priced per mu per year is
    among them."""
    try:
        query = parse_query(params)
    except SearchError:
        return None
    search = repr(dataclasses.replace(query, ordering="newest"))
    key = "search:price-chart:" + hashlib.sha256(search.encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = _price_rows(query)
        cache.set(key, rows, PRICE_CHART_CACHE_SECONDS)
    if not rows:
        return None
    items = [
        {
            "label": f"{row['township__name']}（{row['n']}）",
            "value": Decimal(int(row["avg"])) / 100,
            "kind": "index",
        }
        for row in rows
    ]
    return bar_chart(items)


def _price_rows(query) -> list[dict]:
    return list(
        listing_search(query)
        .filter(price_unit="per_mu_year", price_per_mu_fen__isnull=False)
        .order_by()
        .values("township__name")
        .annotate(avg=Avg("price_per_mu_fen"), n=Count("id"))
        .order_by("-avg")[:12]
    )


# ---------------------------------------------------------------- results map

MARKER_RADIUS = 13
CLUSTER_DISTANCE = 2 * MARKER_RADIUS + 4  # markers closer than this (px) are merged


def _mercator(lon, lat):
    """Web Mercator in tile units at zoom 0 (0..1), so the optional 天地图 tiles line up."""
    x = (lon + 180.0) / 360.0
    s = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


def cluster(points, distance=CLUSTER_DISTANCE):
    """Greedy clustering of screen points [(x, y, item)]: a point joins the first cluster whose
    centre is nearer than `distance`, and the centre moves to the members' mean."""
    clusters: list[dict] = []
    for x, y, item in points:
        for c in clusters:
            if math.hypot(c["x"] - x, c["y"] - y) < distance:
                c["items"].append(item)
                c["sx"] += x
                c["sy"] += y
                c["x"], c["y"] = c["sx"] / len(c["items"]), c["sy"] / len(c["items"])
                break
        else:
            clusters.append({"x": x, "y": y, "sx": x, "sy": y, "items": [item]})
    return clusters


def _tiles(bounds, zoom, to_px, key):
    """<image> tiles of the 天地图 vector map covering `bounds` (only with a key configured)."""
    min_x, min_y, max_x, max_y = bounds
    n = 2**zoom
    parts = []
    for tx in range(int(min_x * n), int(max_x * n) + 1):
        for ty in range(int(min_y * n), int(max_y * n) + 1):
            x0, y0 = to_px(tx / n, ty / n)
            x1, y1 = to_px((tx + 1) / n, (ty + 1) / n)
            url = (
                f"https://t{(tx + ty) % 8}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                f"&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                f"&TILEMATRIX={zoom}&TILEROW={ty}&TILECOL={tx}&tk={key}"
            )
            parts.append(
                f'<image href="{escape(url)}" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
                f'height="{y1 - y0:.1f}" preserveAspectRatio="none"/>'
            )
    return parts[:64]


def results_map(entries, *, width=640, height=420, padding=28, title=""):
    """SVG of the results: parcels drawn lightly, one numbered marker per listing, markers that
    would overlap merged into one circle with their count. entries: dicts with `number` (the
    position in the result list), `title`, `href`, `geometries` (GeoJSON). "" if nothing to draw.
    """
    shapes = []
    for entry in entries:
        geoms = []
        for data in entry["geometries"]:
            try:
                geoms.append(parse_polygon(data))
            except (GeometryError, TypeError):
                continue
        if geoms:
            shapes.append((entry, geoms))
    if not shapes:
        return ""
    rings = []
    for _entry, geoms in shapes:
        for geom in geoms:
            polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
            rings.extend([_mercator(x, y) for x, y, *_z in p.exterior.coords] for p in polys)
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
    scale = min((width - 2 * padding) / span_x, (height - 2 * padding) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def to_px(x, y):
        return off_x + (x - min_x) * scale, off_y + (y - min_y) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="results-map" viewBox="0 0 {width} '
        f'{height}" role="group" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#f0f3ef"/>',
    ]
    key = getattr(settings, "TIANDITU_KEY", "")
    if key:
        zoom = max(1, min(18, int(math.log2(scale / 256)) if scale > 256 else 1))
        parts.extend(_tiles((min_x, min_y, max_x, max_y), zoom, to_px, key))
    for ring in rings:
        d = "M" + " L".join("{:.1f},{:.1f}".format(*to_px(x, y)) for x, y in ring) + " Z"
        parts.append(
            f'<path d="{d}" fill="#8fc98f" fill-opacity="0.45" stroke="#0b5d3b" stroke-width="1"/>'
        )
    points = []
    for entry, geoms in shapes:
        centre = _mercator(*_centre(geoms))
        points.append((*to_px(*centre), entry))
    for c in cluster(points):
        parts.append(_marker(c))
    parts.append(
        f'<text x="{width - 8}" y="16" font-size="12" text-anchor="end" fill="#555">北 ↑</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _centre(geoms):
    points = [g.representative_point() for g in geoms]
    return sum(p.x for p in points) / len(points), sum(p.y for p in points) / len(points)


def _marker(c) -> str:
    items = c["items"]
    x, y = c["x"], c["y"]
    if len(items) == 1:
        item = items[0]
        label = escape(f"{item['number']}. {item['title']}")
        body = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{MARKER_RADIUS}" fill="#0b5d3b" '
            f'stroke="#fff" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + 5:.1f}" font-size="14" font-weight="700" '
            f'text-anchor="middle" fill="#fff">{item["number"]}</text>'
        )
        inner = f'<g class="marker" data-marker="{item["number"]}"><title>{label}</title>{body}</g>'
        if item.get("href"):
            return f'<a href="{escape(item["href"])}" aria-label="{label}">{inner}</a>'
        return inner
    numbers = "、".join(str(i["number"]) for i in items)
    label = escape(
        _("%(n)s listings here: %(numbers)s") % {"n": len(items), "numbers": numbers}
        + "\n"
        + "\n".join(f"{i['number']}. {i['title']}" for i in items)
    )
    r = MARKER_RADIUS + 5
    return (
        f'<g class="marker cluster" data-cluster="{len(items)}"><title>{label}</title>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="#b45309" stroke="#fff" '
        f'stroke-width="3"/>'
        f'<text x="{x:.1f}" y="{y + 5:.1f}" font-size="14" font-weight="700" '
        f'text-anchor="middle" fill="#fff">{len(items)}</text></g>'
    )
