"""Phone and tablet layouts, dashboards with to-dos, a deal's progress, accessibility (issue 16
§3, §4, §5, §12), in Chromium at 390 px (phone), 768 and 1024 px (tablets) and on the desktop.

Nothing may scroll sideways (document.scrollingElement.scrollWidth <= clientWidth); axe-core finds
no serious or critical violation on each role's main pages."""

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cms.models import ListingIndexPage
from cms.receivers import listing_announcement_publish, listing_page_publish
from contracts.models import Auction, Deal
from listings.models import Listing
from tests import factories
from tests.browser.conftest import login
from tests.browser.layout_checks import (
    PHONE,
    TABLET,
    assert_accessible,
    assert_no_horizontal_scroll,
    at_widths,
)
from tests.contracts.factories import announced_listing, live_auction

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1366, "height": 900}
# UX_SCREENSHOTS=docs/img/ux: save each role's dashboard (desktop and phone) for docs/ux.md.
SCREENSHOTS = os.environ.get("UX_SCREENSHOTS", "")


def screenshot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def published(listing):
    """The listing's public page and 挂牌公告, as publication leaves them (cms.receivers)."""
    page = listing_page_publish(Listing.objects.get(pk=listing.pk))
    announcement = listing_announcement_publish(Listing.objects.get(pk=listing.pk))
    return page.url, announcement.url


def live_scene():
    """A running auction with long parcel names and boundaries (the 四至 that scrolled sideways)."""
    auction, registrations = live_auction(close_in=dt.timedelta(hours=2))
    auction.current_price_fen = 51_000
    auction.save(update_fields=["current_price_fen"])
    listing = auction.deal.listing
    listing.parcels.update(
        name="古丈县默戎镇龙鼻村第三村民小组牛角山脚下水田一号地块",
        boundary_east="至龙鼻村第三村民小组集体林地及村级公路边沟",
        boundary_south="至张家承包田（田埂为界）",
        boundary_west="至溪沟",
        boundary_north="至山脚",
    )
    listing_url, announcement_url = published(listing)
    return auction, registrations, listing_url, announcement_url


def test_public_pages_do_not_scroll_sideways_on_a_phone_or_a_tablet(page):
    # given a listing in a live auction, published with its announcement
    auction, (a, _b), listing_url, announcement_url = live_scene()
    index_url = ListingIndexPage.objects.get().url
    # when a visitor opens the public pages at 390, 768 and 1024 px
    for path in [
        "/",
        index_url,
        index_url + "?q=测试",
        listing_url,
        announcement_url,
        "/verify/",
        "/verify/ZS-433126-2026-99999/",
    ]:
        # then none scrolls sideways
        at_widths(page, path)
    # and a bidder's own pages neither: the dashboard and the live auction room
    login(page, a.user.username)
    at_widths(page, "/console/")
    at_widths(page, f"/deals/auctions/{auction.deal.listing_id}/")


def test_on_a_phone_the_menu_folds_behind_a_button_and_the_header_stays_small(page):
    staff = factories.UserFactory(role="exchange_staff", county=None)
    login(page, staff.username)
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/console/")
    toggle = page.locator("[data-menu-toggle]")
    menu = page.locator("#site-menu")
    # the header takes little of the screen and the menu is folded
    assert page.locator(".site-header").bounding_box()["height"] < 844 * 0.15
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # when the menu button is pressed with the keyboard
    toggle.focus()
    page.keyboard.press("Enter")
    # then the grouped menu opens and its groups open in turn
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    group = page.locator("details[data-nav-group]").first
    group.locator("summary").click()
    expect(group.locator("a").first).to_be_visible()
    screenshot(page, "phone-menu-open")
    assert_no_horizontal_scroll(page)
    # and on the desktop the same menu is a row of few groups, not some twenty links
    page.set_viewport_size(DESKTOP)
    expect(toggle).to_be_hidden()
    top_level = page.locator(".main-nav > a, .main-nav > details")
    assert top_level.count() <= 8


def test_a_listing_in_a_live_auction_shows_its_price_the_room_and_its_progress(page):
    auction, _regs, listing_url, _ = live_scene()
    page.goto(page.base_url + listing_url)
    progress = page.get_by_test_id("deal-progress")
    expect(progress).to_have_attribute("data-current", "trading")
    expect(progress.locator("li[aria-current=step]")).to_contain_text("竞价")
    expect(page.get_by_test_id("live-price")).to_contain_text("510.00")
    room = page.get_by_test_id("room-link")
    assert room.get_attribute("href") == f"/deals/auctions/{auction.deal.listing_id}/"
    # the parcel table reads as cards on a phone, each value with its heading
    page.set_viewport_size(PHONE)
    page.reload()
    cell = page.get_by_test_id("parcel-table").locator("td[data-label]").nth(4)
    assert cell.get_attribute("data-label") == "东至"
    assert_no_horizontal_scroll(page)
    screenshot(page, "phone-listing")


