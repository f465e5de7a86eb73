"""Refunds: requested once per payable and amount, sent to the gateway, settled by its answer."""

import logging
from functools import partial

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace import audit
from marketplace.fsm import transition
from marketplace.io_guard import in_transaction

from .. import gateway as gateways
from .. import ledger
from ..errors import NotRefundable, RefundTooLarge
from ..guards import refund_refusal
from ..models import Payable, Refund, WebhookEvent
from ..signals import payable_refunded
from ..tasks import settle_refunds_task, submit_refund_task

log = logging.getLogger(__name__)
Outcome = WebhookEvent.Outcome
ACTIVE = (Refund.State.PENDING, Refund.State.SUCCEEDED)


def refundable_fen(payable) -> int:
    """What is still held for the payable and not already being refunded."""
    pending = payable.refunds.filter(state=Refund.State.PENDING).aggregate(s=Sum("amount_fen"))
    return ledger.balance(payable.held_account_key) - (pending["s"] or 0)


def refund_create(*, payable, amount_fen=None, reason, actor=None) -> Refund:
    """Refund a paid payable in full (amount None) or in part; a repeated request refunds once.

    Inside a caller's transaction the refund row commits with it and is sent to the gateway
    after commit by the task `payments.submit_refund` (keyed by its id; reconciliation resubmits
    a pending refund the task missed)."""
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=payable.pk)
        refunds = payable.refunds.filter(state__in=ACTIVE).order_by("-id")
        available = refundable_fen(payable)
        if amount_fen is None:
            if available <= 0 and refunds.exists():
                return refunds.first()  # the full refund was already requested
            amount_fen = available
        elif isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
            raise RefundTooLarge()
        else:
            existing = refunds.filter(amount_fen=amount_fen).first()
            if existing:
                return existing
        if payable.state not in (Payable.State.PAID, Payable.State.PARTIALLY_REFUNDED):
            raise NotRefundable()
        refusal = refund_refusal(payable)  # e.g. a held deposit: only its own flow releases it
        if refusal:
            raise NotRefundable(refusal)
        if available <= 0:
            raise NotRefundable()
        if amount_fen > available:
            raise RefundTooLarge()
        refund = Refund.objects.create(
            payable=payable,
            amount_fen=amount_fen,
            reason=str(reason)[:200],
            requested_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit.record(
            action="payments.refund_requested",
            obj=refund,
            actor=actor,
            payload={"payable": payable.pk, "amount_fen": amount_fen, "reason": str(reason)},
        )
    if in_transaction():
        transaction.on_commit(partial(submit_refund_task.delay, refund.pk))
        return refund
    return refund_submit(refund=refund)


def refund_submit(*, refund) -> Refund:
    """Send a pending refund to the gateway (idempotent by `refund-<id>`) and apply its answer."""
    payable = refund.payable
    try:
        answer = gateways.get_gateway().create_refund(
            intent_id=payable.payment_intent_id,
            amount_fen=refund.amount_fen,
            idempotency_key=refund.idempotency_key,
            metadata={"refund_id": refund.pk, "payable_id": payable.pk},
        )
    except gateways.GatewayError as exc:
        if exc.http_status and 400 <= exc.http_status < 500 and exc.http_status != 429:
            _fail(refund.pk, exc.code)
        else:
            log.warning("refund %s: gateway unreachable; reconciliation retries", refund.pk)
        return Refund.objects.get(pk=refund.pk)
    refund_settle(gateway_refund=answer)
    return Refund.objects.get(pk=refund.pk)


def _fail(refund_pk, reason):
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_pk)
        if refund.state == Refund.State.PENDING:
            reason = reason or "failed"
            transition(refund, "mark_failed", action="payments.refund_failed",
                       payload={"reason": str(reason)}, reason=reason, at=timezone.now())  # fmt: skip


def _find_refund(gateway_refund):
    refund = Refund.objects.filter(refund_id=gateway_refund.id).first()
    meta = gateway_refund.raw.get("metadata") or {}
    if refund is None and str(meta.get("refund_id", "")).isdigit():
        refund = Refund.objects.filter(pk=int(meta["refund_id"]), refund_id="").first()
    return refund


