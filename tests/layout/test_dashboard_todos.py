"""Dashboards with to-dos (issue 16 §4): counts and links of what waits, per role, scoped to the
user's county or own objects through the access policy, in few queries; the staff menu grouped."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Auction, Deal, Registration
from listings.models import Listing
from marketplace.navigation import FLAT_MENU_MAX, navigation_for, navigation_groups
from marketplace.todos import todos_for
from tests import factories
from tests.contracts.factories import announced_listing, bidder, live_auction

pytestmark = pytest.mark.django_db


def other_county():
    return factories.CountyFactory(code="433127", name="永顺县")


def household_in(county):
    village = factories.VillageFactory(township=factories.TownshipFactory(county=county))
    return factories.HouseholdFactory(village=village)


def counts(user) -> dict:
    return {t.key: t.count for t in todos_for(user)}


def set_state(listing, state):
    Listing.objects.filter(pk=listing.pk).update(state=state)


def test_staff_count_listings_to_review_of_their_county_only():
    # given a submitted listing in 古丈县 and one in 永顺县
    mine = announced_listing()
    other = announced_listing(household=household_in(other_county()))
    set_state(mine, Listing.State.SUBMITTED)
    set_state(other, Listing.State.SUBMITTED)
    staff = factories.UserFactory(role="exchange_staff", county=mine.county)
    prefecture = factories.UserFactory(role="exchange_staff", county=None)
    # then county staff count theirs, prefecture staff both
    assert counts(staff)["listings_to_review"] == 1
    assert counts(prefecture)["listings_to_review"] == 2


def test_staff_see_todays_auctions_and_registrations_to_decide_linked_to_their_queue():
    auction, _ = live_auction(close_in=dt.timedelta(hours=2))
    staff = factories.UserFactory(role="exchange_staff", county=auction.deal.listing.county)
    outsider = factories.UserFactory(role="exchange_staff", county=other_county())
    todos = {t.key: t for t in todos_for(staff)}
    assert todos["auctions_today"].count == 1
    assert todos["auctions_today"].url == reverse("contracts:deal_list") + "?state=auction"
    assert todos["registrations_to_decide"].url == reverse("contracts:review_queue")
    assert counts(outsider)["auctions_today"] == 0


def test_an_auction_closing_before_now_or_opening_tomorrow_is_not_today():
    auction, _ = live_auction(close_in=dt.timedelta(hours=2))
    staff = factories.UserFactory(role="exchange_staff", county=auction.deal.listing.county)
    tomorrow = timezone.now() + dt.timedelta(days=2)
    Auction.objects.filter(pk=auction.pk).update(
        start_at=tomorrow, scheduled_close_at=tomorrow, close_at=tomorrow
    )
    assert counts(staff)["auctions_today"] == 0


def test_the_station_counts_drafts_and_returned_listings_of_its_township():
    listing = announced_listing()
    set_state(listing, Listing.State.RETURNED)
    draft = announced_listing(household=listing.transferor_household)
    set_state(draft, Listing.State.DRAFT)
    elsewhere = announced_listing()
    set_state(elsewhere, Listing.State.DRAFT)
    station = factories.ServiceStationFactory(township=listing.township)
    operator = factories.OperatorFactory(station=station)
    todos = {t.key: t for t in todos_for(operator)}
    assert todos["listings_returned"].count == 1 and todos["listings_returned"].urgent
    assert todos["listings_draft"].count == 1
    # the waiting ones come before the empty ones
    keys = [t.key for t in todos_for(operator)]
    assert keys.index("listings_returned") < keys.index("contracts_to_witness")


def test_a_bidder_counts_its_own_deposits_to_pay_and_auctions_today():
    listing = announced_listing(deposit_fen=100_000)
    user = bidder()
    other = bidder()
    from contracts import services

    services.registration_create(listing=listing, user=user)
    assert Registration.objects.get(enterprise=user.enterprise).state == "awaiting_deposit"
    assert counts(user)["deposits_to_pay"] == 1
    assert counts(other)["deposits_to_pay"] == 0
    auction, (reg, _) = live_auction()
    assert counts(reg.user)["my_auctions_today"] == 1
    assert counts(user)["my_auctions_today"] == 0


def test_roles_without_a_queue_get_no_foreign_counts():
    household = factories.UserFactory(role="household")
    assert todos_for(household) == []
    insurer = factories.InsurerUserFactory()
    assert {t.key for t in todos_for(insurer)} == {
        "claims_to_survey",
        "claims_to_decide",
        "claims_second_part",
    }
    inspector = factories.ForestryInspectorFactory()
    assert {t.key for t in todos_for(inspector)} == {"replanting_to_inspect", "replanting_overdue"}


def test_staff_to_dos_are_computed_in_few_queries(django_assert_max_num_queries):
    for _ in range(3):
        live_auction()
    staff = factories.UserFactory(role="exchange_staff", county=None)
    with django_assert_max_num_queries(14):
        todos = todos_for(staff)
    assert len(todos) >= 10


def test_the_dashboard_shows_the_to_dos_and_no_tiles_repeating_the_menu(client):
    listing = announced_listing()
    set_state(listing, Listing.State.SUBMITTED)
    staff = factories.UserFactory(role="exchange_staff", county=listing.county)
    client.force_login(staff)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-todo="listings_to_review" data-count="1"' in html
    assert 'class="tile"' not in html


def test_the_staff_menu_is_grouped_and_a_short_menu_stays_flat():
    staff = factories.UserFactory(role="exchange_staff", county=None)
    items = navigation_for(staff)
    assert len(items) > FLAT_MENU_MAX
    groups = navigation_groups(items)
    assert len(groups) <= 5
    assert sum(len(g["items"]) for g in groups) == len(items)
    assert groups[0]["label"] is None  # the dashboard stays on top
    household = factories.UserFactory(role="household")
    flat = navigation_groups(navigation_for(household))
    assert len(flat) == 1 and flat[0]["label"] is None


def test_deal_states_used_by_the_to_dos_exist():
    # the keys the to-dos filter on are real states (a renamed state would silently count 0)
    assert {"registration", "awarded", "settled", "defaulted"} <= set(Deal.State.values)


def test_a_group_of_one_link_stays_on_the_top_level():
    items = [{"label": str(n), "url": f"/{n}/", "group": None} for n in range(FLAT_MENU_MAX)]
    from marketplace.navigation import SYSTEM, TRADING

    items += [
        {"label": "a", "url": "/a/", "group": TRADING},
        {"label": "b", "url": "/b/", "group": TRADING},
        {"label": "n", "url": "/n/", "group": SYSTEM},
    ]
    groups = navigation_groups(items)
    assert [g["label"] for g in groups] == [None, TRADING]
    assert "/n/" in [item["url"] for item in groups[0]["items"]]
