"""Feeds the operators' metrics (marketplace/metrics.py) from the deal's signals."""

from django.dispatch import receiver

from marketplace.metrics import AUCTION_CLOSE_DELAY

from . import signals


@receiver(signals.auction_closed, dispatch_uid="metrics-auction-close-delay")
def observe_close_delay(sender=None, auction=None, **_):
    """R-BID-8: how long after its close time the auction was closed."""
    if auction is not None and auction.closed_at and auction.close_at:
        AUCTION_CLOSE_DELAY.observe(max((auction.closed_at - auction.close_at).total_seconds(), 0))
