"""The auction engine (R-BID-1..9): bids under the auction row's lock, soft close, closing once.

Correctness rests on three things:
- every accepted bid is validated and written in one transaction that holds the auction row's
  lock (`select_for_update`), and its time is read from the server clock *after* the lock is
  granted, so sequence order, time order and price order agree;
- refusals that can only become more true (too low, not on the grid, closed) may be answered
  from an unlocked read, which keeps refused attempts off the lock;
- closing writes `state=closed` once under the same lock; a second closer finds it closed.
"""

import re
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit, workdays
from marketplace.money import MoneyError, fen_to_yuan, to_decimal

from .. import conf, notify, signals
from ..errors import (
    AlreadyLeading,
    AuctionClosed,
    AuctionNotOpen,
    BidTooLow,
    InvalidAmount,
    InvalidKey,
    NotOnIncrement,
    NotQualified,
    WrongState,
)
from ..models import Auction, Bid, Deal, Deposit, Registration
from ..sql import Select, instance, name
from .common import lock_deal, send_on_commit, transition
from .deals import deal_award, deal_fail

# \Z, not $: `$` also matches before a final "\n", which the function would hash unescaped.
KEY_RE = re.compile(r"\A[A-Za-z0-9_.:\-]{1,64}\Z")
MAX_YUAN = Decimal(10**12)  # a trillion yuan: anything above is a typing error


# ---------------------------------------------------------------- input


def parse_amount_fen(value) -> int:
    """Yuan with at most two decimals, as text or a number (never float arithmetic) → fen."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise InvalidAmount()
    if isinstance(value, float):
        value = repr(value)  # the shortest text that round-trips, then exact Decimal
    try:
        amount = to_decimal(value)
    except (MoneyError, TypeError, ValueError) as exc:
        raise InvalidAmount() from exc
    # Compare before multiplying: 1E+999999 × 100 would overflow the decimal context.
    if amount <= 0 or amount >= MAX_YUAN or amount.as_tuple().exponent < -2:
        raise InvalidAmount()
    return int(amount * 100)


def check_key(key) -> str:
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise InvalidKey()
    return key


def check_grid(auction, amount_fen):
    """R-BID-2: the start price plus a whole multiple of the increment, and ≥ the next minimum."""
    if amount_fen < auction.start_price_fen:
        raise _with_next_min(BidTooLow(_next_min_message(auction)), auction)
    if (amount_fen - auction.start_price_fen) % auction.increment_fen:
        raise _with_next_min(
            NotOnIncrement(
                _("A bid must be the start price %(start)s plus a multiple of %(inc)s yuan.")
                % {
                    "start": fen_to_yuan(auction.start_price_fen),
                    "inc": fen_to_yuan(auction.increment_fen),
                }
            ),
            auction,
        )
    if amount_fen < auction.next_min_fen():
        raise _with_next_min(BidTooLow(_next_min_message(auction)), auction)


def _with_next_min(error, auction):
    """Refusals carry the next valid amount, so a client can bid again without a read."""
    error.next_min_fen = auction.next_min_fen()
    return error


def _next_min_message(auction):
    return _("Your bid is below the next valid amount %(amount)s yuan.") % {
        "amount": fen_to_yuan(auction.next_min_fen())
    }


# ---------------------------------------------------------------- reads


def registration_for_bidding(*, listing_id, user) -> Registration:
    """The user's qualified registration for the listing, with its deal and auction (R-BID-1)."""
    enterprise_id = getattr(user, "enterprise_id", None)
    if enterprise_id is None:
        raise NotQualified()
    registration = (
        Registration.objects.select_related("deal__auction")
        .filter(
            deal__listing_id=listing_id,
            enterprise_id=enterprise_id,
            state=Registration.State.QUALIFIED,
        )
        .first()
    )
    if registration is None:
        raise NotQualified()
    return registration


# What a bid attempt needs, in one statement: the user's qualified registration for the listing
# (R-BID-1), its deal's auction, and the bid already stored under the idempotency key, if any.
_AUCTION_FIELDS = (
    "id",
    "deal",
    "state",
    "start_at",
    "close_at",
    "start_price_fen",
    "increment_fen",
    "current_price_fen",
)
_BID_CONTEXT = Select(
    [
        ("registration.id", "r", Registration, "id"),
        ("registration.deal", "r", Registration, "deal"),
        ("registration.enterprise", "r", Registration, "enterprise"),
        ("registration.user", "r", Registration, "user"),
        ("registration.state", "r", Registration, "state"),
        ("registration.bidder_number", "r", Registration, "bidder_number"),
        *((f"auction.{f}", "a", Auction, f) for f in _AUCTION_FIELDS),
        ("known_bid", "b", Bid, "id"),
    ],
    lambda: (
        f"FROM {name(Registration)} r "
        f"JOIN {name(Deal)} d ON d.id = r.deal_id "
        f"LEFT JOIN {name(Auction)} a ON a.deal_id = d.id "
        f"LEFT JOIN {name(Bid)} b ON b.registration_id = r.id AND b.idempotency_key = %s "
        "WHERE d.listing_id = %s AND r.enterprise_id = %s AND r.state = %s "
        "ORDER BY r.created_at LIMIT 1"
    ),
)


