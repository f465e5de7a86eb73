"""Correctness under load on PostgreSQL (issue 6): concurrent bids, closers and a bid racing the
close. Skipped on SQLite with a reason (row locks need PostgreSQL)."""

import datetime as dt
import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from contracts import services
from contracts.invariants import auction_invariant_violations
from contracts.models import Auction, Bid, Deal, Registration
from marketplace.audit import events_for
from marketplace.errors import DomainError
from tests.contracts.factories import live_auction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_threads(n, target):
    errors = []

    def wrapped(i):
        try:
            target(i)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def check_invariants(auction, accepted_ids):
    """R-BID-2/3/5: grid, increments, time order, price = last bid, nothing lost or doubled."""
    assert auction_invariant_violations(auction.pk, accepted_ids=accepted_ids) == []
    return list(Bid.objects.filter(auction=auction).order_by("sequence"))


def test_50_threads_placing_2000_bids_keep_every_invariant(postgres_only):
    # given a running auction with 50 qualified bidders
    auction, regs = live_auction(bidders=50, close_in=dt.timedelta(minutes=30))
    listing_id = auction.deal.listing_id
    accepted, refusals, lock = [], Counter(), threading.Lock()
    attempts_each = 40  # 50 × 40 = 2,000 attempts

    def bidder(i):
        rng = random.Random(i)
        user = regs[i].user
        for n in range(attempts_each):
            registration = services.registration_for_bidding(listing_id=listing_id, user=user)
            next_min = registration.deal.auction.next_min_fen()
            amount = next_min + auction.increment_fen * rng.choice([0, 0, 0, 1, 2])
            if rng.random() < 0.05:
                amount += 1  # off the grid now and then
            try:
                bid, created = services.bid_place(
                    registration=registration,
                    amount=f"{amount / 100:.2f}",
                    idempotency_key=f"t{i}-{n}",
                )
            except DomainError as exc:
                with lock:
                    refusals[exc.code] += 1
            else:
                with lock:
                    accepted.append(bid.pk)

    # when they all bid at once
    run_threads(50, bidder)
    # then every accepted bid is consistent, and every attempt was answered
    bids = check_invariants(auction, accepted)
    assert len(bids) + sum(refusals.values()) == 2000
    assert len(bids) > 50
    assert set(refusals) <= {"bid_too_low", "already_leading", "not_on_increment"}


def test_four_concurrent_closers_close_once_r_bid_8(postgres_only):
    # given an auction with bids whose close time has passed
    auction, regs = live_auction(bidders=3, close_in=dt.timedelta(minutes=30))
    for i, reg in enumerate(regs):
        registration = Registration.objects.select_related("deal__auction").get(pk=reg.pk)
        services.bid_place(registration=registration, amount=str(500 + 10 * i), idempotency_key="a")
    past = timezone.now() - dt.timedelta(seconds=1)
    Auction.objects.filter(pk=auction.pk).update(close_at=past, scheduled_close_at=past)
    barrier = threading.Barrier(4)
    results = []

    def closer(i):
        barrier.wait()
        closed = services.auction_close(auction_id=auction.pk, closer=f"closer-{i}")
        results.append(closed.closed_by)

    # when four workers close it at the same moment
    run_threads(4, closer)
    # then it was closed once, by one of them, and awarded once
    assert len(set(results)) == 1
    assert events_for(auction).filter(action="auction.closed").count() == 1
    deal = Deal.objects.get(pk=auction.deal_id)
    assert deal.state == Deal.State.AWARDED
    assert events_for(deal).filter(action="deal.award").count() == 1


def test_a_bid_racing_the_close_is_accepted_before_it_or_refused_after_it(postgres_only):
    # given an auction closing in a second, without soft close so the close stays put
    auction, regs = live_auction(bidders=8, close_in=dt.timedelta(minutes=30))
    close_at = timezone.now() + dt.timedelta(seconds=1)
    Auction.objects.filter(pk=auction.pk).update(
        extension_window=dt.timedelta(0), close_at=close_at, scheduled_close_at=close_at
    )
    listing_id = auction.deal.listing_id
    accepted, refused_closed, lock = [], [], threading.Lock()

    def worker(i):
        if i == 0:  # the closer keeps trying until the close time has come
            give_up = time.monotonic() + 60
            while services.auction_close(auction_id=auction.pk, closer="race") is None:
                assert time.monotonic() < give_up, "the auction never became due"
                time.sleep(0.005)
            return
        user = regs[i].user
        n = 0
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            registration = services.registration_for_bidding(listing_id=listing_id, user=user)
            amount = registration.deal.auction.next_min_fen()
            n += 1
            try:
                bid, _ = services.bid_place(
                    registration=registration, amount=f"{amount / 100:.2f}", idempotency_key=f"r{n}"
                )
            except DomainError as exc:
                if exc.code == "auction_closed":  # final: nothing after it can be accepted
                    with lock:
                        refused_closed.append(timezone.now())
                    return
            else:
                with lock:
                    accepted.append(bid.pk)

    # when bidders keep bidding through the close
    run_threads(8, worker)
    # then every accepted bid is before the close, each refusal came at or after it, and the
    # award is the last accepted bid
    auction = Auction.objects.get(pk=auction.pk)
    bids = check_invariants(auction, accepted)
    assert auction.state == Auction.State.CLOSED
    assert all(at >= auction.close_at for at in refused_closed)
    deal = Deal.objects.get(pk=auction.deal_id)
    if bids:
        assert deal.price_fen == bids[-1].amount_fen
        assert deal.winner_id == bids[-1].registration_id


def test_connection_vendor_is_postgresql(postgres_only):
    assert connection.vendor == "postgresql"
