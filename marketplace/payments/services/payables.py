"""Collecting a payable: create it (idempotent), attach a PaymentIntent, settle it from events."""

import logging
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace import audit
from marketplace.fsm import transition
from marketplace.io_guard import in_transaction

from .. import gateway as gateways
from .. import ledger
from ..errors import InvalidAmount, OfflineOnly, PaymentDeclined
from ..models import Payable, WebhookEvent
from ..signals import payable_paid
from ..tasks import attach_intent_task, cancel_intent_task

log = logging.getLogger(__name__)
Outcome = WebhookEvent.Outcome


def _check_fen(amount_fen):
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidAmount()


def payable_create(
    *, kind, amount_fen, payer, subject, description, idempotency_key, actor=None, metadata=None
) -> Payable:
    """Create (or return, for a known key) a payable and its PaymentIntent at the gateway.

    Called inside a caller's transaction (a registration, a signature), the payable row commits
    with it and the gateway is asked after commit, by the task `payments.attach_intent` keyed by
    the payable's id (idempotent at the gateway by our key; reconciliation attaches a missing
    intent if the task is lost). Called outside one, the intent is asked for at once.
    """
    _check_fen(amount_fen)
    payable = Payable.objects.filter(idempotency_key=idempotency_key).first()
    if payable is None:
        try:
            with transaction.atomic():
                payable = Payable.objects.create(
                    kind=Payable.Kind(kind),
                    amount_fen=amount_fen,
                    payer=payer,
                    content_type=ContentType.objects.get_for_model(subject) if subject else None,
                    object_id=str(subject.pk) if subject else "",
                    description=str(description)[:200],
                    idempotency_key=idempotency_key,
                    metadata=metadata or {},
                )
                audit.record(
                    action="payments.payable_created",
                    obj=payable,
                    actor=actor,
                    payload={"kind": kind, "amount_fen": amount_fen, "key": idempotency_key},
                )
                # The account that will hold its money, opened with it: the payment's webhook
                # then reads its accounts in one query instead of creating one under its locks.
                ledger.account(payable.held_account_key)
        except IntegrityError:  # the same key created concurrently
            payable = Payable.objects.get(idempotency_key=idempotency_key)
    if in_transaction():
        _after_commit(attach_intent_task, payable.pk)
        return payable
    return payable_ensure_intent(payable=payable)


def _after_commit(task, pk):
    transaction.on_commit(partial(task.delay, pk))


def payable_ensure_intent(*, payable) -> Payable:
    """Give a pending payable its PaymentIntent (idempotent at the gateway by our key).

    Runs after our row is committed. If the gateway is unreachable the payable stays without an
    intent and the reconciliation job (or the next checkout visit) repairs it.
    """
    if payable.payment_intent_id or payable.state not in (Payable.State.PENDING,):
        return payable
    metadata = {
        "payable_id": payable.pk,
        "kind": payable.kind,
        "subject_type": payable.content_type.model if payable.content_type_id else "",
        "subject_id": payable.object_id,
    }
    try:
        intent = gateways.get_gateway().create_intent(
            amount_fen=payable.amount_fen,
            currency=payable.currency,
            idempotency_key=payable.idempotency_key,
            metadata=metadata,
            description=payable.description,
        )
    except gateways.GatewayError:
        log.warning("payable %s: gateway refused the intent; reconciliation retries", payable.pk)
        return payable
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=payable.pk)
        if not payable.payment_intent_id:
            payable.payment_intent_id = intent.id
            payable.save(update_fields=["payment_intent_id"])
            audit.record(
                action="payments.intent_attached", obj=payable, payload={"intent": intent.id}
            )
    return payable


def _lock_payable(intent):
    """The payable an intent pays, locked (one query when the intent id is known)."""
    locked = Payable.objects.select_for_update().order_by("pk")
    payable = locked.filter(payment_intent_id=intent.id).first()
    if payable is None and str(intent.metadata.get("payable_id", "")).isdigit():
        # We crashed after the gateway created the intent but before we saved its id.
        payable = locked.filter(pk=int(intent.metadata["payable_id"]), payment_intent_id="").first()
    return payable


def _flag(payable, reason, payload):
    payable.attention = reason[:200]
    payable.save(update_fields=["attention"])
    audit.record(action="payments.payable_flagged", obj=payable, payload=payload)
    return Outcome.FLAGGED, reason


