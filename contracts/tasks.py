"""Celery tasks: each loads by id and calls one service; all may run twice safely."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import Auction


@shared_task(acks_late=True)
def close_auction_task(auction_id):
    """Scheduled for the close time (R-BID-8); re-queues itself if a bid extended the close."""
    auction = services.auction_close(auction_id=auction_id, closer="task")
    if auction is None and not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        close_at = Auction.objects.values_list("close_at", flat=True).get(pk=auction_id)
        close_auction_task.apply_async((auction_id,), eta=max(close_at, timezone.now()))


@shared_task
def sweep_auctions_task():
    """Beat: close overdue auctions (a worker was down) and finish R-BID-9 priority windows."""
    services.auctions_close_overdue(closer="sweep")
    services.priority_windows_finish()


@shared_task
def select_modes_task():
    """Beat: R-MODE-1 for every deal whose announcement period has ended; lapse offers."""
    services.deals_select_mode_due()
    services.negotiations_lapse_due()


@shared_task(acks_late=True)
def refund_deposit_task(deposit_id, reason):
    services.deposit_refund_now(deposit_id=deposit_id, reason=reason)


@shared_task(name="contracts.auctions_starting_soon")
def auctions_starting_soon_task():
    """Beat: tell the bidders of auctions that start within the hour (once per start time)."""
    from .notify import auctions_starting_soon_tell

    auctions_starting_soon_tell()
