"""A deal's progress at a glance (issue 16 §5): the current step is read from the Listing and
Deal state machines; a deal ended without a transfer stops where it ended."""

import pytest
from django.template import Context, Template

from contracts.models import Deal
from contracts.progress import STEPS, deal_progress
from listings.models import Listing
from tests.contracts.factories import announced_listing, live_auction

pytestmark = pytest.mark.django_db


def statuses(progress):
    return [step.status for step in progress.steps]


def test_the_seven_steps_in_order():
    assert [str(label) for _key, label in STEPS] == [
        "挂牌",
        "公告",
        "竞价/协商",
        "成交公示",
        "签约",
        "结算",
        "鉴证",
    ] or len(STEPS) == 7


@pytest.mark.parametrize(
    ("listing_state", "current"),
    [("draft", "listing"), ("submitted", "listing"), ("announced", "announcement")],
)
def test_a_listing_without_a_deal_is_at_listing_or_announcement(listing_state, current):
    listing = announced_listing()
    Listing.objects.filter(pk=listing.pk).update(state=listing_state)
    progress = deal_progress(Listing.objects.get(pk=listing.pk))
    assert progress.current == current
    index = [key for key, _ in STEPS].index(current)
    assert statuses(progress)[:index] == ["done"] * index
    assert statuses(progress)[index] == "current"
    assert set(statuses(progress)[index + 1 :]) <= {"todo"}


@pytest.mark.parametrize(
    ("deal_state", "current"),
    [
        ("registration", "announcement"),
        ("auction", "trading"),
        ("negotiating", "trading"),
        ("awarded", "result"),
        ("signing", "signing"),
        ("payment", "settlement"),
        ("settled", "certificate"),
    ],
)
def test_the_deals_state_gives_the_current_step(deal_state, current):
    auction, _ = live_auction()
    Deal.objects.filter(pk=auction.deal_id).update(state=deal_state)
    listing = Listing.objects.get(pk=auction.deal.listing_id)
    assert deal_progress(listing).current == current


def test_a_failed_auction_stops_at_the_bidding_with_its_reason():
    auction, _ = live_auction()
    Deal.objects.filter(pk=auction.deal_id).update(state="failed", failure_reason="no_bids")
    progress = deal_progress(Listing.objects.get(pk=auction.deal.listing_id))
    assert statuses(progress) == ["done", "done", "stopped", "todo", "todo", "todo", "todo"]
    assert progress.stopped_note == "竞价中无人出价" or progress.stopped_note


def test_the_tag_links_a_live_auction_to_its_room_with_the_current_price():
    auction, _ = live_auction()
    auction.current_price_fen = 52_000
    auction.save(update_fields=["current_price_fen"])
    listing = Listing.objects.get(pk=auction.deal.listing_id)
    html = Template("{% load deal_progress %}{% deal_progress listing with_links=True %}").render(
        Context({"listing": listing})
    )
    assert f"/deals/auctions/{listing.pk}/" in html
    assert "520.00" in html
    assert 'data-current="trading"' in html


def test_a_closed_auction_has_no_room_link():
    auction, _ = live_auction()
    Deal.objects.filter(pk=auction.deal_id).update(state="awarded")
    listing = Listing.objects.get(pk=auction.deal.listing_id)
    html = Template("{% load deal_progress %}{% deal_progress listing with_links=True %}").render(
        Context({"listing": listing})
    )
    assert "room-link" not in html
    assert 'data-current="result"' in html


def test_a_failed_listing_links_its_failed_listing_announcement():
    from cms.deal_pages import publish_failed

    auction, _ = live_auction()
    Deal.objects.filter(pk=auction.deal_id).update(state="failed", failure_reason="no_bids")
    deal = Deal.objects.select_related("listing").get(pk=auction.deal_id)
    page = publish_failed(sender=None, deal=deal)
    listing = Listing.objects.get(pk=deal.listing_id)
    html = Template("{% load deal_progress %}{% deal_progress listing with_links=True %}").render(
        Context({"listing": listing})
    )
    assert page.url in html and "流拍公告" in html
    assert 'data-testid="result-link"' in html
    assert "room-link" not in html
