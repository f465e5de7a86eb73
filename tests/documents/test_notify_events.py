"""Issue 13: the deal's events reach the people concerned, once each, on their channels."""

import datetime as dt

import pytest
from django.utils import timezone

from contracts.notify import auctions_starting_soon_tell
from marketplace.models import Delivery, Notification, SmsMessage
from tests.contracts.factories import live_auction
from tests.documents.factories import awarded_deal, sign_both

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(db, django_capture_on_commit_callbacks):
    return awarded_deal(django_capture_on_commit_callbacks, geometry=False)


def events_of(**who):
    return set(Delivery.objects.filter(**who).values_list("event", "channel"))


def test_the_bidder_hears_of_its_deposit_and_of_winning_by_inbox_and_sms(awarded):
    seen = events_of(recipient=awarded.buyer)
    assert {("deposit.received", "inbox"), ("deposit.received", "sms")} <= seen
    assert {("auction.won", "inbox"), ("auction.won", "sms")} <= seen
    sms = (
        SmsMessage.objects.filter(text__contains="保证金").first()
        or SmsMessage.objects.filter(text__contains="Deposit").first()
    )
    assert sms is not None and "1,000.00" in sms.text  # R-REG-2: the deposit of 1,000 yuan


def test_the_household_is_told_by_sms_that_its_contract_is_ready(awarded):
    household = awarded.deal.listing.transferor_household
    delivery = Delivery.objects.get(event="contract.ready", household=household)
    assert delivery.channel == "sms" and delivery.state == "sent"
    assert delivery.address == household.phone
    assert awarded.contract.number in SmsMessage.objects.get(phone=household.phone).text


def test_signing_asks_for_payment_once(awarded, django_capture_on_commit_callbacks):
    sign_both(awarded, django_capture_on_commit_callbacks)
    assert (
        Delivery.objects.filter(
            event="payment.due", recipient=awarded.buyer, channel="inbox"
        ).count()
        == 1
    )


def test_bidders_hear_an_hour_before_the_auction_starts_once(db):
    start = timezone.now() + dt.timedelta(minutes=40)
    _auction, registrations = live_auction(start_at=start)
    assert auctions_starting_soon_tell() == 1
    auctions_starting_soon_tell()  # the beat runs again: nothing twice
    for registration in registrations:
        assert (
            Notification.objects.filter(
                recipient=registration.user, event="auction.starting"
            ).count()
            == 1
        )
    # an auction two hours away is not yet announced
    _later, regs = live_auction(start_at=timezone.now() + dt.timedelta(hours=2))
    auctions_starting_soon_tell()
    assert not Notification.objects.filter(recipient=regs[0].user, event="auction.starting")
