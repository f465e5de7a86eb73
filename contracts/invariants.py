"""The auction invariants of issue 6, checked by the load tests and by bench/bidding.py."""

from marketplace.audit import events_for

from .models import Auction, Bid
from .services.bidding import bid_chain_verify


def auction_invariant_violations(auction_id, *, accepted_ids=None) -> list[str]:
    """Every way the stored auction breaks R-BID-2/3/5 (empty when it is consistent).

    accepted_ids: the bid ids the clients were told were accepted (nothing lost or doubled).
    """
    auction = Auction.objects.get(pk=auction_id)
    bids = list(Bid.objects.filter(auction=auction).order_by("sequence"))
    problems = []
    if accepted_ids is not None and sorted(accepted_ids) != sorted(b.pk for b in bids):
        problems.append(
            f"accepted bids reported ({len(accepted_ids)}) differ from stored bids ({len(bids)})"
        )
    if [b.sequence for b in bids] != list(range(1, len(bids) + 1)):
        problems.append("bid sequence numbers are not 1..n")
    previous = None
    for b in bids:
        if (b.amount_fen - auction.start_price_fen) % auction.increment_fen:
            problems.append(f"bid {b.pk} is off the increment grid")
        if previous is None and b.amount_fen < auction.start_price_fen:
            problems.append(f"first bid {b.pk} is below the start price")
        if previous is not None:
            if b.amount_fen < previous.amount_fen + auction.increment_fen:
                problems.append(f"bid {b.pk} is less than the previous bid + the increment")
            if b.placed_at <= previous.placed_at:
                problems.append(f"bid {b.pk} is not later than the previous bid")
        if b.placed_at >= auction.close_at or b.placed_at < auction.start_at:
            problems.append(f"bid {b.pk} is outside the auction's open time")
        previous = b
    if auction.bid_count != len(bids):
        problems.append("bid_count differs from the stored bids")
    if bids and auction.current_price_fen != bids[-1].amount_fen:
        problems.append("the current price is not the last accepted bid")
    if bids and auction.leading_registration_id != bids[-1].registration_id:
        problems.append("the leader is not the last accepted bidder")
    chain = bid_chain_verify(auction)
    if not chain.ok:
        problems.append(f"the bids' hash chain does not verify: {chain.reason}")
    if events_for(auction).filter(action="auction.closed").count() > 1:
        problems.append("the auction was closed more than once")
    return problems
