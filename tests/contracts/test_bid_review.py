"""Review of the bidding hot path (docs/bidding.md): input both engines must treat alike, and
the bid chain's anchor (R-BID-3, R-BID-8)."""

import datetime as dt

import pytest
from django.db import connection
from rest_framework.test import APIClient

from contracts import services
from contracts.errors import InvalidKey
from contracts.models import Auction, Bid, Registration
from marketplace.audit import GENESIS, chain_hash
from tests.contracts.factories import live_auction

pytestmark = pytest.mark.django_db


def place(registration, amount, key):
    registration = Registration.objects.select_related("deal__auction").get(pk=registration.pk)
    return services.bid_place(registration=registration, amount=amount, idempotency_key=key)


@pytest.mark.parametrize("key", ["k\n", "a" * 64 + "\n"])
def test_a_key_with_a_trailing_newline_is_refused_by_both_engines(bid_engine, key):
    """`$` also matches before a final newline: such a key was accepted, and the function's
    hand-built JSON (no escaping) then hashed it differently from `bid_chain_body`, so the
    chain no longer verified (a bidder could make an honest auction look tampered with); 65
    characters were a 500 on PostgreSQL and stored on SQLite."""
    auction, (a, b) = live_auction()
    with pytest.raises(InvalidKey):
        place(a, "500", key)
    assert not Bid.objects.exists()


@pytest.mark.parametrize("key", ["k\n", "a" * 64 + "\n"])
def test_the_api_answers_a_key_with_a_trailing_newline_422(key):
    auction, (a, b) = live_auction()
    client = APIClient()
    client.force_authenticate(a.user)
    response = client.post(
        f"/api/v1/listings/{auction.deal.listing_id}/bids/",
        {"amount_yuan": "500", "idempotency_key": key},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Bid.objects.exists()


def _rewrite_chain_lowering_the_last_bid(auction, amount_fen):
    last = Bid.objects.filter(auction=auction).order_by("-sequence").first()
    Bid.objects.filter(pk=last.pk).update(amount_fen=amount_fen)
    prev = GENESIS
    for row in Bid.objects.filter(auction=auction).order_by("sequence"):
        prev = chain_hash(prev, services.bidding.bid_chain_body(row))
        Bid.objects.filter(pk=row.pk).update(hash=prev)
    Auction.objects.filter(pk=auction.pk).update(bids_hash=prev, current_price_fen=amount_fen)


def test_a_rewritten_chain_is_found_even_if_the_auction_is_set_back_to_scheduled_r_bid_8():
    """The anchor is the audit log's `auction.closed` event, not the auction row's state: a
    chain rewritten as a whole is found whatever the row says."""
    auction, (a, b) = live_auction(close_in=dt.timedelta(minutes=30))
    place(a, "500", "x"), place(b, "510", "y")
    closed = services.auction_close(
        auction_id=auction.pk, now=auction.close_at + dt.timedelta(seconds=1)
    )
    _rewrite_chain_lowering_the_last_bid(closed, 50_900)
    Auction.objects.filter(pk=closed.pk).update(state=Auction.State.SCHEDULED)
    report = services.bid_chain_verify(Auction.objects.get(pk=closed.pk))
    assert not report.ok
    assert report.reason == "the bids differ from those anchored in the audit log"


def test_a_withdrawn_auction_s_chain_verifies():
    """Withdrawing the listing closes the auction without an `auction.closed` event; an
    honest chain must not be reported broken (verify_bids would exit 1)."""
    from django.core.management import call_command

    auction, (a, b) = live_auction()
    place(a, "500", "x")
    services.deal_withdraw(listing=auction.deal.listing)
    auction.refresh_from_db()
    assert auction.state == Auction.State.CLOSED
    report = services.bid_chain_verify(auction)
    assert report.ok, report.reason
    call_command("verify_bids")


def test_the_engine_in_use_matches_the_database():
    assert services.bidding.use_bid_function() == (connection.vendor == "postgresql")


def test_a_bid_placed_after_the_auction_row_was_read_is_not_reported_as_tampering():
    """verify_bids reads the auctions first and each one's bids later: on a live exchange a
    bid accepted in between made an honest chain look cut off ("bids are missing")."""
    auction, (a, b) = live_auction()
    place(a, "500", "x")
    read_before = Auction.objects.get(pk=auction.pk)  # as verify_bids' iterator read it
    place(b, "510", "y")  # a bid accepted meanwhile
    report = services.bid_chain_verify(read_before)
    assert report.ok, report.reason
    assert report.count == 2


@pytest.mark.django_db(transaction=True)
def test_verify_bids_outside_a_transaction_reads_one_snapshot(capsys):
    """The command's own path (autocommit): on PostgreSQL a REPEATABLE READ transaction."""
    from django.core.management import call_command

    auction, (a, b) = live_auction()
    place(a, "500", "x"), place(b, "510", "y")
    assert not connection.in_atomic_block
    call_command("verify_bids")
    assert "bid chains OK (1 auctions, 2 bids)" in capsys.readouterr().out
    assert services.bid_chain_verify(auction).count == 2


def test_withdrawing_anchors_the_bid_chain_in_the_audit_log_r_bid_8():
    """A withdrawal closes the auction like a close does: the `auction.closed` event holds the
    head, so a chain rewritten afterwards is found."""
    from marketplace.audit import events_for

    auction, (a, b) = live_auction()
    place(a, "500", "x"), place(b, "510", "y")
    services.deal_withdraw(listing=auction.deal.listing)
    auction.refresh_from_db()
    event = events_for(auction).get(action="auction.closed")
    assert event.payload["bids_hash"] == auction.bids_hash
    assert event.payload["closer"] == "withdrawn"
    _rewrite_chain_lowering_the_last_bid(auction, 50_900)
    assert not services.bid_chain_verify(Auction.objects.get(pk=auction.pk)).ok
