"""Signal receivers: the deal's award (generate the contract) and payments' receipts."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from contracts.signals import deal_awarded
from marketplace.payments.signals import payable_paid

from . import services


@receiver(deal_awarded, dispatch_uid="contract_documents.generate_contract")
def _generate_contract(sender, deal, **kwargs):
    from .tasks import generate_contract_task

    transaction.on_commit(partial(generate_contract_task.delay, deal.pk))


@receiver(payable_paid, dispatch_uid="contract_documents.payment_received")
def _payment_received(sender, payable, **kwargs):
    if payable.kind == "deal_payment":
        services.deal_payment_received(payable=payable)
    elif payable.kind == "rent_instalment":
        services.rent_instalment_paid(payable=payable)