def payable_settle_intent(*, intent, actor=None):
    """Apply a succeeded intent to its payable once: mark paid, post the ledger, send the signal.

    Returns (outcome, note). A payable already paid is a duplicate; an amount or currency that
    does not match, or money for a cancelled payable, is flagged for staff and not applied.
    Inside the webhook's transaction no savepoint is taken (an error rolls the event back too).
    """
    with transaction.atomic(savepoint=False):
        payable = _lock_payable(intent)
        if payable is None:
            return Outcome.UNKNOWN_OBJECT, f"no payable for {intent.id}"
        if payable.payment_intent_id and payable.payment_intent_id != intent.id:
            return _flag(
                payable,
                ledger.memo(_("Money received on another payment %(intent)s."), intent=intent.id),
                {"intent": intent.id},
            )
        if payable.state in (
            Payable.State.PAID,
            Payable.State.REFUNDED,
            Payable.State.PARTIALLY_REFUNDED,
        ):
            return Outcome.DUPLICATE, "already paid"
        if intent.status != "succeeded":
            return Outcome.IGNORED, f"intent is {intent.status}"
        if intent.currency != payable.currency or intent.amount_received_fen != payable.amount_fen:
            return _flag(
                payable,
                ledger.memo(
                    _(
                        "Amount mismatch: received %(received)s fen (%(currency)s), expected %(expected)s fen."
                    ),
                    received=intent.amount_received_fen,
                    currency=intent.currency,
                    expected=payable.amount_fen,
                ),
                {"intent": intent.id, "received_fen": intent.amount_received_fen},
            )
        if payable.state == Payable.State.CANCELLED:
            return _flag(
                payable,
                ledger.memo(_("Money received for a cancelled payable; refund it.")),
                {"intent": intent.id},
            )
        payable.payment_intent_id = intent.id
        transition(
            payable,
            "mark_paid",
            actor=actor,
            action="payments.payable_paid",
            payload={"intent": intent.id, "amount_fen": payable.amount_fen},
            fields=["paid_at", "last_error_code", "payment_intent_id"],
            at=timezone.now(),
        )
        ledger.post(
            memo=ledger.memo(
                _("%(kind)s received: %(description)s"),
                kind=payable.get_kind_display(),
                description=payable.description,
            ),
            subject=payable,
            lines=[
                (ledger.CLEARING, payable.amount_fen, 0),
                (payable.held_account_key, 0, payable.amount_fen),
            ],
            actor=actor,
        )
        payable_paid.send(sender=Payable, payable=payable)
    return Outcome.APPLIED, "paid"


def payable_record_failure(*, intent):
    """A failed attempt: the payable stays payable (a retry may still succeed, out of order)."""
    with transaction.atomic(savepoint=False):
        payable = _lock_payable(intent)
        if payable is None:
            return Outcome.UNKNOWN_OBJECT, f"no payable for {intent.id}"
        if payable.state not in (Payable.State.PENDING, Payable.State.FAILED):
            return Outcome.IGNORED, f"payable already {payable.state}"
        payable.payment_intent_id = payable.payment_intent_id or intent.id
        code = intent.last_error_code or "payment_failed"
        transition(
            payable,
            "mark_failed",
            action="payments.payable_failed",
            payload={"intent": intent.id, "code": code},
            fields=["last_error_code", "payment_intent_id"],
            code=code,
        )
    return Outcome.APPLIED, "failed"


def payable_cancel(*, payable, actor=None) -> Payable:
    """Stop collecting an unpaid payable; the intent is cancelled at the gateway after commit."""
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=payable.pk)
        if payable.state == Payable.State.CANCELLED:
            return payable
        transition(payable, "mark_cancelled", actor=actor, action="payments.payable_cancelled")
        intent_id = payable.payment_intent_id
    if intent_id and in_transaction():
        _after_commit(cancel_intent_task, payable.pk)
    elif intent_id:
        try:
            gateways.get_gateway().cancel_intent(intent_id)
        except gateways.GatewayError:
            # Already succeeded at the gateway: its webhook will flag it for staff to refund.
            log.warning("payable %s: intent %s could not be cancelled", payable.pk, intent_id)
    return payable


def checkout_demo_pay(*, payable, payment_method="pm_card_visa") -> Payable:
    """Offline demo: complete the fake intent and deliver a genuinely signed webhook to ourselves."""
    from .. import webhooks

    if not gateways.get_gateway().offline:
        raise OfflineOnly()
    payable = payable_ensure_intent(payable=payable)
    gateway = gateways.get_gateway()
    try:
        intent = gateway.complete_intent(payable.payment_intent_id, payment_method=payment_method)
    except gateways.GatewayError as exc:
        intent = gateway.retrieve_intent(payable.payment_intent_id)
        webhooks.deliver_to_self("payment_intent.payment_failed", intent.raw)
        raise PaymentDeclined() from exc
    webhooks.deliver_to_self("payment_intent.succeeded", intent.raw)
    return Payable.objects.get(pk=payable.pk)


def held_balance(payable) -> int:
    return ledger.balance(payable.held_account_key)
