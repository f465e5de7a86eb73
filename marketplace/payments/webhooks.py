"""Gateway webhooks: verify the `Stripe-Signature` (stripe-python's check), store once, dispatch.

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
from django.db import transaction
from django.db.models.constants import OnConflict

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
    # The signature check of `stripe.Webhook.construct_event`, without building (and then
    # flattening again) a StripeObject tree: the handlers read plain dicts.
    try:
        stripe.WebhookSignature.verify_header(
            payload, sig_header, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
        data = json.loads(payload)
    except stripe.SignatureVerificationError:
        return 400, "bad signature"
    except ValueError:  # malformed JSON or not UTF-8 (after a valid signature)
        return 400, "malformed payload"
    if not isinstance(data, dict):
        return 400, "not an event"
    obj = (data.get("data") or {}).get("object")
    if not data.get("id") or not data.get("type") or not isinstance(obj, dict):
        return 400, "not an event"
    if bool(data.get("livemode")) != key_is_live():
        # A test-mode event never moves a live installation's money, nor the reverse.
        return 400, "livemode does not match the key's mode"
    return 200, process_event(data)


def _store_once(data: dict) -> WebhookEvent | None:
    """Insert the event row, or None when its id is already stored: one
    `INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING id`, no read first and no savepoint.
    A concurrent delivery of the same id waits on the unique index until the first commits (then
    finds it) or rolls back (then inserts it)."""
    obj = data["data"]["object"]
    event = WebhookEvent(
        event_id=data["id"],
        type=data["type"],
        object_id=str(obj.get("id", ""))[:100],
        payload=data,
        outcome=Outcome.IGNORED,
    )
    fields = [f for f in WebhookEvent._meta.concrete_fields if not f.primary_key]
    returned = WebhookEvent._base_manager._insert(
        [event],
        fields=fields,
        returning_fields=[WebhookEvent._meta.pk],
        on_conflict=OnConflict.IGNORE,
    )
    if not returned or returned[0] is None:  # PostgreSQL and SQLite (3.35+) return no row
        return None
    event.pk = returned[0][0]
    event._state.adding = False
    return event


def process_event(data: dict) -> str:
    obj = data["data"]["object"]
    with transaction.atomic():
        event = _store_once(data)
        if event is None:
            return "replay"
        handler = HANDLERS.get(data["type"])
        if handler is None:
            outcome, note = Outcome.IGNORED, "event type not handled"
        else:
            outcome, note = handler(obj)
        WebhookEvent.objects.filter(pk=event.pk).update(outcome=outcome, note=note[:300])
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
