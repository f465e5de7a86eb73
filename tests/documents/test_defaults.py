"""Missed deadlines (R-DEAL-2/3 → R-DEAL-5): defaulted, deposit forfeited; staff then award to
the runner-up at its last bid (R-DEAL-5) or relist (R-FAIL-1)."""

import datetime as dt

import pytest
from django.utils import timezone

from contracts import services as deal_services
from contracts.documents import services
from contracts.documents.errors import NoRunnerUp
from contracts.documents.models import Contract, DealDefault, Settlement
from contracts.models import Auction, Deal, Deposit
from listings.models import Listing
from marketplace.payments import ledger
from tests import factories as kernel
from tests.contracts.factories import announced_listing, end_announcement, qualify
from tests.documents.factories import (
    SCAN_PDF,
    Upload,
    awarded_deal,
    bidder_user,
    sign_both,
)


def after(deadline):
    return deadline + dt.timedelta(minutes=1)


def test_r_deal_5_not_signing_in_time_defaults_and_forfeits_the_deposit(
    db, django_capture_on_commit_callbacks
):
    # given an awarded deal nobody signed
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    sign_by = a.contract.sign_by
    forfeit_before = ledger.balance(ledger.FORFEIT_INCOME)
    # when the sweep runs before and after the 5-working-day deadline
    assert services.deadlines_sweep(now=sign_by - dt.timedelta(minutes=1)) == 0
    assert services.deadlines_sweep(now=after(sign_by)) == 1
    # then the deal defaulted, the contract is void and the deposit went to forfeit income
    assert Deal.objects.get(pk=a.deal.pk).state == "defaulted"
    assert Contract.objects.get(deal=a.deal).state == "void"
    assert Deposit.objects.get(registration=a.registration).state == "forfeited"
    assert ledger.balance(ledger.FORFEIT_INCOME) - forfeit_before == 100_000
    default = DealDefault.objects.get(deal=a.deal)
    assert default.reason == "not_signed" and default.forfeited_fen == 100_000


def test_a_household_late_to_sign_is_not_the_winners_default(
    db, django_capture_on_commit_callbacks
):
    # given the transferee signed but the household has not
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    contract = a.contract
    code = services.signing_code_send(contract=contract, user=a.buyer)
    services.contract_sign_online(
        contract=contract,
        user=a.buyer,
        password="pw-12345678",
        code=code,
        pdf_sha256=contract.current.sha256,
    )
    # when the deadline passes
    assert services.deadlines_sweep(now=after(contract.sign_by)) == 0
    # then the winner keeps its deposit and the deal stays in signing for staff to handle
    assert Deal.objects.get(pk=a.deal.pk).state == "signing"
    assert Deposit.objects.get(registration=a.registration).state == "held"


def test_r_deal_5_not_paying_in_time_defaults_cancels_the_payable_and_forfeits(
    db, django_capture_on_commit_callbacks
):
    # given both signed and the 3-working-day payment deadline passed
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    sign_both(a, django_capture_on_commit_callbacks)
    settlement = a.deal.settlements.get()
    # when the sweep runs
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadlines_sweep(now=after(settlement.pay_by)) == 1
    # then defaulted, payable cancelled, deposit forfeited
    settlement = Settlement.objects.select_related("payable").get(pk=settlement.pk)
    assert settlement.state == "defaulted" and settlement.payable.state == "cancelled"
    assert Deal.objects.get(pk=a.deal.pk).state == "defaulted"
    assert Deposit.objects.get(registration=a.registration).state == "forfeited"


def auction_deal(capture, reserve_price_fen=None):
    """Two qualified bidders bid in a real auction; the higher one is awarded."""
    listing = announced_listing(
        price_fen=50_000,
        increment_fen=1_000,
        deposit_fen=100_000,
        reserve_price_fen=reserve_price_fen,
    )
    kernel.OperatorFactory(station=kernel.ServiceStationFactory(township=listing.township))
    first, second = bidder_user(), bidder_user()
    with capture(execute=True):
        r1, r2 = qualify(listing, first), qualify(listing, second)
        end_announcement(listing)
        deal = deal_services.deal_select_mode(deal=deal_services.deal_for_listing(listing))
        auction = deal.auction
        Auction.objects.filter(pk=auction.pk).update(
            start_at=timezone.now() - dt.timedelta(minutes=1)
        )
        deal_services.bid_place(registration=r2, amount="520.00", idempotency_key="b1")
        deal_services.bid_place(registration=r1, amount="530.00", idempotency_key="b2")
        closed = timezone.now()
        Auction.objects.filter(pk=auction.pk).update(close_at=closed, scheduled_close_at=closed)
        deal_services.auction_close(
            auction_id=auction.pk, now=timezone.now() + dt.timedelta(seconds=1)
        )
    return Deal.objects.get(pk=deal.pk), r1, r2


