"""Celery tasks: load, call one service. Each is keyed by an id and safe to run twice."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="payments.reconcile_payments")
def reconcile_payments_task():
    from .services import reconcile_payments

    run = reconcile_payments()
    return {"checked": run.checked, "repaired": run.repaired}


@shared_task(acks_late=True, name="payments.attach_intent")
def attach_intent_task(payable_id):
    """After the commit that created a payable: its PaymentIntent at the gateway."""
    from .models import Payable
    from .services import payable_ensure_intent

    payable = Payable.objects.filter(pk=payable_id).first()
    if payable is not None:
        payable_ensure_intent(payable=payable)


@shared_task(acks_late=True, name="payments.cancel_intent")
def cancel_intent_task(payable_id):
    """After the commit that cancelled a payable: cancel its intent at the gateway."""
    from . import gateway as gateways
    from .models import Payable

    payable = Payable.objects.filter(pk=payable_id, state=Payable.State.CANCELLED).first()
    if payable is None or not payable.payment_intent_id:
        return
    try:
        gateways.get_gateway().cancel_intent(payable.payment_intent_id)
    except gateways.GatewayError:
        # Already succeeded at the gateway: its webhook will flag it for staff to refund.
        log.warning(
            "payable %s: intent %s could not be cancelled", payable.pk, payable.payment_intent_id
        )


@shared_task(acks_late=True, name="payments.submit_refund")
def submit_refund_task(refund_id):
    """After the commit that requested a refund: send it to the gateway (idempotent by key)."""
    from .models import Refund
    from .services.refunds import refund_submit

    refund = Refund.objects.filter(pk=refund_id, state=Refund.State.PENDING).first()
    if refund is not None:
        refund_submit(refund=refund)


@shared_task(acks_late=True, name="payments.settle_refunds")
def settle_refunds_task(intent_id):
    """After a `charge.refunded` event committed: ask the gateway about its pending refunds."""
    from .services.refunds import refunds_settle_for_intent

    refunds_settle_for_intent(intent_id=intent_id)
