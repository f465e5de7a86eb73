"""The two writers of accepted bids agree (docs/bidding.md): PostgreSQL's one-statement
`contracts_bid_place` (migration 0004) and the Python engine (SQLite, and PostgreSQL when
switched). Each test runs with both engines (`bid_engine`); the function's runs need PostgreSQL.
"""

import datetime as dt

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from contracts import services
from contracts.errors import (
    AlreadyLeading,
    AuctionClosed,
    BidTooLow,
    NotOnIncrement,
    NotQualified,
)
from contracts.invariants import auction_invariant_violations
from contracts.models import Auction, Bid, Deposit, Registration
from contracts.services import bidding
from marketplace.errors import DomainError
from tests.contracts.factories import live_auction


def place(registration, amount, key):
    registration = Registration.objects.select_related("deal__auction").get(pk=registration.pk)
    return services.bid_place(registration=registration, amount=amount, idempotency_key=key)


def outcome(registration, amount, key):
    try:
        bid, created = place(registration, amount, key)
    except DomainError as exc:
        return (exc.code, str(exc.message), getattr(exc, "next_min_fen", None))
    return ("accepted", bid.amount_fen, bid.sequence, created)


SCENARIO = [  # (bidder, amount, key): every refusal the lock can give, and acceptances
    (0, "499", "a"),  # below the start price
    (0, "505", "b"),  # off the grid
    (0, "500", "c"),  # accepted, first bid
    (0, "510", "d"),  # already leading (R-BID-2 setting on)
    (1, "500", "e"),  # too low now
    (1, "520", "f"),  # accepted, one increment more than needed
    (1, "520", "f"),  # the same key: the same bid (200)
    (0, "530", "g"),  # accepted
]


@pytest.mark.django_db
def test_both_engines_give_the_same_outcomes_and_messages_r_bid_2(bid_engine):
    # given a running auction (start 500 yuan, increment 10 yuan)
    auction, regs = live_auction()
    # when the scenario's bids arrive, then each is accepted or refused as the rules say
    got = [outcome(regs[who], amount, key) for who, amount, key in SCENARIO]
    assert [g[0] for g in got] == [
        "bid_too_low",
        "not_on_increment",
        "accepted",
        "already_leading",
        "bid_too_low",
        "accepted",
        "accepted",
        "accepted",
    ]
    assert "510.00" in got[4][1]  # the next valid amount, in the active language
    assert got[4][2] == 51_000 and got[3][2] == 51_000
    assert got[5] == ("accepted", 52_000, 2, True) and got[6] == ("accepted", 52_000, 2, False)
    # and the chain verifies with the Python hashing, whichever engine wrote it
    auction.refresh_from_db()
    assert auction.current_price_fen == 53_000 and auction.bid_count == 3
    assert services.bid_chain_verify(auction).ok
    assert auction_invariant_violations(auction.pk) == []


@pytest.mark.django_db
def test_the_close_moves_by_the_window_after_a_late_bid_r_bid_4(bid_engine):
    # given an auction closing in 2 minutes (window 5 minutes)
    auction, (a, b) = live_auction(close_in=dt.timedelta(minutes=2))
    # when a bid arrives
    bid, _ = place(a, "500", "late")
    # then the close is the bid's time + 5 minutes, and the returned auction says so
    auction.refresh_from_db()
    assert auction.close_at == bid.placed_at + dt.timedelta(minutes=5)
    assert bid.auction.close_at == auction.close_at
    assert Bid.objects.get(pk=bid.pk).hash == bid.hash == auction.bids_hash


@pytest.mark.django_db
def test_a_refusal_under_the_lock_leaves_the_callers_transaction_usable(bid_engine):
    auction, (a, b, c) = live_auction(bidders=3)
    place(a, "500", "x")
    with transaction.atomic():
        # a refusal found only under the lock (the stale read still says 500 is the price)
        registration = Registration.objects.select_related("deal__auction").get(pk=b.pk)
        place(c, "510", "y")  # the price moves after b's read
        with pytest.raises(BidTooLow):
            services.bid_place(registration=registration, amount="510", idempotency_key="z")
        # the transaction goes on
        assert Bid.objects.filter(auction=auction).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("leading_refused", [True, False])
def test_a_request_racing_with_the_same_key_gets_the_stored_bid(
    bid_engine, settings, leading_refused
):
    """Both requests passed the key lookup; the second gets the lock after the first's bid,
    which makes it "already leading" or too low (or meets the unique key): it is answered with
    the stored bid (200), not a refusal."""
    settings.CONTRACTS = {"ALREADY_LEADING_REFUSED": leading_refused}
    auction, (a, b) = live_auction()
    stale = Auction.objects.get(pk=auction.pk)  # read before the first request's bid
    first, _ = place(a, "500", "k")
    registration = Registration.objects.select_related("deal__auction").get(pk=a.pk)
    again, created = bidding._bid_attempt(stale, registration, 50_000, "k", None)
    assert not created and again.pk == first.pk
    assert Bid.objects.count() == 1
    # a different key is still refused
    with pytest.raises(BidTooLow):
        bidding._bid_attempt(stale, registration, 50_000, "other", None)


