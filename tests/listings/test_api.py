"""GET /api/v1/listings/ and /api/v1/listings/{id}/ (R-LIST-7): filters, format, no personal data."""

import pytest
from rest_framework.test import APIClient

from listings import search
from tests import factories as kernel
from tests.listings.scene import make_scene, publish

RESULT_FIELDS = {
    "id", "number", "title", "right_type", "county", "township", "village", "area_mu",
    "land_class", "transfer_mode", "term_start", "term_end", "listing_price_yuan", "price_unit",
    "increment_yuan", "deposit_yuan", "state", "announcement_ends_at", "url",
}  # fmt: skip


@pytest.fixture
def staff(db):
    return kernel.UserFactory(role="exchange_staff", is_staff=True)


@pytest.fixture
def published(db, staff, django_capture_on_commit_callbacks):
    tea = make_scene()
    paddy = make_scene(county_code="433127", township_name="芙蓉镇", household_name="李四")
    for p in paddy.parcels:
        p.land_class, p.name = "paddy", f"水田{p.pk}号"
        p.save()
    with django_capture_on_commit_callbacks(execute=True):
        tea_listing = publish(tea, staff, title="古丈毛尖茶园", listing_price_fen=500_00)
        paddy_listing = publish(
            paddy,
            staff,
            title="芙蓉镇水稻田",
            description="平整水田，灌溉方便",
            permitted_use="grain",
            listing_price_fen=650_00,
        )
    draft = make_scene(county_code="433130", township_name="里耶镇").file(title="未公开草稿")
    return tea_listing, paddy_listing, draft


def get(path, **params):
    return APIClient().get(path, params)


def test_it_lists_published_listings_only_with_the_documented_fields(published):
    tea, paddy, draft = published
    body = get("/api/v1/listings/").json()
    assert set(body) == {"count", "count_is_exact", "next", "previous", "results"}
    assert body["count"] == 2 and body["count_is_exact"] is True
    assert {r["number"] for r in body["results"]} == {tea.number, paddy.number}
    first = next(r for r in body["results"] if r["id"] == tea.pk)
    assert set(first) == RESULT_FIELDS
    assert first["area_mu"] == "11.8000"
    assert first["listing_price_yuan"] == "500.00"
    assert first["deposit_yuan"] == "1770.00"
    assert first["county"] == "433126"
    assert first["right_type"] == "land_management"
    assert first["url"].endswith(f"/listings/{tea.number.lower()}/")


def test_r_list_7_a_chinese_keyword_matches_a_substring(published):
    tea, _paddy, _draft = published
    body = get("/api/v1/listings/", q="茶").json()
    assert [r["id"] for r in body["results"]] == [tea.pk]


def test_r_list_7_filters_by_county_land_class_area_and_price(published):
    tea, paddy, _draft = published
    assert [r["id"] for r in get("/api/v1/listings/", county="433127").json()["results"]] == [
        paddy.pk
    ]
    assert [r["id"] for r in get("/api/v1/listings/", land_class="paddy").json()["results"]] == [
        paddy.pk
    ]
    assert get("/api/v1/listings/", max_price_yuan="600").json()["count"] == 1
    assert get("/api/v1/listings/", min_area_mu="12").json()["count"] == 0
    assert get("/api/v1/listings/", right_type="forest").json()["count"] == 0
    assert get("/api/v1/listings/", township="芙蓉镇").json()["count"] == 1
    assert get("/api/v1/listings/", state="announced").json()["count"] == 2


def test_ordering_by_price_per_mu(published):
    tea, paddy, _draft = published
    ids = [r["id"] for r in get("/api/v1/listings/", ordering="-price_per_mu").json()["results"]]
    assert ids == [paddy.pk, tea.pk]


def test_bad_parameters_are_refused_naming_the_field(published):
    response = get("/api/v1/listings/", county="43")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query"
    assert "county" in response.json()["detail"]
    assert get("/api/v1/listings/", min_area_mu="abc").status_code == 400
    assert get("/api/v1/listings/", ordering="bogus").status_code == 400


def test_other_apps_can_register_a_state_filter(published):
    tea, _paddy, _draft = published
    search.register_state_filter("tea_only", lambda qs: qs.filter(pk=tea.pk))
    try:
        assert [r["id"] for r in get("/api/v1/listings/", state="tea_only").json()["results"]] == [
            tea.pk
        ]
    finally:
        search._STATE_FILTERS.pop("tea_only")


def test_the_detail_has_parcels_and_no_personal_data(published):
    tea, _paddy, draft = published
    response = get(f"/api/v1/listings/{tea.pk}/")
    body = response.json()
    assert len(body["parcels"]) == 2
    parcel = body["parcels"][0]
    assert set(parcel) == {"code", "area_mu", "land_class", "geometry"}
    text = response.content.decode()
    household = tea.transferor_household
    assert household.name not in text and household.id_number not in text
    # nor the free-text four boundaries, which often name the neighbours (issue 14)
    for p in tea.parcels.all():
        for side in (p.boundary_east, p.boundary_south, p.boundary_west, p.boundary_north):
            assert f'"{side}"' not in text
    assert household.phone not in text
    assert get(f"/api/v1/listings/{draft.pk}/").status_code == 404


def test_the_openapi_schema_documents_the_search(published):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    params = {p["name"] for p in schema["paths"]["/api/v1/listings/"]["get"]["parameters"]}
    assert {"county", "q", "max_price_yuan", "ordering", "page", "state"} <= params