def test_a_closed_auction_room_shows_no_bid_box_and_the_live_one_is_keyboard_usable(page):
    auction, (a, _b), listing_url, _ = live_scene()
    login(page, a.user.username)
    room = f"{page.base_url}/deals/auctions/{auction.deal.listing_id}/"
    page.goto(room)
    # a bid by keyboard alone: Enter in the amount asks for confirmation, Escape cancels
    page.get_by_test_id("amount").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.get_by_test_id("confirm-bid")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#confirm")).to_be_hidden()
    assert page.url == room  # no page load
    assert_accessible(page, "auction room")
    # when the auction closes
    Auction.objects.filter(pk=auction.pk).update(state=Auction.State.CLOSED)
    Deal.objects.filter(pk=auction.deal_id).update(state=Deal.State.AWARDED)
    page.goto(room)
    # then the room shows no bid box, says so, and the progress moved on
    expect(page.get_by_test_id("room-closed")).to_be_visible()
    assert page.get_by_test_id("bid-form").count() == 0
    assert page.get_by_test_id("amount").count() == 0
    expect(page.get_by_test_id("deal-progress")).to_have_attribute("data-current", "result")


# ---------------------------------------------------------------- dashboards, role by role


def _dashboard(page, user, *, expect_todos, main_pages=()):
    """Log in, check the to-dos and axe on the dashboard and the role's main pages, then the
    dashboard on a phone and a tablet; log out."""
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    login(page, user.username)
    page.goto(page.base_url + "/console/")
    assert page.locator("a.tile").count() == 0  # the menu is not repeated as link tiles
    for key, count in expect_todos.items():
        todo = page.locator(f"[data-todo={key}]")
        expect(todo).to_have_attribute("data-count", str(count))
        assert todo.locator("a").get_attribute("href")
    assert_accessible(page, f"dashboard of {user.role}")
    screenshot(page, f"dashboard-{user.role}")
    for path in main_pages:
        page.goto(page.base_url + path)
        assert page.locator("main h1").count() >= 1, path
        assert_accessible(page, f"{path} as {user.role}")
    for size in (PHONE, TABLET):
        page.set_viewport_size(size)
        page.goto(page.base_url + "/console/")
        assert_no_horizontal_scroll(page, f"dashboard of {user.role} @ {size['width']}px")
        screenshot(page, f"dashboard-{user.role}-{size['width']}")
        for path in main_pages:
            page.goto(page.base_url + path)
            assert_no_horizontal_scroll(page, f"{path} as {user.role} @ {size['width']}px")


def test_staff_and_auditor_dashboards_list_what_waits_in_their_county(page):
    # given a listing awaiting review and a live auction in 古丈县
    auction, _regs, _url, _ = live_scene()
    submitted = announced_listing()
    Listing.objects.filter(pk=submitted.pk).update(state=Listing.State.SUBMITTED)
    county = auction.deal.listing.county
    staff = factories.UserFactory(role="exchange_staff", county=county)
    auditor = factories.UserFactory(role="auditor", county=county)
    _dashboard(
        page,
        staff,
        expect_todos={
            "listings_to_review": 1,
            "auctions_today": 1,
            "contracts_awaiting_signature": 0,
        },
        main_pages=["/listings/review/", "/deals/staff/", f"/deals/staff/{auction.deal_id}/"],
    )
    # the to-do links to the queue it counts
    page.set_viewport_size(DESKTOP)
    page.goto(page.base_url + "/console/")
    page.locator("[data-todo=listings_to_review] a").click()
    assert page.url.endswith("/listings/review/")
    _dashboard(page, auditor, expect_todos={"open_objections": 0}, main_pages=["/deals/staff/"])


def test_station_and_household_dashboards(page):
    listing = announced_listing()
    Listing.objects.filter(pk=listing.pk).update(state=Listing.State.RETURNED)
    station = factories.ServiceStationFactory(township=listing.township)
    operator = factories.OperatorFactory(station=station)
    _dashboard(
        page,
        operator,
        expect_todos={"listings_returned": 1, "listings_draft": 0, "contracts_to_witness": 0},
        main_pages=["/listings/station/", "/documents/station/", "/desk/"],
    )
    household_user = factories.UserFactory(role="household", household=listing.transferor_household)
    _dashboard(page, household_user, expect_todos={}, main_pages=["/desk/my-land/"])
    # the household's own dashboard answers "when do I get paid, how much" and leads to its page
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/console/")
    expect(page.get_by_test_id("money-summary")).to_be_visible()
    page.get_by_test_id("household-panel").get_by_role("link", name="我的土地和收益").click()
    expect(page.get_by_test_id("household-name")).to_have_text(listing.transferor_household.name)


def test_bidder_dashboard_counts_its_deposits_and_auctions(page):
    auction, (a, _b), _url, _ = live_scene()
    _dashboard(
        page,
        a.user,
        expect_todos={"my_auctions_today": 1, "deposits_to_pay": 0, "contracts_to_sign": 0},
        main_pages=["/deals/my/registrations/", "/documents/contracts/", "/payments/mine/"],
    )


def test_storage_insurer_and_forestry_dashboards_show_their_queues(page):
    storage = factories.StorageOperatorFactory()
    insurer = factories.InsurerUserFactory()
    inspector = factories.ForestryInspectorFactory()
    _dashboard(page, storage, expect_todos={"storage_offers_open": 0}, main_pages=["/storage/"])
    _dashboard(
        page, insurer, expect_todos={"claims_to_survey": 0}, main_pages=["/insurance/insurer/"]
    )
    _dashboard(
        page,
        inspector,
        expect_todos={"replanting_to_inspect": 0},
        main_pages=["/insurance/inspections/"],
    )
