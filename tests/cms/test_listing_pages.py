"""The public listing pages follow the listing (R-LIST-5/7): publish, map, search, withdraw."""

import pytest
from django.test import Client

from cms.models import AnnouncementPage, ListingPage
from listings import services
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


def test_publishing_creates_the_listing_page_and_the_announcement(published):
    scene, listing = published
    page = ListingPage.objects.get(listing=listing)
    assert page.live and page.url_path.endswith(f"/listings/{listing.number.lower()}/")
    announcement = AnnouncementPage.objects.get(listing=listing, kind="listing")
    assert announcement.live and announcement.period_ends_at == listing.announcement_ends_at


def test_r_list_7_the_public_page_shows_facts_and_map_but_no_personal_data(published):
    scene, listing = published
    response = Client().get(f"/listings/{listing.number.lower()}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "古丈毛尖茶园" in html
    assert "村民 张**" in html
    assert scene.household.name not in html and scene.household.id_number not in html
    assert "<svg" in html and "parcel-map" in html
    assert "¥500.00" in html
    assert "个工作日" in html
    assert f"/deals/listings/{listing.pk}/register/" in html or "register" in html
    assert "张家地" in html  # the four boundaries


def test_r_list_7_the_index_finds_by_keyword_and_filters(published):
    _scene, listing = published
    client = Client()
    html = client.get("/listings/", {"q": "茶"}).content.decode()
    assert listing.number in html and "results-map" in html
    html = client.get("/listings/", {"q": "猕猴桃"}).content.decode()
    assert listing.number not in html
    html = client.get("/listings/", {"county": "433126", "land_class": "dry_land"}).content.decode()
    assert listing.number in html
    html = client.get("/listings/", {"min_area_mu": "x"}).content.decode()
    assert "search-error" in html


def test_the_announcement_page_renders(published):
    _scene, listing = published
    page = AnnouncementPage.objects.get(listing=listing, kind="listing")
    html = Client().get(page.url).content.decode()
    assert "挂牌公告" in html and listing.number in html


def test_withdrawing_unpublishes_the_pages(published, staff, django_capture_on_commit_callbacks):
    _scene, listing = published
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_withdraw(listing=listing, actor=staff, reason="农户撤回")
    assert not ListingPage.objects.get(listing=listing).live
    assert not AnnouncementPage.objects.get(listing=listing).live
    assert Client().get(f"/listings/{listing.number.lower()}/").status_code == 404


def test_the_home_page_lists_the_latest_listings(published):
    _scene, listing = published
    html = Client().get("/").content.decode()
    assert listing.title in html


def test_r_list_7_a_two_character_name_shows_as_villager_surname_and_two_stars(
    db, staff, django_capture_on_commit_callbacks
):
    # given a household whose head has a two-character name
    scene = make_scene(household_name="王五")
    with django_capture_on_commit_callbacks(execute=True):
        listing = publish(scene, staff)
    # when anyone opens the public page
    html = Client().get(f"/listings/{listing.number.lower()}/").content.decode()
    # then the transferor is "村民 王**", never "王*" (which tells the name's length)
    assert "村民 王**" in html
    assert "王五" not in html