def refund_settle(*, gateway_refund):
    """Apply the gateway's refund status once (locks payable, then refund). -> (outcome, note)"""
    found = _find_refund(gateway_refund)
    if found is None:
        return Outcome.UNKNOWN_OBJECT, f"no refund for {gateway_refund.id}"
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=found.payable_id)
        refund = Refund.objects.select_for_update().get(pk=found.pk)
        if not refund.refund_id:
            refund.refund_id = gateway_refund.id
            refund.save(update_fields=["refund_id"])
        if refund.state != Refund.State.PENDING:
            return Outcome.DUPLICATE, f"refund already {refund.state}"
        if gateway_refund.amount_fen != refund.amount_fen:
            reason = ledger.memo(
                _("Refund %(id)s: the gateway refunded %(got)s fen, we asked %(asked)s fen."),
                id=gateway_refund.id,
                got=gateway_refund.amount_fen,
                asked=refund.amount_fen,
            )
            payable.attention = reason[:200]
            payable.save(update_fields=["attention"])
            audit.record(action="payments.refund_flagged", obj=refund, payload=gateway_refund.raw)
            return Outcome.FLAGGED, reason
        if gateway_refund.status in ("failed", "canceled"):
            reason = gateway_refund.failure_reason or "failed"
            transition(refund, "mark_failed", action="payments.refund_failed",
                       payload={"reason": reason}, reason=reason, at=timezone.now())  # fmt: skip
            return Outcome.APPLIED, "refund failed"
        if gateway_refund.status != "succeeded":
            return Outcome.IGNORED, f"refund is {gateway_refund.status}"
        _apply_succeeded(payable, refund)
    return Outcome.APPLIED, "refunded"


def _apply_succeeded(payable, refund):
    transition(refund, "mark_succeeded", action="payments.refund_succeeded",
               payload={"payable": payable.pk, "amount_fen": refund.amount_fen},
               at=timezone.now())  # fmt: skip
    whole = payable.refunded_fen + refund.amount_fen >= payable.amount_fen
    transition(payable, "mark_refunded" if whole else "mark_partially_refunded",
               action="payments.payable_refunded", fields=["refunded_fen"],
               payload={"refund": refund.pk, "amount_fen": refund.amount_fen},
               amount_fen=refund.amount_fen)  # fmt: skip
    ledger.post(
        memo=ledger.memo(_("Refund: %(reason)s"), reason=refund.reason),
        subject=payable,
        lines=[
            (payable.held_account_key, refund.amount_fen, 0),
            (ledger.CLEARING, 0, refund.amount_fen),
        ],
        actor=refund.requested_by,
    )
    payable_refunded.send(sender=Payable, payable=payable, refund=refund)


def refunds_settle_for_intent(*, intent_id):
    """`charge.refunded`: ask the gateway about each pending refund of that intent's payable.

    The webhook handler runs inside the event's transaction: the gateway is then asked after
    commit, by the task `payments.settle_refunds` (refund_settle applies each answer once)."""
    payable = Payable.objects.filter(payment_intent_id=intent_id).first()
    if payable is None:
        return Outcome.UNKNOWN_OBJECT, f"no payable for {intent_id}"
    pending = payable.refunds.filter(state=Refund.State.PENDING).exclude(refund_id="")
    if not pending.exists():
        return Outcome.DUPLICATE, "nothing pending"
    if in_transaction():
        transaction.on_commit(partial(settle_refunds_task.delay, intent_id))
        return Outcome.APPLIED, "refunds asked of the gateway after commit"
    outcomes = []
    gateway = gateways.get_gateway()
    for refund in payable.refunds.filter(state=Refund.State.PENDING).exclude(refund_id=""):
        outcomes.append(refund_settle(gateway_refund=gateway.retrieve_refund(refund.refund_id))[0])
    if Outcome.APPLIED in outcomes:
        return Outcome.APPLIED, "refunds settled"
    return Outcome.DUPLICATE, "nothing pending"
