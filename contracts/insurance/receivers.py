"""Where deals complete: a completed deal over an insured forest right changes the insured holder
from the completion date (R-INS-5)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from contracts.models import Deal


@receiver(post_save, sender=Deal, dispatch_uid="insurance_holder_on_deal_complete")
def holder_on_deal_complete(sender, instance, **kwargs):
    if instance.state == Deal.State.COMPLETE and instance.completed_at:
        from .services import policy_holders_transfer

        policy_holders_transfer(deal=instance)
