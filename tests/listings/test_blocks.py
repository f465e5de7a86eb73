"""Contiguity of stored parcels (R-STORE-4) with real-sized WGS84 polygons in 古丈县."""

import math

from shapely.geometry import box

from listings.blocks import block_problems, blocks_suggest, connected_groups

LON0, LAT0 = 109.95, 28.62  # 古丈县
M_PER_DEG_LAT = 6371008.8 * math.pi / 180
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))


def parcel(x_m, y_m, w_m=40.0, h_m=30.0):
    """A w×h metre rectangle whose south-west corner is x, y metres from the origin (WGS84)."""
    return box(
        LON0 + x_m / M_PER_DEG_LON,
        LAT0 + y_m / M_PER_DEG_LAT,
        LON0 + (x_m + w_m) / M_PER_DEG_LON,
        LAT0 + (y_m + h_m) / M_PER_DEG_LAT,
    )


def test_parcels_sharing_an_edge_are_one_group():
    groups = connected_groups({"a": parcel(0, 0), "b": parcel(40, 0)})
    assert groups == [{"a", "b"}]


def test_parcels_half_a_metre_apart_count_as_touching_within_the_1_m_tolerance():
    groups = connected_groups({"a": parcel(0, 0), "b": parcel(40.5, 0)}, tolerance_m=1.0)
    assert groups == [{"a", "b"}]


def test_parcels_5_m_apart_are_separate_groups_largest_area_first():
    groups = connected_groups({"small": parcel(0, 0, 10, 10), "big": parcel(15, 0)})
    assert groups == [{"big"}, {"small"}]


def test_the_tolerance_is_in_metres_a_5_m_gap_joins_at_6_m_tolerance():
    geoms = {"a": parcel(0, 0), "b": parcel(45, 0)}
    assert connected_groups(geoms, tolerance_m=1.0) == [{"a"}, {"b"}]
    assert connected_groups(geoms, tolerance_m=6.0) == [{"a", "b"}]


def test_a_chain_is_one_group_though_its_ends_are_far_apart():
    geoms = {i: parcel(40 * i, 0) for i in range(6)}  # 240 m long, each touching the next
    assert connected_groups(geoms) == [set(range(6))]


def test_two_islands_give_two_groups_largest_total_area_first():
    west = {f"w{i}": parcel(40 * i, 0) for i in range(2)}
    east = {f"e{i}": parcel(1000 + 40 * i, 0) for i in range(3)}
    groups = connected_groups({**west, **east})
    assert groups == [set(east), set(west)]


def test_block_problems_name_the_parcel_cut_off_and_the_other_township():
    geoms = {"a": parcel(0, 0), "b": parcel(40, 0), "far": parcel(500, 0), "c": parcel(80, 0)}
    townships = {"a": "古阳镇", "b": "古阳镇", "far": "古阳镇", "c": "默戎镇"}
    other, cut_off = block_problems(geoms, townships)
    assert other == {"c"}
    assert cut_off == {"far"}


def test_a_valid_block_has_no_problems():
    geoms = {"a": parcel(0, 0), "b": parcel(40, 0)}
    assert block_problems(geoms, {"a": 1, "b": 1}) == (set(), set())


def test_suggestions_never_cross_townships_even_for_touching_parcels():
    parcels = [
        ("a", "古阳镇", parcel(0, 0)),
        ("b", "古阳镇", parcel(40, 0)),
        ("c", "默戎镇", parcel(80, 0)),  # touches b, other township
        ("d", "默戎镇", parcel(120, 0)),
        ("e", "默戎镇", parcel(160, 0)),
        ("lone", "默戎镇", parcel(900, 0)),
    ]
    assert blocks_suggest(parcels) == [("默戎镇", {"c", "d", "e"}), ("古阳镇", {"a", "b"})]
    assert blocks_suggest(parcels, limit=1) == [("默戎镇", {"c", "d", "e"})]
    assert blocks_suggest(parcels, min_parcels=1)[-1] == ("默戎镇", {"lone"})


def test_no_parcels_no_groups():
    assert connected_groups({}) == []
    assert blocks_suggest([]) == []
