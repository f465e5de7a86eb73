"""Parcel polygons (R-RIGHT-2): shapely validation, equal-area area, the 5 % warning, SVG maps."""

from decimal import Decimal

import pytest

from listings.geometry import (
    GeometryError,
    area_m2,
    area_mu,
    area_warning,
    parse_polygon,
    render_svg,
)
from listings.registry import parcel_code_error
from tests.listings.factories import square


def test_a_square_of_0_001_degrees_at_28_6_north_has_the_spherical_area():
    # 0.001° of longitude × cos(28.6°) × 0.001° of latitude on the authalic sphere ≈ 10,855 m²
    geom = parse_polygon(square(109.9, 28.6, "0.001"))
    assert area_m2(geom) == pytest.approx(10855, rel=0.003)
    assert area_mu(geom) == pytest.approx(Decimal("16.28"), rel=Decimal("0.003"))


def test_it_refuses_a_self_intersecting_polygon():
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[109.9, 28.5], [109.91, 28.51], [109.91, 28.5], [109.9, 28.51], [109.9, 28.5]]
        ],
    }
    with pytest.raises(GeometryError, match="intersects itself|自相交"):
        parse_polygon(bow_tie)


def test_it_refuses_points_outside_xiangxi_and_non_polygons():
    with pytest.raises(GeometryError):
        parse_polygon(square(113.0, 28.2))  # Changsha
    with pytest.raises(GeometryError):
        parse_polygon({"type": "Point", "coordinates": [109.9, 28.5]})
    with pytest.raises(GeometryError):
        parse_polygon("{not json")


def test_r_right_2_a_polygon_5_percent_off_the_registered_area_warns_staff():
    geom = square(109.9, 28.6, "0.001")  # ≈ 16.28 mu
    assert area_warning(geom, Decimal("16.5")) is None  # 1.3 % apart
    assert area_warning(geom, Decimal("18")) is not None  # 9.5 % apart


def test_r_right_2_parcel_code_must_start_with_the_village_codes(db):
    from tests import factories as kernel

    village = kernel.VillageFactory(township=kernel.TownshipFactory(code="003"), code="001")
    assert parcel_code_error("4331260030010100001", village) is None
    assert "19" in parcel_code_error("43312600300101", village)
    assert parcel_code_error("4331260030020100001", village) is not None


def test_the_map_is_inline_svg_without_any_tile_server():
    svg = render_svg([{"geometry": square(), "label": "茶园<1>", "href": "/x/"}], title="地图")
    assert svg.startswith("<svg") and "<path" in svg
    assert "茶园&lt;1&gt;" in svg  # labels escaped
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert render_svg([{"geometry": None, "label": "x"}]) == ""