@pytest.mark.django_db
def test_a_bid_when_the_close_has_passed_is_refused_under_the_lock_r_bid_3(
    python_clock, bid_engine
):
    auction, (a, b) = live_auction()
    registration = Registration.objects.select_related("deal__auction").get(pk=a.pk)
    # the unlocked read still shows the auction open; the lock finds the close passed
    passed = timezone.now() - dt.timedelta(seconds=1)
    Auction.objects.filter(pk=auction.pk).update(close_at=passed, scheduled_close_at=passed)
    with pytest.raises(AuctionClosed):
        services.bid_place(registration=registration, amount="500", idempotency_key="c")
    assert not Bid.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_a_refusal_holds_no_lock_and_an_accepted_bid_is_committed(
    postgres_only, bid_engine
):
    # given a bid accepted and one refused, outside any transaction of the caller (the API)
    auction, (a, b) = live_auction()
    assert connection.get_autocommit()
    bid, _ = place(a, "500", "p")
    with pytest.raises(AlreadyLeading):
        place(a, "510", "q")
    with pytest.raises(NotOnIncrement):
        place(b, "515", "r")
    # then another connection sees the bid and can lock the auction at once
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                f"SELECT bid_count FROM {Auction._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT",
                [auction.pk],
            )
            assert cursor.fetchone() == (1,)
            cursor.execute("ROLLBACK")
    finally:
        other.close()


@pytest.mark.django_db
def test_the_function_is_used_on_postgresql(postgres_only, monkeypatch):
    """The one-statement engine is the default on PostgreSQL (the Python one on SQLite)."""
    monkeypatch.setattr(bidding, "BID_ENGINE", "function")
    calls = []
    real = bidding._bid_write_function
    monkeypatch.setattr(bidding, "_bid_write_function", lambda *a: calls.append(1) or real(*a))
    auction, (a, b) = live_auction()
    place(a, "500", "f")
    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_an_accepted_api_bid_is_one_read_and_one_statement_on_postgresql(postgres_only):
    """The lock is taken and released inside one statement (no BEGIN … COMMIT round trips)."""
    from django.test.utils import CaptureQueriesContext

    auction, (a, b) = live_auction()
    with CaptureQueriesContext(connection) as queries:
        bid, created = services.bid_submit(
            listing_id=auction.deal.listing_id, user=a.user, amount="500", idempotency_key="one"
        )
    assert created and bid.sequence == 1
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "contracts_bid_place" in queries[1]["sql"]


@pytest.mark.django_db
def test_a_registration_of_another_deal_is_refused_under_the_lock_r_bid_1(bid_engine):
    # given two running auctions, and a qualified bidder of the second one
    auction, (a, b) = live_auction()
    other_auction, (stranger, _) = live_auction()
    stranger = Registration.objects.get(pk=stranger.pk)
    # when that registration is used for a bid on the first auction
    with pytest.raises(NotQualified):
        bidding._bid_attempt(Auction.objects.get(pk=auction.pk), stranger, 50_000, "s", None)
    # then nothing is written on either auction
    auction.refresh_from_db()
    assert not Bid.objects.exists() and auction.bid_count == 0
    assert auction.leading_registration_id is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"deposit": Deposit.State.REFUNDED},
        {"deposit": Deposit.State.FORFEITED},
        {"registration": Registration.State.NOT_QUALIFIED},
    ],
    ids=["deposit-refunded", "deposit-forfeited", "disqualified"],
)
def test_a_bidder_whose_deposit_is_no_longer_held_cannot_bid_r_bid_1(bid_engine, change):
    # given a running auction where bidder a already bid 500 yuan
    auction, (a, b, c) = live_auction(bidders=3)
    place(a, "500", "first")
    # when b's deposit leaves "held" (or b is disqualified) after b's registration was read
    registration = Registration.objects.select_related("deal__auction").get(pk=b.pk)
    if "deposit" in change:
        Deposit.objects.filter(registration=b).update(state=change["deposit"])
    else:
        Registration.objects.filter(pk=b.pk).update(state=change["registration"])
    # then b's next bid is refused under the lock and the auction is unchanged
    with pytest.raises(NotQualified):
        services.bid_place(registration=registration, amount="510", idempotency_key="late")
    auction.refresh_from_db()
    assert auction.bid_count == 1 and auction.current_price_fen == 50_000
    assert auction.leading_registration_id == a.pk
    assert Bid.objects.filter(registration=b).count() == 0
    # and a bidder still qualified bids on
    assert place(c, "510", "third")[0].sequence == 2
