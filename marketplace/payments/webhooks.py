"""Gateway webhooks: verify with `stripe.Webhook.construct_event`, store once, dispatch.

The event row and the change it causes commit in one transaction: a replay (same event id) finds
the row and changes nothing; a failure rolls both back and the gateway retries.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from . import services
from .checks import key_is_live
from .gateway.stripe_gateway import intent_from_json, refund_from_json
from .models import WebhookEvent

log = logging.getLogger(__name__)
Outcome = WebhookEvent.Outcome


def _intent_succeeded(obj):
    return services.payable_settle_intent(intent=intent_from_json(obj))


def _intent_failed(obj):
    return services.payable_record_failure(intent=intent_from_json(obj))


def _charge_refunded(obj):
    return services.refunds_settle_for_intent(intent_id=obj.get("payment_intent") or "")


def _refund_updated(obj):
    return services.refund_settle(gateway_refund=refund_from_json(obj))


HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "charge.refunded": _charge_refunded,
    "refund.updated": _refund_updated,
    "refund.failed": _refund_updated,
}


def handle_payload(payload: bytes, sig_header: str | None) -> tuple[int, str]:
    """Verify and process one delivery. Returns (http status, short reason)."""
    try:
        event = stripe.Webhook.construct_event(payload, sig_header, settings.STRIPE_WEBHOOK_SECRET)
    except stripe.SignatureVerificationError:
        return 400, "bad signature"
    except ValueError:  # malformed JSON or not UTF-8 (after a valid signature)
        return 400, "malformed payload"
    data = event.to_dict()
    obj = (data.get("data") or {}).get("object")
    if not data.get("id") or not data.get("type") or not isinstance(obj, dict):
        return 400, "not an event"
    if bool(data.get("livemode")) != key_is_live():
        # A test-mode event never moves a live installation's money, nor the reverse.
        return 400, "livemode does not match the key's mode"
    return 200, process_event(data)


def process_event(data: dict) -> str:
    obj = data["data"]["object"]
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = WebhookEvent.objects.create(
                    event_id=data["id"],
                    type=data["type"],
                    object_id=str(obj.get("id", ""))[:100],
                    payload=data,
                    outcome=Outcome.IGNORED,
                )
        except IntegrityError:
            return "replay"
        handler = HANDLERS.get(data["type"])
        if handler is None:
            outcome, note = Outcome.IGNORED, "event type not handled"
        else:
            outcome, note = handler(obj)
        event.outcome, event.note = outcome, note[:300]
        event.save(update_fields=["outcome", "note"])
    log.info("webhook %s %s: %s %s", data["id"], data["type"], outcome, note)
    return str(outcome)


def sign_payload(payload: bytes, *, secret=None, timestamp=None) -> str:
    """A `Stripe-Signature` header for `payload`, as Stripe computes it (v1 = HMAC-SHA256)."""
    secret = secret or settings.STRIPE_WEBHOOK_SECRET
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    signed = f"{timestamp}.".encode() + payload
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def build_event(event_type: str, obj: dict) -> bytes:
    """A Stripe-shaped event around `obj`, serialised as the gateway would send it."""
    event = {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }
    return json.dumps(event).encode()


def deliver_to_self(event_type: str, obj: dict) -> tuple[int, str]:
    """Offline mode: sign an event and run it through the same verification as the endpoint."""
    payload = build_event(event_type, obj)
    return handle_payload(payload, sign_payload(payload))
