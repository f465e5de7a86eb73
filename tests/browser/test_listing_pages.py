"""Browser: a listing from the station counter (tablet) to the public site and the API."""

import pytest

from listings.models import Listing
from tests.browser.conftest import login
from tests.listings import factories as f
from tests.listings.scene import make_scene

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def file_at_the_counter(tablet_page, scene):
    """Steps 1–4 of the station console, as a clerk does them on a tablet."""
    page = tablet_page
    page.set_default_timeout(30_000)  # the PDF and a loaded CI machine can be slow
    login(page, scene.operator.username)
    page.goto(page.base_url + "/listings/station/")
    page.fill("#id_q", scene.household.name)
    page.get_by_role("button", name="查找").click()
    page.get_by_test_id("household-result").first.click()
    page.check(f"input[name=right][value='{scene.right.pk}']")
    for parcel in scene.parcels:
        page.check(f"input[name=parcels][value='{parcel.pk}']")
    page.get_by_role("button", name="下一步：挂牌条件").click()
    return page


def test_a_listing_goes_from_the_counter_to_the_public_site(tablet_page, page):
    # given a household with a contract right over two parcels, and exchange staff
    scene = make_scene()
    staff = f.kernel.UserFactory(username="shenhe", role="exchange_staff", is_staff=True)
    report = f.valuation_report(county=scene.county, reference_yuan=400, valuer=staff)

    # when the operator files the listing on a tablet
    counter = file_at_the_counter(tablet_page, scene)
    assert counter.viewport_size["width"] == 800
    counter.fill("#id_title", "默戎镇龙坪村古丈毛尖茶园")
    counter.select_option("#id_permitted_use", "tea")
    counter.fill("#id_listing_price_yuan", "500")
    counter.fill("#id_increment_yuan", "10")
    counter.get_by_role("button", name="下一步：委托书").click()
    counter.set_input_files(
        "#id_scan", {"name": "weituo.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    counter.check("input[name=consent_method][value=fingerprint]")
    counter.get_by_role("button", name="提交受理").click()
    counter.get_by_test_id("submit-listing").click()
    # then it waits for review, and the household's summary prints as a PDF
    assert "待审核" in counter.get_by_test_id("listing-state").inner_text()
    listing = Listing.objects.get()
    pdf = counter.request.get(counter.base_url + f"/listings/summary/{listing.pk}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # when staff review it: attach the valuation report, approve, publish
    page.set_default_timeout(30_000)
    login(page, "shenhe")
    page.goto(page.base_url + "/listings/review/")
    page.get_by_role("link", name=listing.number).click()
    assert page.locator("[data-rule='R-LIST-3'] .badge.err").is_visible()
    page.select_option("#id_report", str(report.pk))
    page.get_by_role("button", name="关联", exact=True).click()
    page.get_by_test_id("approve").click()
    assert "审核通过" in page.get_by_test_id("listing-state").inner_text()
    page.get_by_test_id("publish").click()
    assert "公告中" in page.get_by_test_id("listing-state").inner_text()

    # then the public page shows the map and no personal data
    page.goto(page.base_url + "/listings/?q=茶")
    page.get_by_test_id("listing-result").get_by_role(
        "link", name="默戎镇龙坪村古丈毛尖茶园"
    ).click()
    assert page.get_by_test_id("parcel-map").is_visible()
    assert "村民 张**" in page.get_by_test_id("transferor").inner_text()
    assert scene.household.name not in page.content()
    assert page.get_by_test_id("register-button").is_visible()
    assert "个工作日" in page.get_by_test_id("deadline").inner_text()

    # and it is found by filters, but not by filters that exclude it
    page.goto(page.base_url + "/listings/")
    page.select_option("#f-county", "433126")
    page.select_option("#f-class", "dry_land")
    page.get_by_role("button", name="搜索").click()
    assert page.get_by_test_id("listing-result").count() == 1
    assert page.get_by_test_id("results-map").is_visible()
    page.goto(page.base_url + "/listings/?land_class=paddy")
    assert page.get_by_test_id("listing-result").count() == 0

    # and the API finds it
    api = page.request.get(page.base_url + "/api/v1/listings/?q=毛尖&county=433126").json()
    assert api["count"] == 1 and api["results"][0]["number"] == listing.number


def test_r_right_4_the_counter_shows_a_term_beyond_the_right_next_to_the_field(tablet_page):
    scene = make_scene()
    counter = file_at_the_counter(tablet_page, scene)
    counter.fill("#id_listing_price_yuan", "500")
    counter.fill("#id_increment_yuan", "10")
    counter.fill("#id_term_end", "2055-12-31")
    counter.get_by_role("button", name="下一步：委托书").click()
    error = counter.locator(".field:has(#id_term_end) .field-error")
    assert "R-RIGHT-4" not in error.inner_text()  # rule numbers are for staff (issue 16)
    assert "承包期" in error.inner_text()
