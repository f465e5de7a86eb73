"""The parcel map drawn from the parcels' polygons as inline SVG (no tile server needed)."""

import math
from html import escape

COLOURS = ["#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#c62828"]


def outer_rings(geometry):
    """The outer rings of a GeoJSON Polygon or MultiPolygon (dict); [] for anything else."""
    if not geometry:
        return []
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coords[0]] if coords else []
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def fit(points, *, width, height, pad):
    """A projection of WGS84 `points` into a width × height box with `pad` margins, north up:
    equirectangular with cos(mean latitude), good enough at parcel scale. Returns (xy, scale):
    `xy(point) -> (x, y)` in pixels and the scale in pixels per degree of latitude."""
    lat0 = math.radians(sum(pt[1] for pt in points) / len(points))
    kx = math.cos(lat0)
    xs = [pt[0] * kx for pt in points]
    ys = [pt[1] for pt in points]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    span = max(max_x - min_x, max_y - min_y, 1e-9)
    scale = min(
        (width - 2 * pad) / max(max_x - min_x, span * 0.05),
        (height - 2 * pad) / max(max_y - min_y, span * 0.05),
    )

    def xy(pt):
        return (pad + (pt[0] * kx - min_x) * scale, height - pad - (pt[1] - min_y) * scale)

    return xy, scale


def parcel_map_svg(parcels, *, width=480, height=300, pad=16) -> str:
    """`parcels`: dicts with "geometry" (GeoJSON WGS84) and "code". Numbered as in the table."""
    shapes = [(n, outer_rings(p.get("geometry"))) for n, p in enumerate(parcels, start=1)]
    points = [pt for _n, rings in shapes for ring in rings for pt in ring]
    if not points:
        return ""
    xy, scale = fit(points, width=width, height=height, pad=pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="parcel-map" font-family="Noto Sans CJK SC">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f7f2" stroke="#999"/>',
    ]
    for n, rings in shapes:
        colour = COLOURS[(n - 1) % len(COLOURS)]
        for ring in rings:
            pts = [xy(pt) for pt in ring]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            parts.append(
                f'<polygon points="{path}" fill="{colour}" fill-opacity="0.35" '
                f'stroke="{colour}" stroke-width="1.2"/>'
            )
            cx = sum(x for x, _y in pts[:-1] or pts) / max(len(pts) - 1, 1)
            cy = sum(y for _x, y in pts[:-1] or pts) / max(len(pts) - 1, 1)
            parts.append(
                f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="11" text-anchor="middle" '
                f'fill="#111">{escape(str(n))}</text>'
            )
    # North arrow and a scale bar (metres), so a printed map reads on its own.
    metres_per_unit = 111_320 / scale if scale else 0
    bar_m = _nice(metres_per_unit * 80) if metres_per_unit else 0
    bar_px = bar_m / metres_per_unit if metres_per_unit else 0
    parts.append(
        f'<text x="{width - 20}" y="22" font-size="12" text-anchor="middle">N</text>'
        f'<path d="M{width - 20},26 l-5,12 l5,-4 l5,4 z" fill="#333"/>'
    )
    if bar_px:
        parts.append(
            f'<line x1="{pad}" y1="{height - 6}" x2="{pad + bar_px:.1f}" y2="{height - 6}" '
            f'stroke="#333" stroke-width="2"/>'
            f'<text x="{pad + bar_px + 4:.1f}" y="{height - 3}" font-size="10">{bar_m:g} m</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice(value):
    if value <= 0:
        return 0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp
