"""Signal receivers: listings' lifecycle and payments' deposit receipt (connected in apps.ready)."""

from django.dispatch import receiver

from listings.signals import listing_published, listing_withdrawn
from marketplace.payments.guards import register_refund_guard
from marketplace.payments.signals import payable_paid

from . import services


@receiver(listing_published, dispatch_uid="contracts.deal_open")
def _open_deal(sender, listing, **kwargs):
    services.deal_for_listing(listing)


@receiver(listing_withdrawn, dispatch_uid="contracts.deal_withdraw")
def _withdraw_deal(sender, listing, **kwargs):
    services.deal_withdraw(listing=listing)


@receiver(payable_paid, dispatch_uid="contracts.deposit_received")
def _deposit_received(sender, payable, **kwargs):
    if payable.kind == "deposit":
        services.deposit_received(payable=payable)


# A held deposit's payable is refunded only through the deal's deposit flow (issue 14).
register_refund_guard(services.registrations.deposit_refund_refusal)
