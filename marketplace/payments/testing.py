"""Helpers for tests and the demo seed (any app may use them): signed webhooks, paid payables."""

from . import webhooks
from .gateway import get_gateway
from .models import Payable


def signed_webhook(event_type, obj, *, timestamp=None, secret=None) -> tuple[bytes, str]:
    """(payload bytes, Stripe-Signature header) for an event wrapping `obj` (a dict)."""
    payload = webhooks.build_event(event_type, obj)
    return payload, webhooks.sign_payload(payload, secret=secret, timestamp=timestamp)


def simulate_payment_succeeded(payable) -> Payable:
    """Complete the fake intent and deliver a signed `payment_intent.succeeded` through the handler."""
    from .services import payable_ensure_intent

    payable = payable_ensure_intent(payable=Payable.objects.get(pk=payable.pk))
    if payable.state not in (Payable.State.PENDING, Payable.State.FAILED):
        return payable  # already settled: calling twice (a re-run seed) changes nothing
    gateway = get_gateway()
    intent = gateway.retrieve_intent(payable.payment_intent_id)
    if intent.status != "succeeded":
        intent = gateway.complete_intent(payable.payment_intent_id)
    status, outcome = webhooks.deliver_to_self("payment_intent.succeeded", intent.raw)
    if status != 200:
        raise AssertionError(f"webhook refused: {status} {outcome}")
    return Payable.objects.get(pk=payable.pk)
