"""Daily reconciliation with the gateway: repair what a crash or a lost webhook left behind."""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .. import gateway as gateways
from ..models import Payable, ReconciliationRun, Refund
from .payables import payable_ensure_intent, payable_record_failure, payable_settle_intent
from .refunds import refund_settle, refund_submit

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=24)


def reconcile_payments(*, now=None) -> ReconciliationRun:
    """Attach missing intents, settle intents pending for 24 h, resubmit or settle refunds."""
    now = now or timezone.now()
    run = ReconciliationRun.objects.create(started_at=now)
    notes, checked, repaired = [], 0, 0
    gateway = gateways.get_gateway()

    def note(kind, obj, text):
        notes.append({"kind": kind, "id": obj.pk, "note": text})

    for payable in Payable.objects.filter(state=Payable.State.PENDING, payment_intent_id=""):
        checked += 1
        if payable_ensure_intent(payable=payable).payment_intent_id:
            repaired += 1
            note("payable", payable, "intent attached")
    stale = Payable.objects.filter(
        Q(state=Payable.State.PENDING) | Q(state=Payable.State.FAILED),
        created_at__lte=now - STALE_AFTER,
    ).exclude(payment_intent_id="")
    for payable in stale:
        checked += 1
        try:
            intent = gateway.retrieve_intent(payable.payment_intent_id)
        except gateways.GatewayError as exc:
            note("payable", payable, f"gateway error {exc.code}")
            continue
        if intent.status == "succeeded":
            outcome, text = payable_settle_intent(intent=intent)
        elif intent.last_error_code and payable.state == Payable.State.PENDING:
            outcome, text = payable_record_failure(intent=intent)
        else:
            continue
        repaired += outcome == "applied"
        note("payable", payable, f"{outcome}: {text}")
    for refund in Refund.objects.filter(state=Refund.State.PENDING).select_related("payable"):
        checked += 1
        if not refund.refund_id:
            refund = refund_submit(refund=refund)
            repaired += 1
            note("refund", refund, f"resubmitted: {refund.state}")
            continue
        try:
            outcome, text = refund_settle(gateway_refund=gateway.retrieve_refund(refund.refund_id))
        except gateways.GatewayError as exc:
            note("refund", refund, f"gateway error {exc.code}")
            continue
        if outcome == "applied":
            repaired += 1
            note("refund", refund, text)
    run.checked, run.repaired, run.notes = checked, repaired, notes
    run.finished_at = timezone.now()
    run.save()
    return run
