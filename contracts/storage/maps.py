"""The storage operator's block map: stored parcels of a township as an offline SVG (no tiles).

Each polygon carries `data-stored="<pk>"` so the page can toggle the matching checkbox; classes
mark parcels in a block, suggested, or selected."""

from html import escape

from contracts.documents.maps import fit, outer_rings


def block_map_svg(stored, *, selected=(), suggested=(), width=720, height=440, pad=16) -> str:
    """`stored`: StoredParcel rows (with parcel); returns "" when none has a polygon."""
    selected, suggested = set(selected), set(suggested)
    shapes = [(s, outer_rings(s.parcel.geometry)) for s in stored]
    points = [pt for _s, rings in shapes for ring in rings for pt in ring]
    if not points:
        return ""
    xy, _scale = fit(points, width=width, height=height, pad=pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="block-map" role="img" '
        f'data-testid="block-map">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f7f2" stroke="#999"/>',
    ]
    for s, rings in shapes:
        if s.block_id and s.block.state == "formed":
            kind, fill = "in-block", "#9aa5b1"
        elif s.pk in selected:
            kind, fill = "selected", "#d9822b"
        elif s.pk in suggested:
            kind, fill = "suggested", "#3b8f5a"
        else:
            kind, fill = "free", "#6fa8dc"
        for ring in rings:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(pt) for pt in ring))
            parts.append(
                f'<polygon points="{path}" class="parcel {kind}" data-stored="{s.pk}" '
                f'fill="{fill}" fill-opacity="0.55" stroke="#333" stroke-width="0.8">'
                f"<title>{escape(s.parcel.name)} {escape(s.parcel.code)}</title></polygon>"
            )
    parts.append("</svg>")
    return "".join(parts)
