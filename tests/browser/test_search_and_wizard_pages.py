"""Browser: the public search explains itself, and the station wizard prints the entrustment and
picks parcels on a map (issue 16, items 8 and 9; R-LIST-1, R-LIST-7, R-RIGHT-3)."""

import pytest

from tests import factories as kernel
from tests.browser.conftest import login
from tests.browser.layout_checks import assert_accessible
from tests.listings.scene import make_scene, publish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _published():
    scene = make_scene()
    staff = kernel.UserFactory(role="exchange_staff", is_staff=True)
    listing = publish(scene, staff, title="古丈毛尖茶园")
    return scene, listing


def test_r_list_7_search_suggests_when_nothing_matches_and_the_township_follows_the_county(page):
    scene, listing = _published()
    kernel.TownshipFactory(county=scene.county, name="古阳镇", code="001")
    kernel.CountyFactory(code="433127", name="永顺县")

    # no dry land in 永顺县: the page says so and offers what would find something
    page.goto(page.base_url + "/listings/?county=433127&land_class=dry_land")
    box = page.get_by_test_id("zero-results")
    assert "没有找到" in box.inner_text()
    assert_accessible(page, "search, no result")
    box.get_by_test_id("suggestion-county").first.click()
    page.wait_for_load_state()
    assert "county=433126" in page.url
    assert page.get_by_test_id("listing-result").count() == 1
    page.goto(page.base_url + "/listings/?county=433126&min_area_mu=500")
    page.get_by_test_id("zero-results").get_by_test_id("suggestion-widen").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("listing-result").count() == 1

    # a bad number is named by its label, not by its parameter
    page.goto(page.base_url + "/listings/?min_area_mu=abc")
    error = page.get_by_test_id("search-error").inner_text()
    assert "面积" in error and "min_area_mu" not in error
    assert_accessible(page, "search, a field refused")

    # choosing a county fills the township list at once (no reload)
    page.goto(page.base_url + "/listings/")
    assert page.locator("#f-township option").count() == 1
    url = page.url
    page.select_option("#f-county", "433126")
    names = page.locator("#f-township option").all_inner_texts()
    assert "默戎镇" in names and "古阳镇" in names and page.url == url
    page.select_option("#f-township", "默戎镇")
    page.get_by_role("button", name="搜索").click()
    assert page.get_by_test_id("listing-result").count() == 1
    assert page.locator("#f-township").input_value() == "默戎镇"

    # the map shows a numbered marker per listing, linked to its page; the chart its price
    assert page.locator("[data-testid=results-map] [data-marker='1']").is_visible()
    assert page.get_by_test_id("price-chart").locator("svg").is_visible()
    assert_accessible(page, "search, results with map and chart")
    page.locator("[data-testid=results-map] a").first.click()
    page.wait_for_load_state()
    assert listing.title in page.content()


def test_r_right_3_the_wizard_shows_a_listed_parcel_as_such_picks_on_the_map_and_prints(
    tablet_page,
):
    scene = make_scene()
    listed, free = scene.parcels
    scene.file(parcels=[listed])  # an open listing holds the first parcel
    page = tablet_page
    page.set_default_timeout(30_000)
    login(page, scene.operator.username)
    page.goto(page.base_url + f"/listings/station/household/{scene.household.pk}/")

    # the listed parcel cannot be picked and says why, before anything is submitted
    listed_box = page.locator(f"input[name=parcels][value='{listed.pk}']")
    assert listed_box.is_disabled()
    assert "已挂牌" in page.get_by_test_id("parcel-unavailable").inner_text()
    assert_accessible(page, "wizard, parcels on the map")
    assert (
        page.locator(f"[data-parcel-for='id_parcels_{listed.pk}']").get_attribute("aria-disabled")
        == "true"
    )

    # a click on the map ticks the free parcel (and its right); the keyboard toggles it too
    shape = page.locator(f"[data-parcel-for='id_parcels_{free.pk}']")
    free_box = page.locator(f"input[name=parcels][value='{free.pk}']")
    shape.click()
    assert free_box.is_checked() and shape.get_attribute("aria-checked") == "true"
    assert page.locator(f"input[name=right][value='{scene.right.pk}']").is_checked()
    shape.focus()
    page.keyboard.press("Space")
    assert not free_box.is_checked()
    page.keyboard.press("Enter")
    assert free_box.is_checked()
    # clicking the disabled parcel changes nothing
    page.locator(f"[data-parcel-for='id_parcels_{listed.pk}']").click(force=True)
    assert not listed_box.is_checked()

    page.get_by_role("button", name="下一步：挂牌条件").click()
    assert_accessible(page, "wizard, listing terms")
    page.fill("#id_listing_price_yuan", "500")
    page.fill("#id_increment_yuan", "10")
    page.get_by_role("button", name="下一步：委托书").click()

    # the entrustment to print, filled with the household, its parcel and the terms
    with page.context.expect_page() as opened:
        page.get_by_test_id("print-entrustment").click()
    printed = opened.value
    printed.wait_for_load_state()
    form = printed.get_by_test_id("entrustment-print")
    assert scene.household.name in form.inner_text()
    assert scene.household.id_number in form.inner_text()
    parcels = printed.get_by_test_id("print-parcels").inner_text()
    assert free.code in parcels and listed.code not in parcels
    assert "500" in printed.get_by_test_id("print-terms").inner_text()
    assert_accessible(printed, "the entrustment to print")
    printed.emulate_media(media="print")
    assert not printed.get_by_test_id("print-button").is_visible()
    assert not printed.locator(".site-header").first.is_visible()
