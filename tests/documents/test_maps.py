"""The contract's parcel map (R-RIGHT-2's polygons drawn offline, no tiles) and the block map share
one projection: north up, the parcels fitted into the box, a scale bar in round metres."""

import re

from contracts.documents.maps import fit, outer_rings, parcel_map_svg

SQUARE = {  # 0.001° × 0.001° at 28.5° N: about 97.7 m east-west, 111.3 m north-south
    "type": "Polygon",
    "coordinates": [[[109.95, 28.5], [109.951, 28.5], [109.951, 28.501], [109.95, 28.501]]],
}


def test_the_projection_fits_the_parcels_north_up_inside_the_margins():
    points = outer_rings(SQUARE)[0]
    xy, scale = fit(points, width=480, height=300, pad=16)
    xs, ys = zip(*(xy(pt) for pt in points), strict=True)
    assert min(xs) >= 16 and max(xs) <= 464 and min(ys) >= 16 and max(ys) <= 284
    # north up: the northern edge is drawn above the southern one
    assert xy((109.95, 28.501))[1] < xy((109.95, 28.5))[1]
    # the taller side (north-south) fills the height between the margins
    assert round(max(ys) - min(ys)) == 300 - 2 * 16
    assert round(scale * 0.001) == 268


def test_the_contract_map_numbers_the_parcels_and_draws_a_round_scale_bar():
    second = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    svg = parcel_map_svg([{"geometry": SQUARE, "code": "A"}, {"geometry": second, "code": "B"}])
    assert svg.count("<polygon") == 2
    assert re.findall(r">(\d)</text>", svg) == ["1", "2"]
    # 80 px at 268 px per 0.001° ≈ 33 m, rounded up to 50 m
    assert ">50 m</text>" in svg


def test_nothing_is_drawn_without_a_polygon():
    assert parcel_map_svg([{"geometry": None, "code": "A"}]) == ""
    assert outer_rings({"type": "Point", "coordinates": [109.9, 28.5]}) == []
