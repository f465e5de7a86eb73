"""Browser tests of floor-price storage (issue 11): the station's offer step (quote, then the
offer with the floor per mu per year, the yearly guarantee and the total) and the storage
operator's block map (a suggestion selected on the map, formed into a block)."""

import pytest

from contracts.storage.models import StorageOffer, StoredParcel
from tests.browser.conftest import login
from tests.storage.factories import signed_contract, storage_scene

pytestmark = pytest.mark.django_db(transaction=True)


def _patient(page):
    """The shared 2-core machine can take more than the harness's 10 s to serve a page."""
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)


def test_the_station_offers_storage_to_a_relocated_household(page):
    _patient(page)
    scene = storage_scene()
    login(page, scene.station_operator.username)
    page.goto(page.base_url + "/storage/station/")
    page.get_by_test_id("offer-storage").first.click()
    page.select_option("#id_right", str(scene.right.pk))
    for parcel in scene.parcels:
        page.check(f"input[name=parcels][value='{parcel.pk}']")
    page.fill("#id_term_start", "2027-01-01")
    page.fill("#id_term_end", "2036-12-31")
    page.get_by_test_id("quote").click()
    assert page.get_by_test_id("floor").first.inner_text() == "¥300.00"
    assert page.get_by_test_id("annual").inner_text() == "¥1,000.00"
    assert page.get_by_test_id("total").inner_text() == "¥10,000.00"
    page.get_by_test_id("make-offer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("offer-state").inner_text() == "已提出"
    assert StorageOffer.objects.get().total_fen == 10_000_00


def test_the_storage_operator_forms_a_block_from_the_suggestion_on_the_map(page):
    _patient(page)
    scene = storage_scene()
    signed_contract(scene)  # two adjacent stored paddies
    login(page, scene.storage_operator.username)
    page.goto(page.base_url + "/storage/blocks/map/")
    assert page.get_by_test_id("block-map").is_visible()
    page.get_by_test_id("suggestion").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=block-map] polygon.selected").count() == 2
    # a click on a polygon toggles its checkbox
    first = scene.parcels[0]
    stored = StoredParcel.objects.get(parcel=first)
    box = page.get_by_test_id(f"stored-{first.code}")
    polygon = page.locator(f"[data-testid=block-map] polygon[data-stored='{stored.pk}']")
    assert box.is_checked()
    polygon.click()
    assert not box.is_checked()
    polygon.click()
    assert box.is_checked()
    page.fill("#id_name", "龙坪连片一号")
    page.get_by_test_id("form-block").click()
    page.wait_for_load_state()
    assert "龙坪连片一号" in page.get_by_test_id("block").inner_text()
    assert StoredParcel.objects.filter(block__name="龙坪连片一号").count() == 2
    # then the operator opens the block and lists it as stored land (R-STORE-5): a price below
    # the fixed floors is refused with their total, a price above goes to the review queue
    page.get_by_test_id("block-link").first.click()
    page.wait_for_load_state()
    assert "¥1,000.00" in page.get_by_test_id("block-facts").inner_text()
    form = page.get_by_test_id("block-list-form")
    form.locator("#id_term_start").fill("2027-01-01")
    form.locator("#id_term_end").fill("2036-12-31")
    form.locator("#id_price_yuan").fill("260")  # 260 × 3.75 mu × 10 = 9,750 < 10,000 yuan
    form.locator("#id_increment_yuan").fill("10")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    assert "10,000.00" in page.content() and "R-STORE-5" in page.content()
    form = page.get_by_test_id("block-list-form")
    form.locator("#id_term_start").fill("2027-01-01")
    form.locator("#id_term_end").fill("2036-12-31")
    form.locator("#id_price_yuan").fill("320")
    form.locator("#id_increment_yuan").fill("10")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    listings = page.get_by_test_id("block-listings").inner_text()
    assert "GP-433126-" in listings
    block = StoredParcel.objects.filter(block__name="龙坪连片一号").first().block
    listing = block.right.listings.get()
    assert listing.state == "submitted" and listing.number in listings
    assert listing.transferor_storage_center == scene.centre


def test_an_auditor_reads_the_countys_blocks_and_exposure(page):
    _patient(page)
    from contracts.storage import services
    from tests import factories as kernel

    scene = storage_scene()
    signed_contract(scene)
    block = services.block_form(
        storage_center=scene.centre,
        stored_parcel_ids=list(StoredParcel.objects.values_list("pk", flat=True)),
        name="审计连片",
    )
    services.block_rent_record(block=block, year=2027, rent_fen=1_400_00)
    auditor = kernel.UserFactory(role="auditor", county=scene.county)
    login(page, auditor.username)
    page.goto(page.base_url + "/storage/blocks/")
    assert "审计连片" in page.get_by_test_id("block-list").inner_text()
    page.get_by_role("link", name="审计连片").click()
    page.wait_for_load_state()
    assert "¥1,400.00" in page.get_by_test_id("block-years").inner_text()
    assert page.get_by_test_id("block-list-form").count() == 0  # auditors never write
    page.goto(page.base_url + "/storage/exposure/")
    assert "审计连片" in page.get_by_test_id("exposure-blocks").inner_text()
