"""Mode selection at the end of the announcement (R-MODE-1), failure and relisting (R-FAIL-1/2)."""

import datetime as dt

import pytest
from django.utils import timezone

from cms.models import AnnouncementPage
from contracts import services
from contracts.errors import BidTooLow, WrongState
from contracts.models import Auction, Deal, Deposit, NegotiatedOffer, Registration
from listings.models import Listing
from marketplace import workdays
from marketplace.payments.models import Refund
from tests import factories as kernel
from tests.contracts.factories import announced_listing, bidder, end_announcement, qualify

pytestmark = pytest.mark.django_db


def test_no_qualified_bidder_fails_the_deal_and_publishes_the_failed_announcement_r_mode_1(
    django_capture_on_commit_callbacks,
):
    # given an announced listing nobody qualified for
    listing = announced_listing()
    services.registration_create(listing=listing, user=bidder())  # never pays
    end_announcement(listing)
    deal = services.deal_for_listing(listing)
    # when the mode is selected
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_select_mode(deal=deal)
    # then the deal failed, the listing closed and a 流拍公告 is live
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.state == Deal.State.FAILED
    assert deal.failure_reason == Deal.FailureReason.NO_QUALIFIED_BIDDER
    assert Listing.objects.get(pk=listing.pk).state == Listing.State.CLOSED
    page = AnnouncementPage.objects.get(kind="failed", deal_number=deal.number)
    assert page.live
    assert Registration.objects.get(deal=deal).state == Registration.State.NOT_QUALIFIED


def test_a_relocated_households_failed_listing_records_the_storage_offer_r_fail_2():
    household = kernel.HouseholdFactory(is_relocated=True)
    listing = end_announcement(announced_listing(household=household))
    deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    assert deal.storage_offered_at is not None


def test_a_normal_households_failed_listing_has_no_storage_offer_r_fail_2():
    listing = end_announcement(announced_listing())
    deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    assert deal.storage_offered_at is None


def test_one_qualified_bidder_makes_a_negotiated_deal_due_in_3_working_days_r_mode_1():
    listing = announced_listing()
    registration = qualify(listing)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    assert deal.state == Deal.State.NEGOTIATING
    offer = NegotiatedOffer.objects.get(deal=deal)
    assert offer.confirm_by == workdays.period_end(timezone.localdate(), 3)
    assert offer.registration == registration


def test_the_single_bidder_confirms_a_price_at_least_the_listing_price_r_mode_1(
    django_capture_on_commit_callbacks,
):
    # given a negotiated deal
    listing = announced_listing(price_fen=50_000)
    registration = qualify(listing)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    # when the bidder offers less, it is refused; the listing price is accepted
    with pytest.raises(BidTooLow):
        services.negotiated_price_confirm(deal=deal, user=registration.user, price_fen=49_999)
    with django_capture_on_commit_callbacks(execute=True):
        services.negotiated_price_confirm(deal=deal, user=registration.user, price_fen=52_000)
    # then the deal is awarded with R-DEAL-7 values and a result announcement
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.state == Deal.State.AWARDED
    assert deal.price_fen == 52_000
    assert deal.annual_rent_fen == 52_000 * 20
    assert deal.total_value_fen == 52_000 * 20 * 10
    assert AnnouncementPage.objects.filter(kind="result", deal_number=deal.number).exists()


def test_an_unconfirmed_negotiation_lapses_and_fails_r_mode_1():
    listing = announced_listing()
    registration = qualify(listing)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    later = timezone.now() + dt.timedelta(days=10)
    assert services.negotiations_lapse_due(now=later) == 1
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.state == Deal.State.FAILED
    assert deal.failure_reason == Deal.FailureReason.NOT_CONFIRMED


def test_two_qualified_bidders_schedule_an_auction_next_working_day_at_10_r_mode_1():
    listing = announced_listing()
    qualify(listing)
    qualify(listing)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    assert deal.state == Deal.State.AUCTION
    auction = Auction.objects.get(deal=deal)
    start = timezone.localtime(auction.start_at)
    assert start.date() == workdays.add_workdays(timezone.localdate(), 1)
    assert (start.hour, start.minute) == (10, 0)
    assert auction.scheduled_close_at - auction.start_at == dt.timedelta(minutes=60)
    assert auction.close_at == auction.scheduled_close_at
    assert auction.start_price_fen == listing.listing_price_fen


def test_mode_selection_waits_for_the_end_of_the_announcement():
    listing = announced_listing()
    with pytest.raises(WrongState):
        services.deal_select_mode(deal=services.deal_for_listing(listing))


def test_the_beat_job_selects_every_due_deal_once():
    due = end_announcement(announced_listing())
    services.deal_for_listing(due)
    services.deal_for_listing(announced_listing())  # still announced
    assert services.deals_select_mode_due() == 1
    assert services.deals_select_mode_due() == 0


def test_unfinished_registrations_are_refunded_at_mode_selection_r_reg_2(
    django_capture_on_commit_callbacks,
):
    # given a commercial bidder that paid but whose review is still pending at the deadline
    listing = announced_listing(area_mu="800")
    registration = qualify(listing, bidder(is_commercial_capital=True))
    end_announcement(listing)
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_select_mode(deal=registration.deal)
    registration.refresh_from_db()
    assert registration.state == Registration.State.NOT_QUALIFIED
    assert Deposit.objects.get(registration=registration).state == Deposit.State.REFUNDED
    assert Refund.objects.filter(payable=registration.deposit.payable).exists()


def test_a_failed_deal_is_relisted_at_most_10_percent_cheaper_r_fail_1(staff_user):
    listing = end_announcement(announced_listing(price_fen=50_000))
    deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    deal = services.deal_relist(deal=deal, listing_price_fen=45_000, actor=staff_user)
    assert deal.state == Deal.State.RELISTED
    assert deal.relisted_as.listing_price_fen == 45_000
    assert deal.relisted_as.relisted_from_id == listing.pk


def test_withdrawing_the_listing_withdraws_the_deal_and_refunds(django_capture_on_commit_callbacks):
    listing = announced_listing()
    registration = qualify(listing)
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_withdraw(listing=listing)
    assert Deal.objects.get(pk=registration.deal_id).state == Deal.State.WITHDRAWN
    assert Refund.objects.filter(payable=registration.deposit.payable).exists()
