"""Numbers staff can change are read from the rulebook, not typed into pages and announcements
(R-LIST-6's threshold, R-DEAL-1's period, R-FAIL-1's cut), and R-LIST-6 follows the award."""

import pytest
from django.test import Client

from cms.models import AnnouncementPage
from contracts import services
from contracts.models import Deal
from listings import conf as listing_conf
from listings.models import Listing
from marketplace import rulebook
from tests import factories as kernel
from tests.contracts.factories import announced_listing, bidder, end_announcement, qualify
from tests.listings.scene import make_scene, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefecture_staff():
    return kernel.UserFactory(role="exchange_staff", is_staff=True)


def change(key, value, *, actor, county=None):
    return rulebook.setting_change(
        key=key, county=county, right_type="", value_text=value, reason="测试", actor=actor
    )


def test_r_list_6_the_listing_page_states_the_countys_threshold(
    prefecture_staff, django_capture_on_commit_callbacks
):
    # given the county lowered its county-media threshold to 200,000 yuan
    scene = make_scene()
    change(listing_conf.COUNTY_MEDIA_YUAN, "200000", actor=prefecture_staff, county=scene.county)
    # when a listing worth 2,000 × 11.8 × 10 ≈ 236,000 yuan is published
    with django_capture_on_commit_callbacks(execute=True):
        listing = publish(scene, prefecture_staff, listing_price_fen=2000_00)
    assert listing.publish_in_county_media is True
    # then its page names the county's threshold, not the prefecture default
    html = Client().get(f"/listings/{listing.number.lower()}/").content.decode()
    assert "200,000" in html
    assert "300,000" not in html


def test_r_list_6_the_flag_follows_the_awarded_total_value(django_capture_on_commit_callbacks):
    # given a listing at 1,400 yuan × 20 mu × 10 years = 280,000 yuan: not flagged
    listing = announced_listing(price_fen=1400_00, increment_fen=100_00, area_mu="20")
    assert listing.publish_in_county_media is False
    buyer = bidder()
    with django_capture_on_commit_callbacks(execute=True):
        qualify(listing, buyer)
        end_announcement(listing)
        deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
        # when the single bidder confirms 1,600 yuan: 320,000 yuan in total (R-DEAL-7)
        services.negotiated_price_confirm(deal=deal, user=buyer, price_fen=1600_00)
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.total_value_fen >= 300_000_00
    # then the listing is flagged for the county media
    assert Listing.objects.get(pk=listing.pk).publish_in_county_media is True


def test_r_deal_1_the_result_announcement_states_the_countys_period(
    prefecture_staff, django_capture_on_commit_callbacks
):
    # given the county's result announcement runs 7 working days
    listing = announced_listing()
    change("deal.result_announcement_workdays", "7", actor=prefecture_staff, county=listing.county)
    buyer = bidder()
    # when the deal is awarded
    with django_capture_on_commit_callbacks(execute=True):
        qualify(listing, buyer)
        end_announcement(listing)
        deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
        services.negotiated_price_confirm(
            deal=deal, user=buyer, price_fen=listing.listing_price_fen
        )
    # then the 成交公示 says 7 working days
    page = AnnouncementPage.objects.get(kind="result", deal_number=deal.number)
    assert "公示期内（7个工作日）" in page.body


def test_r_fail_1_the_failed_announcement_states_the_countys_cut(
    prefecture_staff, django_capture_on_commit_callbacks
):
    # given the county allows 15 % per relisting
    listing = announced_listing()
    change(listing_conf.RELIST_MAX_CUT, "15", actor=prefecture_staff, county=listing.county)
    end_announcement(listing)
    # when the deal fails without bidders
    with django_capture_on_commit_callbacks(execute=True):
        deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    # then the 流拍公告 says 15 %
    page = AnnouncementPage.objects.get(kind="failed", deal_number=deal.number)
    assert "每次降价不超过15%" in page.body


def test_r_fail_1_and_r_deal_1_the_staff_and_objection_pages_state_the_countys_numbers(
    prefecture_staff, django_capture_on_commit_callbacks
):
    # given a county that allows 15 % per relisting and runs its result announcement 7 days
    listing = announced_listing()
    change(listing_conf.RELIST_MAX_CUT, "15", actor=prefecture_staff, county=listing.county)
    change("deal.result_announcement_workdays", "7", actor=prefecture_staff, county=listing.county)
    end_announcement(listing)
    with django_capture_on_commit_callbacks(execute=True):
        deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    assert deal.state == Deal.State.FAILED
    # then the staff deal page's relist form says 15 %
    client = Client()
    client.force_login(prefecture_staff)
    html = client.get(f"/deals/staff/{deal.pk}/").content.decode()
    assert "降幅不超过 15%" in html and "10%" not in html
    # and the objection page says 7 working days
    html = Client().get(f"/deals/{deal.pk}/objection/").content.decode()
    assert "成交公示期（7 个工作日）" in html