def test_r_deal_5_staff_award_the_runner_up_at_its_last_bid(db, django_capture_on_commit_callbacks):
    # given an auctioned deal whose winner did not sign in time
    deal, winner, runner = auction_deal(django_capture_on_commit_callbacks)
    assert deal.state == "signing" and deal.winner == winner
    contract = Contract.objects.get(deal=deal)
    services.deadlines_sweep(now=after(contract.sign_by))
    staff = kernel.UserFactory(role="exchange_staff")
    # when staff award it to the runner-up
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_award_runner_up(deal=Deal.objects.get(pk=deal.pk), actor=staff)
    # then the runner-up wins at its last bid, and a new contract is generated for it
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.state == "signing" and deal.winner == runner and deal.price_fen == 52_000
    new = Contract.objects.exclude(state="void").get(deal=deal)
    assert new.transferee == runner.enterprise and new.number.endswith("-2")
    assert DealDefault.objects.get(deal=deal).resolution == "runner_up"
    # and there is no third bidder to offer it to after a second default
    services.deadlines_sweep(now=after(new.sign_by))
    with pytest.raises(NoRunnerUp):
        services.deal_award_runner_up(deal=Deal.objects.get(pk=deal.pk), actor=staff)


def test_r_bid_6_the_runner_up_is_not_awarded_below_the_reserve(
    db, django_capture_on_commit_callbacks
):
    # given a reserve of 525 yuan: the winner bid 530, the runner-up 520, then the winner defaulted
    deal, winner, runner = auction_deal(
        django_capture_on_commit_callbacks, reserve_price_fen=52_500
    )
    assert deal.winner == winner and deal.price_fen == 53_000
    services.deadlines_sweep(now=after(Contract.objects.get(deal=deal).sign_by))
    staff = kernel.UserFactory(role="exchange_staff")
    # when staff award the deal to the runner-up
    from contracts.documents.errors import RunnerUpBelowReserve

    with pytest.raises(RunnerUpBelowReserve) as exc:
        services.deal_award_runner_up(deal=Deal.objects.get(pk=deal.pk), actor=staff)
    # then it is refused, saying why (R-BID-6), and the deal still awaits a decision
    assert "R-BID-6" in str(exc.value.message)
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.state == "defaulted" and deal.winner == winner
    assert DealDefault.objects.get(deal=deal).resolution == ""


def test_r_deal_5_the_runner_up_award_is_a_logged_transition_with_a_new_announcement(
    db, django_capture_on_commit_callbacks
):
    """R-DEAL-5 + R-DEAL-1: defaulted → awarded through Deal.award_runner_up (the audit log
    records it), with a new result announcement of 5 working days published for the runner-up."""
    from cms.models import AnnouncementPage
    from marketplace import workdays
    from marketplace.audit import events_for

    deal, winner, runner = auction_deal(django_capture_on_commit_callbacks)
    first_page = AnnouncementPage.objects.get(kind="result", deal_number=deal.number)
    assert winner.enterprise.name in first_page.body
    services.deadlines_sweep(now=after(Contract.objects.get(deal=deal).sign_by))
    staff = kernel.UserFactory(role="exchange_staff")
    # when staff award it to the runner-up
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_award_runner_up(deal=Deal.objects.get(pk=deal.pk), actor=staff)
    deal = Deal.objects.get(pk=deal.pk)
    # then the state machine logged defaulted → awarded
    log = events_for(deal).filter(action="deal.awarded_to_runner_up").get()
    assert (log.payload["from"], log.payload["to"]) == ("defaulted", "awarded")
    # and a new 5-working-day result announcement runs from today for the runner-up's price
    today = timezone.localdate()
    assert deal.result_announcement_ends_at == workdays.period_end(today, 5)
    assert deal.awarded_at.date() == timezone.now().date()
    page = AnnouncementPage.objects.get(kind="result", deal_number=deal.number)
    assert page.period_ends_at == deal.result_announcement_ends_at
    assert runner.enterprise.name in page.body and "520.00" in page.body
    assert winner.enterprise.name not in page.body and page.live
    # and the certificate waits for that announcement (R-DEAL-1)
    assert services.certificate_refusal(deal) is not None


def test_r_deal_5_staff_relist_a_defaulted_deal(db, django_capture_on_commit_callbacks):
    # given a defaulted negotiated deal (no runner-up)
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    services.deadlines_sweep(now=after(a.contract.sign_by))
    # when staff relist 5 % cheaper (R-FAIL-1 allows 10 %)
    new_listing = services.deal_relist_after_default(
        deal=Deal.objects.get(pk=a.deal.pk), listing_price_fen=47_500, actor=a.staff
    )
    # then a new listing awaits review (R-LIST-3) and the decision is recorded
    assert (
        new_listing.state == Listing.State.SUBMITTED and new_listing.relisted_from == a.deal.listing
    )
    default = DealDefault.objects.get(deal=a.deal)
    assert default.resolution == "relist" and default.new_listing == new_listing


def test_a_scan_upload_after_the_signing_deadline_is_refused(
    db, django_capture_on_commit_callbacks
):
    from contracts.documents.errors import DeadlinePassed

    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    contract = a.contract
    Contract.objects.filter(pk=contract.pk).update(sign_by=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(DeadlinePassed):
        services.contract_sign_witnessed(
            contract=contract,
            operator=a.operator,
            scan=Upload(SCAN_PDF),
            mark="signature",
            pdf_sha256=contract.current.sha256,
            confirmed=True,
        )
