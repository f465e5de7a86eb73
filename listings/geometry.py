"""Parcel polygons (R-RIGHT-2): validation with shapely, equal-area areas and offline SVG maps.

Pure functions (no database). Coordinates are GeoJSON WGS84 (longitude, latitude). Areas use a
sinusoidal projection centred on the polygon, which is equal-area, so no pyproj is needed.
"""

import json
import math
from decimal import ROUND_HALF_UP, Decimal
from html import escape

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

# Xiangxi prefecture's bounding box (WGS84), with a little margin.
XIANGXI_BBOX = (109.1, 27.7, 110.6, 29.6)  # min lon, min lat, max lon, max lat
EARTH_RADIUS_M = 6371008.8
M2_PER_MU = Decimal("666.67")
AREA_TOLERANCE = Decimal("0.05")  # R-RIGHT-2: > 5 % difference warns staff


class GeometryError(ValueError):
    """A polygon that cannot be registered; the message is translated and names the rule."""


def _load(data):
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError:
            raise GeometryError(_("The polygon is not valid GeoJSON text.")) from None
    if not isinstance(data, dict):
        raise GeometryError(_("The polygon must be a GeoJSON object."))
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
    return data


def parse_polygon(data):
    """A validated shapely Polygon/MultiPolygon from GeoJSON (dict or text), or GeometryError."""
    data = _load(data)
    if data.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError(_("The geometry must be a Polygon or MultiPolygon."))
    try:
        geom = shape(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise GeometryError(_("The polygon's coordinates cannot be read.")) from None
    if geom.is_empty:
        raise GeometryError(_("The polygon is empty."))
    if not geom.is_valid:
        reason = explain_validity(geom)
        if "Self-intersection" in reason:
            raise GeometryError(_("The polygon intersects itself (%(where)s).") % {"where": reason})
        raise GeometryError(_("The polygon is not valid (%(why)s).") % {"why": reason})
    if geom.area == 0:
        raise GeometryError(_("The polygon is empty."))
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    bx = XIANGXI_BBOX
    if min_lon < bx[0] or max_lon > bx[2] or min_lat < bx[1] or max_lat > bx[3]:
        raise GeometryError(
            _(
                "The polygon lies outside Xiangxi prefecture (WGS84 longitude 109.1–110.6, "
                "latitude 27.7–29.6): check that the coordinates are longitude, latitude."
            )
        )
    return geom


def area_m2(geom) -> float:
    """Area in m² in a sinusoidal (equal-area) projection centred on the geometry."""
    lon0 = geom.centroid.x

    def project(coords):
        phi = np.radians(coords[:, 1])
        x = EARTH_RADIUS_M * np.radians(coords[:, 0] - lon0) * np.cos(phi)
        return np.column_stack([x, EARTH_RADIUS_M * phi])

    return float(shapely.transform(geom, project).area)


def round_mu(value, places: int = 4) -> Decimal:
    """An area in mu half-up to `places` decimals (4 are stored): the one rounding of areas."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def area_mu(geom) -> Decimal:
    """Polygon area in mu (1 mu = 666.67 m²), 4 decimals."""
    return (Decimal(repr(area_m2(geom))) / M2_PER_MU).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def area_difference(geometry, registered_mu) -> Decimal | None:
    """Relative difference |polygon − registered| / registered, or None without a usable polygon."""
    if not geometry or not registered_mu:
        return None
    try:
        geom = parse_polygon(geometry)
    except GeometryError:
        return None
    registered = Decimal(str(registered_mu))
    if registered <= 0:
        return None
    return (abs(area_mu(geom) - registered) / registered).quantize(Decimal("0.0001"))


def area_warning(geometry, registered_mu) -> str | None:
    """A warning for staff when the polygon's area differs from the registered area by > 5 %."""
    diff = area_difference(geometry, registered_mu)
    if diff is None or diff <= AREA_TOLERANCE:
        return None
    geom = parse_polygon(geometry)
    return _(
        "The polygon measures %(poly)s mu but %(reg)s mu is registered (%(pct)s %% apart, "
        "more than 5 %%): check the survey."
    ) % {
        "poly": area_mu(geom).quantize(Decimal("0.01")),
        "reg": Decimal(str(registered_mu)).quantize(Decimal("0.01")),
        "pct": (diff * 100).quantize(Decimal("0.1")),
    }


# ---------------------------------------------------------------- offline SVG map


def _rings(geom):
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    for poly in polys:
        yield list(poly.exterior.coords)
        for interior in poly.interiors:
            yield list(interior.coords)


def render_svg(items, *, width=640, height=400, padding=16, title="", role="img"):
    """Inline SVG of polygons, drawn offline (no tile server): items are dicts with
    `geometry` (GeoJSON), `label`, optional `href`, `css` (a class name) and `attrs` (more
    attributes of the polygon, e.g. tabindex and ARIA for a map one picks from: then pass
    role="group" so that the polygons are not hidden inside an image).

    Equirectangular with cos(latitude) scaling, north up; returns "" when nothing can be drawn.
    """
    shapes = []
    for item in items:
        try:
            shapes.append((parse_polygon(item["geometry"]), item))
        except (GeometryError, KeyError, TypeError):
            continue
    if not shapes:
        return ""
    min_x = min(g.bounds[0] for g, _i in shapes)
    min_y = min(g.bounds[1] for g, _i in shapes)
    max_x = max(g.bounds[2] for g, _i in shapes)
    max_y = max(g.bounds[3] for g, _i in shapes)
    kx = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * kx, 1e-9)
    span_y = max(max_y - min_y, 1e-9)
    scale = min((width - 2 * padding) / span_x, (height - 2 * padding) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def pt(lon, lat):
        return f"{off_x + (lon - min_x) * kx * scale:.1f},{off_y + (max_y - lat) * scale:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="parcel-map" viewBox="0 0 {width} {height}"'
        f' role="{escape(role)}" aria-label="{escape(title)}" data-testid="parcel-map">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#f0f3ef"/>',
    ]
    for geom, item in shapes:
        d = " ".join(
            "M" + " L".join(pt(x, y) for x, y, *_z in ring) + " Z" for ring in _rings(geom)
        )
        css = escape(item.get("css") or "parcel")
        label = escape(str(item.get("label", "")))
        extra = "".join(
            f' {escape(str(k))}="{escape(str(v))}"' for k, v in (item.get("attrs") or {}).items()
        )
        path = (
            f'<path class="{css}" d="{d}" fill-rule="evenodd" fill="#8fc98f" fill-opacity="0.6" '
            f'stroke="#0b5d3b" stroke-width="1.5"{extra}><title>{label}</title></path>'
        )
        if item.get("href"):
            path = f'<a href="{escape(item["href"])}">{path}</a>'
        parts.append(path)
        if label and len(shapes) <= 40:
            p = geom.representative_point()
            x, y = pt(p.x, p.y).split(",")
            parts.append(
                f'<text x="{x}" y="{y}" font-size="11" text-anchor="middle" fill="#1a1a1a">'
                f"{label}</text>"
            )
    parts.append(
        f'<text x="{width - 8}" y="16" font-size="12" text-anchor="end" fill="#555">北 ↑</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
