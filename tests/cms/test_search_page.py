"""The public search page explains itself (issue 16, item 8; R-LIST-7): errors named by the
field's label, suggestions when nothing matches, readable map markers, a price chart."""

import re

import pytest
from django.test import Client

from cms import search_page
from tests import factories as kernel
from tests.listings.scene import make_scene, publish


@pytest.fixture
def staff(db):
    return kernel.UserFactory(role="exchange_staff", is_staff=True)


@pytest.fixture
def published(db, staff, django_capture_on_commit_callbacks):
    scene = make_scene()
    with django_capture_on_commit_callbacks(execute=True):
        listing = publish(scene, staff, title="古丈毛尖茶园")
    return scene, listing


def test_r_list_7_an_error_names_the_field_by_its_chinese_label_not_the_parameter(published):
    html = Client().get("/listings/", {"min_area_mu": "abc"}).content.decode()
    error = re.search(r'data-testid="search-error">([^<]*)<', html).group(1)
    assert "min_area_mu" not in error
    assert "面积" in error and "数字" in error
    html = Client().get("/listings/", {"max_price_yuan": "-5"}).content.decode()
    error = re.search(r'data-testid="search-error">([^<]*)<', html).group(1)
    assert "max_price_yuan" not in error and "价格" in error


def test_r_list_7_no_result_offers_suggestions_that_find_something(published):
    _scene, listing = published
    other = kernel.CountyFactory(code="433127")
    client = Client()
    html = client.get(
        "/listings/", {"county": other.code, "land_class": "dry_land"}
    ).content.decode()
    assert 'data-testid="zero-results"' in html
    # no area/price/term filter to widen; the same search in the county that has it is offered
    assert 'data-testid="suggestion-widen"' not in html
    href = re.search(r'href="([^"]*)" data-testid="suggestion-county"', html).group(1)
    href = href.replace("&amp;", "&")
    assert "county=433126" in href and "land_class=dry_land" in href
    assert listing.number in client.get("/listings/" + href).content.decode()
    assert 'data-testid="suggestion-clear"' in html
    # too large an area: widening finds the one listing, and says so
    html = client.get("/listings/", {"county": "433126", "min_area_mu": "500"}).content.decode()
    assert 'data-testid="suggestion-widen"' in html and "（1 项）" in html
    href = re.search(r'href="([^"]*)" data-testid="suggestion-widen"', html).group(1)
    assert "min_area_mu" not in href
    assert listing.number in client.get("/listings/" + href.replace("&amp;", "&")).content.decode()


def test_the_township_list_follows_the_county_without_and_with_javascript(published):
    scene, _listing = published
    html = Client().get("/listings/", {"county": "433126"}).content.decode()
    assert f'<option value="{scene.township.name}"' in html  # without JS: after the reload
    assert 'id="townships-by-county"' in html  # with JS: the data for static/js/search.js
    assert search_page.townships_by_county()["433126"] == [scene.township.name]
    assert "/static/js/search.js" in html and "<script>" not in html


def test_the_results_map_draws_numbered_markers_and_merges_overlapping_ones(published):
    _scene, listing = published
    html = Client().get("/listings/", {"q": "茶"}).content.decode()
    assert 'data-marker="1"' in html and "tianditu" not in html  # no outside load by default
    # two listings on the same spot become one marker with the count
    square = {
        "type": "Polygon",
        "coordinates": [[[109.95, 28.55], [109.951, 28.55], [109.951, 28.551], [109.95, 28.55]]],
    }
    far = {
        "type": "Polygon",
        "coordinates": [[[110.3, 29.1], [110.301, 29.1], [110.301, 29.101], [110.3, 29.1]]],
    }
    svg = search_page.results_map(
        [
            {"number": 1, "title": "甲", "href": "/a/", "geometries": [square]},
            {"number": 2, "title": "乙", "href": "/b/", "geometries": [square]},
            {"number": 3, "title": "丙", "href": "/c/", "geometries": [far]},
        ]
    )
    assert 'data-cluster="2"' in svg and 'data-marker="3"' in svg
    assert 'data-marker="1"' not in svg


def test_the_optional_tianditu_base_map_appears_only_when_configured(settings):
    square = {
        "type": "Polygon",
        "coordinates": [[[109.95, 28.55], [109.951, 28.55], [109.951, 28.551], [109.95, 28.55]]],
    }
    entry = {"number": 1, "title": "甲", "href": "", "geometries": [square]}
    settings.TIANDITU_KEY = ""
    assert "<image" not in search_page.results_map([entry])
    settings.TIANDITU_KEY = "k123"
    svg = search_page.results_map([entry])
    assert "<image" in svg and "tianditu.gov.cn" in svg and "tk=k123" in svg


def test_the_price_chart_is_server_rendered_svg(published):
    html = Client().get("/listings/", {"q": "茶"}).content.decode()
    chart = html.split('data-testid="price-chart"')[1]
    assert "<svg" in chart and "默戎镇（1）" in chart and "¥500" in chart


def test_the_price_chart_is_computed_once_for_every_page_and_ordering_of_a_search(
    published, django_assert_num_queries
):
    # given: a search whose chart was drawn once
    first = search_page.price_chart({"q": "茶"})
    assert first["rows"][0]["label"] == "默戎镇（1）"
    # when: the next page, another ordering, and another search
    with django_assert_num_queries(0):
        again = search_page.price_chart({"q": "茶", "page": "2", "ordering": "price_per_mu"})
    with django_assert_num_queries(1):
        other = search_page.price_chart({"q": "稻"})
    # then: the same chart without a query; another search has its own (no result, no chart)
    assert again == first
    assert other is None
