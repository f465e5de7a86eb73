"""R-FAIL-2: a relocated household's failed listing becomes a storage offer.

The deals engine records `Deal.storage_offered_at` in its failure transaction and sends
`deal_failed` after commit; the offer is made then, in its own transaction.
"""

from django.dispatch import receiver

from contracts.signals import deal_failed


@receiver(deal_failed, dispatch_uid="storage.offer_after_failure")
def offer_after_failure(sender=None, deal=None, **kwargs):
    if deal is None or deal.storage_offered_at is None:
        return
    from .tasks import storage_offer_for_failed_deal_task

    storage_offer_for_failed_deal_task.delay(deal.pk)


def _settlement_saved(sender, instance, **kwargs):
    """R-STORE-6/7: the first payment of a block's deal is rent received for the block."""
    if instance.state != "settled":
        return
    from .block_listings import block_rent_from_deal

    deal = instance.deal
    block_rent_from_deal(
        deal=deal,
        amount_fen=instance.due_now_fen,
        sequence=1,
        everything=deal.price_unit == "total" or deal.annual_rent_fen is None,
    )


def _rent_instalment_saved(sender, instance, **kwargs):
    """R-STORE-6/7: a later rent instalment of a block's deal, once paid."""
    if instance.state != "paid":
        return
    from .block_listings import block_rent_from_deal

    block_rent_from_deal(
        deal=instance.deal, amount_fen=instance.amount_fen, sequence=instance.sequence
    )


def connect():
    from django.db.models.signals import post_save

    from contracts.documents.models import RentInstalment, Settlement
    from listings import checks

    from . import block_listings

    post_save.connect(_settlement_saved, sender=Settlement, dispatch_uid="storage.block_rent_1")
    post_save.connect(
        _rent_instalment_saved, sender=RentInstalment, dispatch_uid="storage.block_rent_n"
    )
    checks.register_encumbrance_excuse(block_listings.excused_leases)
    checks.register_floor_total(block_listings.fixed_floor_total)
