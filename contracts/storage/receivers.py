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