# ---------------------------------------------------------------- placing a bid


def bid_submit(*, listing_id, user, amount, idempotency_key, actor=None) -> tuple[Bid, bool]:
    """The API's bid: the rules of `bid_place`, with what it needs read in one query.

    Refusals come in the same order as through `registration_for_bidding` + `bid_place`:
    not qualified, then the key, then the amount, then the known key, then the auction.
    """
    enterprise_id = getattr(user, "enterprise_id", None)
    if enterprise_id is None:
        raise NotQualified()
    key_ok = isinstance(idempotency_key, str) and KEY_RE.match(idempotency_key)
    row = _BID_CONTEXT.one(
        [idempotency_key if key_ok else "", listing_id, enterprise_id, Registration.State.QUALIFIED]
    )
    if row is None:
        raise NotQualified()
    key = check_key(idempotency_key)
    amount_fen = parse_amount_fen(amount)
    registration = instance(Registration, row, "registration.")
    if row["known_bid"] is not None:
        return _known_bid(row["known_bid"], registration), False
    if row["auction.id"] is None:
        raise AuctionNotOpen()
    auction = instance(Auction, row, "auction.")
    return _bid_attempt(auction, registration, amount_fen, key, actor)


def bid_place(*, registration, amount, idempotency_key, actor=None) -> tuple[Bid, bool]:
    """Place a bid; returns (bid, created). The same key again returns the same bid."""
    key = check_key(idempotency_key)
    amount_fen = parse_amount_fen(amount)
    existing = Bid.objects.filter(registration=registration, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    try:
        auction = registration.deal.auction
    except Deal.auction.RelatedObjectDoesNotExist as exc:
        raise AuctionNotOpen() from exc
    return _bid_attempt(auction, registration, amount_fen, key, actor)


def _known_bid(pk, registration) -> Bid:
    bid = Bid.objects.select_related("auction").get(pk=pk)
    bid.registration = registration
    return bid


def _bid_attempt(auction, registration, amount_fen, key, actor) -> tuple[Bid, bool]:
    # Unlocked pre-checks: these refusals stay true once true (price only rises, close is final).
    if auction.state == Auction.State.CLOSED:
        raise AuctionClosed()
    if timezone.now() < auction.start_at:
        raise AuctionNotOpen(
            _("The auction opens at %(at)s.")
            % {"at": timezone.localtime(auction.start_at).strftime("%Y-%m-%d %H:%M:%S")}
        )
    check_grid(auction, amount_fen)
    placed_by = actor if actor is not None and actor.is_authenticated else None
    try:
        if use_bid_function():
            return _bid_write_function(auction, registration, amount_fen, key, placed_by), True
        return _bid_write_python(auction.pk, registration, amount_fen, key, placed_by), True
    except (IntegrityError, *_LOCKED_REFUSALS):
        # The same key raced in from a second request that got the lock first: its bid made
        # this one too low (or "already leading"), or met the unique key. Answer with it.
        existing = Bid.objects.filter(registration=registration, idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False


# Which engine writes accepted bids: "function" (PostgreSQL's `contracts_bid_place`, one
# statement, migration 0004) or "python" (any database; SQLite always). Tests switch it.
BID_ENGINE = "function"
# Tests that mock `timezone.now` set this so the function uses the mocked clock too; in
# production the function reads the server clock after the lock (R-BID-3).
CLOCK_FROM_PYTHON = False
_REFUSED = "CB001"  # SQLSTATE raised by contracts_bid_place for a refusal
# Refusals found under the lock (a request with the same key may have caused them).
_LOCKED_REFUSALS = (AuctionClosed, AuctionNotOpen, BidTooLow, NotOnIncrement, AlreadyLeading)


def use_bid_function() -> bool:
    return BID_ENGINE == "function" and connection.vendor == "postgresql"


def _bid_write_function(auction, registration, amount_fen, key, placed_by) -> Bid:
    """One statement locks, re-checks and writes (migrations 0004, 0005); see docs/bidding.md.

    In autocommit (the API) the statement is the transaction: the auction row's lock is held
    for the statement and its commit, without a round trip to this process. Inside a caller's
    transaction it runs in a savepoint, so a refusal leaves the caller's transaction usable.
    """
    params = [
        auction.pk,
        registration.pk,
        amount_fen,
        key,
        placed_by.pk if placed_by is not None else None,
        bool(conf.get("ALREADY_LEADING_REFUSED")),
        timezone.now() if CLOCK_FROM_PYTHON else None,
    ]
    sql = "SELECT * FROM contracts_bid_place(%s, %s, %s, %s, %s, %s, %s::timestamptz)"
    try:
        if connection.in_atomic_block:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
    except DatabaseError as exc:
        if isinstance(exc, IntegrityError) or getattr(exc.__cause__, "sqlstate", None) != _REFUSED:
            raise
        diag = exc.__cause__.diag
        _refuse(auction, registration, amount_fen, diag.message_primary, diag.message_detail)
        raise  # pragma: no cover - _refuse always raises
    bid_id, placed_at, sequence, bid_hash, close_at = row
    bid = Bid(
        pk=bid_id,
        auction_id=auction.pk,
        registration=registration,
        amount_fen=amount_fen,
        placed_at=placed_at,
        sequence=sequence,
        idempotency_key=key,
        placed_by=placed_by,
        hash=bid_hash,
    )
    bid._state.adding, bid._state.db = False, connection.alias
    # The auction as the bid left it (the fields the function wrote).
    auction.current_price_fen = amount_fen
    auction.leading_registration_id = registration.pk
    auction.bid_count = sequence
    auction.bids_hash = bid_hash
    auction.close_at = close_at
    bid.auction = auction
    return bid


def _refuse(auction, registration, amount_fen, code, price):
    """The refusal the function found under the lock, as the Python engine raises it."""
    auction.current_price_fen = int(price) if price else None
    if code == "auction_closed":
        raise AuctionClosed()
    if code == "auction_not_open":
        raise AuctionNotOpen()
    if code == "already_leading":
        raise _with_next_min(AlreadyLeading(), auction)
    if code == "not_qualified":
        raise NotQualified()
    check_grid(auction, amount_fen)  # "grid": raises the refusal with its message
    raise RuntimeError(f"contracts_bid_place refused with an unknown reason {code!r}")


def _bid_write_python(auction_pk, registration, amount_fen, key, placed_by) -> Bid:
    with transaction.atomic():
        auction = Auction.objects.select_for_update().get(pk=auction_pk)
        # R-BID-1 under the lock, as the function does: this auction's deal's registration,
        # qualified, with its deposit held (a deposit refunded meanwhile stops the bidder).
        if not Registration.objects.filter(
            pk=registration.pk,
            deal_id=auction.deal_id,
            state=Registration.State.QUALIFIED,
            deposit__state=Deposit.State.HELD,
        ).exists():
            raise NotQualified()
        now = timezone.now()  # after the lock: the server clock orders the bids (R-BID-3)
        if auction.state == Auction.State.CLOSED or now >= auction.close_at:
            raise AuctionClosed()
        if now < auction.start_at:
            raise AuctionNotOpen()
        check_grid(auction, amount_fen)
        if (
            conf.get("ALREADY_LEADING_REFUSED")
            and auction.leading_registration_id == registration.pk
        ):
            raise _with_next_min(AlreadyLeading(), auction)
        sequence = auction.bid_count + 1
        bid = Bid(
            auction=auction,
            registration=registration,
            amount_fen=amount_fen,
            placed_at=now,
            sequence=sequence,
            idempotency_key=key,
            placed_by=placed_by,
        )
        # The auction's own hash chain, under the lock already held: no global audit lock per
        # bid; the close anchors the head in the audit log (docs/bidding.md).
        bid.hash = audit.chain_hash(auction.bids_hash or audit.GENESIS, bid_chain_body(bid))
        bid.save(force_insert=True)
        auction.current_price_fen = amount_fen
        auction.leading_registration_id = registration.pk
        auction.bid_count = sequence
        auction.bids_hash = bid.hash
        if now + auction.extension_window > auction.close_at:  # R-BID-4
            auction.close_at = now + auction.extension_window
        auction.save(
            update_fields=[
                "current_price_fen",
                "leading_registration",
                "bid_count",
                "bids_hash",
                "close_at",
            ]
        )
    bid.auction = auction
    return bid


def bid_chain_body(bid) -> dict:
    """What a bid's hash covers: everything stored about it except its id and hash."""
    return {
        "auction": bid.auction_id,
        "sequence": bid.sequence,
        "registration": bid.registration_id,
        "placed_by": bid.placed_by_id,
        "amount_fen": bid.amount_fen,
        "placed_at": bid.placed_at.isoformat(timespec="microseconds"),
        "idempotency_key": bid.idempotency_key,
    }


def bid_chain_verify(auction) -> audit.ChainReport:
    """Re-compute the auction's bid chain; for a closed auction, compare it with the anchor.

    Finds a bid changed (its hash), removed or inserted (sequence and chain), bids cut off the
    end (the head on the auction row), and — once closed — a chain rewritten as a whole
    (the head recorded in the audit log's `auction.closed` event, itself in the global chain;
    a withdrawal closes without one, so such an auction's chain is checked only in itself).

    The auction row is read again, with the bids, in one snapshot: `auction` may be older than
    bids accepted since (verify_bids runs on a live exchange), which is not a cut-off chain.
    """
    if connection.in_atomic_block:  # the caller's transaction decides what it sees
        return _bid_chain_verify(Auction.objects.get(pk=auction.pk))
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite's read transaction is a snapshot
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _bid_chain_verify(Auction.objects.get(pk=auction.pk))


def _bid_chain_verify(auction) -> audit.ChainReport:
    prev, count = audit.GENESIS, 0
    for bid in Bid.objects.filter(auction_id=auction.pk).order_by("sequence").iterator():
        if bid.sequence != count + 1:
            return audit.ChainReport(False, count, bid.pk, "bid sequence numbers have a gap")
        if audit.chain_hash(prev, bid_chain_body(bid)) != bid.hash:
            return audit.ChainReport(False, count, bid.pk, "content does not match its hash")
        prev, count = bid.hash, count + 1
    head = prev if count else ""
    if auction.bids_hash != head or auction.bid_count != count:
        return audit.ChainReport(False, count, None, "bids are missing at the end of the chain")
    # The anchor is the close's audit event, whatever the auction row says (its state can be
    # edited as easily as its head). A withdrawn listing closes the auction without one.
    closed = audit.events_for(auction).filter(action="auction.closed").first()
    anchored = closed.payload.get("bids_hash") if closed else None
    if anchored is not None and anchored != head:
        return audit.ChainReport(
            False, count, None, "the bids differ from those anchored in the audit log"
        )
    return audit.ChainReport(True, count)


# ---------------------------------------------------------------- closing (R-BID-5..8)


def schedule_close(auction):
    """After commit, schedule the closing task for the close time (a real worker only).

    In eager mode (demo, unit tests) an `eta` would run at once, so nothing is queued: the
    beat sweep and the first read after the close time close the auction instead.
    """
    from ..tasks import close_auction_task

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    transaction.on_commit(
        partial(close_auction_task.apply_async, (auction.pk,), eta=auction.close_at)
    )


def auction_close(*, auction_id, closer="task", now=None) -> Auction | None:
    """Close the auction once (R-BID-8); None when it is not due yet. Uses the recorded close."""
    now = now or timezone.now()
    auction = Auction.objects.filter(pk=auction_id).only("deal_id", "state", "close_at").first()
    if auction is None or auction.state == Auction.State.CLOSED:
        return auction
    if now < auction.close_at:
        return None
    with transaction.atomic():
        deal = lock_deal(auction.deal_id)  # lock order everywhere: deal, then auction
        auction = Auction.objects.select_for_update().get(pk=auction_id)
        if auction.state == Auction.State.CLOSED:
            return auction  # another closer won
        if now < auction.close_at:
            return None  # a bid extended it meanwhile
        auction.closed_at = max(now, timezone.now())
        auction.closed_by = closer[:100]
        _decide(deal, auction)
        transition(
            auction,
            "close",
            action="auction.closed",
            payload={
                "close_at": auction.close_at,
                "closed_at": auction.closed_at,
                "closer": closer,
                "outcome": auction.outcome,
                "bids": auction.bid_count,
                "bids_hash": auction.bids_hash,  # anchors the auction's bid chain
                "price_fen": auction.current_price_fen,
            },
        )
        send_on_commit(signals.auction_closed, deal=deal, auction=auction)
    return auction


def _decide(deal, auction):
    """R-BID-5/6/7 and R-BID-9, at the recorded close time (never the time of closing)."""
    at = auction.close_at
    if auction.bid_count == 0:
        auction.outcome = Auction.Outcome.NO_BIDS
        deal_fail(deal, at=at, reason=Deal.FailureReason.NO_BIDS)
        return
    reserve = deal.listing.reserve_price_fen
    if reserve and auction.current_price_fen < reserve:
        auction.outcome = Auction.Outcome.RESERVE_NOT_MET
        deal_fail(deal, at=at, reason=Deal.FailureReason.RESERVE_NOT_MET)
        return
    auction.outcome = Auction.Outcome.AWARDED
    winner = Registration.objects.get(pk=auction.leading_registration_id)
    if not winner.is_collective_member and _member_bidders(deal).exists():
        # R-BID-9: members may match the winning price within 1 working day; award after.
        auction.priority_ends_at = workdays.period_end(
            timezone.localdate(at),
            conf.get("PRIORITY_WORKDAYS", county=deal.listing.county_id),
        )
        _refund_non_members(deal, winner)
        return
    deal_award(deal, winner=winner, price_fen=auction.current_price_fen, at=at)


def _member_bidders(deal):
    return deal.registrations.filter(state=Registration.State.QUALIFIED, is_collective_member=True)


def _refund_non_members(deal, winner):
    from .registrations import _deposit_release

    others = deal.registrations.exclude(pk=winner.pk).exclude(is_collective_member=True)
    for registration in others:
        _deposit_release(registration, at=timezone.now(), reason="R-DEAL-4 losing bidder")


def priority_claim(*, deal, user) -> Deal:
    """R-BID-9: a member of the transferor's collective matches the winning price and wins."""
    now = timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal)
        auction = Auction.objects.select_for_update().get(deal=deal)
        registration = _member_bidders(deal).filter(enterprise_id=user.enterprise_id).first()
        if registration is None:
            raise NotQualified(
                _("Only qualified members of the transferor's collective may match.")
            )
        if (
            deal.state != Deal.State.AUCTION
            or auction.priority_ends_at is None
            or now >= auction.priority_ends_at
            or auction.priority_claimed_by_id
        ):
            raise WrongState(_("The collective priority window is not open."))
        auction.priority_claimed_by = registration
        auction.priority_claimed_at = now
        auction.save(update_fields=["priority_claimed_by", "priority_claimed_at"])
        audit.record(
            action="auction.priority_claimed",
            obj=deal,
            actor=user,
            payload={"bidder_number": registration.bidder_number, "rule": "R-BID-9"},
        )
        deal_award(
            deal, winner=registration, price_fen=auction.current_price_fen, at=now, actor=user
        )
    return deal


def priority_windows_finish(*, now=None) -> int:
    """Beat job: where no member matched within the window, the auction's winner is awarded."""
    now = now or timezone.now()
    count = 0
    due = Auction.objects.filter(
        deal__state=Deal.State.AUCTION,
        state=Auction.State.CLOSED,
        priority_ends_at__lte=now,
        priority_claimed_by=None,
    )
    for auction in due:
        with transaction.atomic():
            deal = lock_deal(auction.deal_id)
            auction = Auction.objects.select_for_update().get(pk=auction.pk)
            if deal.state != Deal.State.AUCTION or auction.priority_claimed_by_id:
                continue
            winner = Registration.objects.get(pk=auction.leading_registration_id)
            deal_award(deal, winner=winner, price_fen=auction.current_price_fen, at=now)
            count += 1
    return count


def auctions_close_overdue(*, now=None, closer="sweep") -> int:
    """Beat sweep (R-BID-8): close every auction whose close time has passed."""
    now = now or timezone.now()
    count = 0
    for pk in Auction.objects.filter(state=Auction.State.SCHEDULED, close_at__lte=now).values_list(
        "pk", flat=True
    ):
        if auction_close(auction_id=pk, closer=closer, now=now) is not None:
            count += 1
    return count


def auction_reschedule(*, auction, start_at, actor) -> Auction:
    """Staff move a not-yet-started auction (start and scheduled close move together)."""
    with transaction.atomic():
        lock_deal(auction.deal_id)
        auction = Auction.objects.select_for_update().get(pk=auction.pk)
        if auction.state != Auction.State.SCHEDULED or auction.bid_count:
            raise WrongState(_("Only an auction without bids can be moved."))
        duration = auction.scheduled_close_at - auction.start_at
        auction.start_at = start_at
        auction.scheduled_close_at = auction.close_at = start_at + duration
        auction.save(update_fields=["start_at", "scheduled_close_at", "close_at"])
        audit.record(
            action="auction.rescheduled",
            obj=auction.deal,
            actor=actor,
            payload={"start_at": start_at, "close_at": auction.close_at},
        )
        schedule_close(auction)
        notify.tell_auction(auction, "auction.scheduled")
    return auction
