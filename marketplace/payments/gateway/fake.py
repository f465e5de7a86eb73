"""Offline Stripe: an HTTP client for `StripeClient(http_client=...)` that answers like Stripe.

It keeps PaymentIntents, Charges, Refunds and idempotency keys as Stripe-shaped JSON in the
`FakeStripeObject` table, so the real stripe-python request and response code runs end to end
with no network. Test payment methods follow Stripe's: `pm_card_visa` succeeds,
`pm_card_chargeDeclined` fails with `card_declined` (HTTP 402).
"""

import json
import re
import secrets
import time
from urllib.parse import parse_qsl, urlsplit

import stripe
from django.db import IntegrityError, transaction

from ..models import FakeStripeObject

DECLINING_METHODS = {"pm_card_chargeDeclined", "pm_card_visa_chargeDeclined"}
_KEY_PART = re.compile(r"\[([^\]]*)\]")


def _new_id(prefix):
    return f"{prefix}_{secrets.token_hex(12)}"


def _parse_form(text):
    """Stripe's form encoding (`metadata[a]=1&items[0][x]=y`) to nested dicts."""
    result: dict = {}
    for key, value in parse_qsl(text or "", keep_blank_values=True):
        head = key.split("[", 1)[0]
        parts = [head, *_KEY_PART.findall(key)]
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class FakeError(Exception):
    def __init__(self, status, type_, code, message, param=None, **extra):
        self.status = status
        self.body = {"error": {"type": type_, "code": code, "message": message, **extra}}
        if param:
            self.body["error"]["param"] = param


def _missing(object_id):
    return FakeError(
        404, "invalid_request_error", "resource_missing", f"No such object: '{object_id}'"
    )


def _int_param(params, name, required=True):
    value = params.get(name)
    if value is None:
        if required:
            raise FakeError(
                400, "invalid_request_error", "parameter_missing",
                f"Missing required param: {name}.", param=name,
            )  # fmt: skip
        return None
    if not str(value).isdigit() or int(value) <= 0:
        raise FakeError(
            400, "invalid_request_error", "parameter_invalid_integer",
            f"Invalid positive integer: {name}", param=name,
        )  # fmt: skip
    return int(value)


class FakeStripeHTTPClient(stripe.HTTPClient):
    name = "offline-fake"
    #: Initial status of new refunds; tests set "pending" to model Alipay's asynchronous refunds.
    refund_status = "succeeded"

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        params = _parse_form(post_data if method == "post" else parts.query)
        idem_key = (headers or {}).get("Idempotency-Key") if method == "post" else None
        try:
            if idem_key:
                status, body = self._idempotent(idem_key, method, parts.path, params)
            else:
                status, body = 200, self._route(method, parts.path, params)
        except FakeError as exc:
            status, body = exc.status, exc.body
        return json.dumps(body), status, {"Request-Id": _new_id("req")}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("the offline gateway does not stream")

    def close(self):
        pass

    # ------------------------------------------------------------------ storage
    @staticmethod
    def _get(object_id, kind=None):
        row = FakeStripeObject.objects.filter(object_id=object_id).first()
        if row is None or (kind and row.kind != kind):
            raise _missing(object_id)
        return row.data

    @staticmethod
    def _put(data):
        FakeStripeObject.objects.update_or_create(
            object_id=data["id"], defaults={"kind": data["object"], "data": data}
        )
        return data

    def _idempotent(self, key, method, path, params):
        """Replay the first answer for a key, as Stripe does for 24 hours."""
        row_id = f"idem:{key}"
        saved = FakeStripeObject.objects.filter(object_id=row_id).first()
        if saved is None:
            try:
                status, body = 200, self._route(method, path, params)
            except FakeError as exc:
                status, body = exc.status, exc.body
            try:
                with transaction.atomic():
                    FakeStripeObject.objects.create(
                        object_id=row_id,
                        kind="idempotency_key",
                        data={"path": path, "params": params, "status": status, "body": body},
                    )
                return status, body
            except IntegrityError:  # a concurrent request with the same key won
                saved = FakeStripeObject.objects.get(object_id=row_id)
        if saved.data["path"] != path or saved.data["params"] != params:
            raise FakeError(
                400, "idempotency_error", "idempotency_key_in_use",
                "Keys for idempotent requests can only be used with the same parameters.",
            )  # fmt: skip
        body = saved.data["body"]
        if body.get("object") == "payment_intent":  # Stripe answers with the object's state
            body = self._get(body["id"])
        return saved.data["status"], body

    # ------------------------------------------------------------------ routes
    def _route(self, method, path, params):
        segments = [s for s in path.split("/") if s][1:]  # drop "v1"
        match (method, segments):
            case ("post", ["payment_intents"]):
                return self._create_intent(params)
            case ("get", ["payment_intents", intent_id]):
                return self._get(intent_id, "payment_intent")
            case ("post", ["payment_intents", intent_id, "confirm"]):
                return self._confirm(intent_id, params)
            case ("post", ["payment_intents", intent_id, "cancel"]):
                return self._cancel(intent_id)
            case ("post", ["refunds"]):
                return self._create_refund(params)
            case ("get", ["refunds", refund_id]):
                return self._get(refund_id, "refund")
            case ("get", ["charges", charge_id]):
                return self._get(charge_id, "charge")
        raise FakeError(404, "invalid_request_error", "resource_missing", f"Unrecognized {path}")

    def _create_intent(self, params):
        amount = _int_param(params, "amount")
        currency = params.get("currency", "").lower()
        if currency != "cny":
            raise FakeError(
                400, "invalid_request_error", "parameter_invalid_empty",
                "The offline gateway takes cny only.", param="currency",
            )  # fmt: skip
        intent_id = _new_id("pi")
        return self._put(
            {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": 0,
                "currency": currency,
                "capture_method": "automatic",
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
                "created": int(time.time()),
                "description": params.get("description"),
                "last_payment_error": None,
                "latest_charge": None,
                "livemode": False,
                "metadata": params.get("metadata", {}),
                "payment_method": None,
                "payment_method_types": ["card", "alipay", "wechat_pay"],
                "status": "requires_payment_method",
            }
        )

    def _confirm(self, intent_id, params):
        with transaction.atomic():
            intent = self._confirm_locked(intent_id, params)
        if intent["status"] != "succeeded":  # raised outside the block so the decline is kept
            raise FakeError(
                402, "card_error", "card_declined", "Your card was declined.",
                decline_code="generic_decline", payment_intent=intent,
            )  # fmt: skip
        return intent

    def _confirm_locked(self, intent_id, params):
        FakeStripeObject.objects.select_for_update().filter(object_id=intent_id).first()
        intent = self._get(intent_id, "payment_intent")
        if intent["status"] in ("succeeded", "canceled"):
            raise FakeError(
                400, "invalid_request_error", "payment_intent_unexpected_state",
                f"This PaymentIntent's status is {intent['status']}.", payment_intent=intent,
            )  # fmt: skip
        method = params.get("payment_method") or "pm_card_visa"
        intent["payment_method"] = method
        if method in DECLINING_METHODS:
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
            }
            return self._put(intent)
        charge = self._put(
            {
                "id": _new_id("ch"),
                "object": "charge",
                "amount": intent["amount"],
                "amount_refunded": 0,
                "currency": intent["currency"],
                "payment_intent": intent_id,
                "paid": True,
                "refunded": False,
                "status": "succeeded",
            }
        )
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charge["id"],
            last_payment_error=None,
        )
        return self._put(intent)

    def _cancel(self, intent_id):
        intent = self._get(intent_id, "payment_intent")
        if intent["status"] == "succeeded":
            raise FakeError(
                400, "invalid_request_error", "payment_intent_unexpected_state",
                "You cannot cancel this PaymentIntent because it has a status of succeeded.",
            )  # fmt: skip
        intent["status"] = "canceled"
        return self._put(intent)

    def _create_refund(self, params):
        intent_id = params.get("payment_intent") or ""
        with transaction.atomic():
            FakeStripeObject.objects.select_for_update().filter(object_id=intent_id).first()
            intent = self._get(intent_id, "payment_intent")
            if intent["status"] != "succeeded":
                raise FakeError(
                    400, "invalid_request_error", "charge_not_refundable",
                    "This PaymentIntent has no successful charge to refund.",
                )  # fmt: skip
            charge = self._get(intent["latest_charge"], "charge")
            available = charge["amount"] - charge["amount_refunded"]
            amount = _int_param(params, "amount", required=False) or available
            if available <= 0:
                raise FakeError(
                    400, "invalid_request_error", "charge_already_refunded",
                    f"Charge {charge['id']} has already been refunded.",
                )  # fmt: skip
            if amount > available:
                raise FakeError(
                    400, "invalid_request_error", "amount_too_large",
                    f"Refund amount ({amount}) is greater than unrefunded amount ({available}).",
                    param="amount",
                )  # fmt: skip
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            self._put(charge)
            return self._put(
                {
                    "id": _new_id("re"),
                    "object": "refund",
                    "amount": amount,
                    "charge": charge["id"],
                    "currency": intent["currency"],
                    "created": int(time.time()),
                    "metadata": params.get("metadata", {}),
                    "payment_intent": intent_id,
                    "status": self.refund_status,
                    "failure_reason": None,
                }
            )

    # ------------------------------------------------------------------ offline helpers
    def set_refund_status(self, refund_id, status, failure_reason=None):
        """Settle a pending refund as the bank would (tests, demo). Returns the refund JSON."""
        with transaction.atomic():
            refund = self._get(refund_id, "refund")
            refund["status"] = status
            refund["failure_reason"] = failure_reason
            if status in ("failed", "canceled"):  # the money stays with us
                charge = self._get(refund["charge"], "charge")
                charge["amount_refunded"] -= refund["amount"]
                charge["refunded"] = False
                self._put(charge)
            return self._put(refund)

    @staticmethod
    def object_json(object_id):
        return FakeStripeHTTPClient._get(object_id)

    @staticmethod
    def net_settled_fen():
        """Money received minus money refunded, as the gateway's balance would show."""
        received = refunded = 0
        for row in FakeStripeObject.objects.filter(kind__in=["payment_intent", "refund"]):
            data = row.data
            if row.kind == "payment_intent" and data["status"] == "succeeded":
                received += int(data["amount_received"])
            elif row.kind == "refund" and data["status"] == "succeeded":
                refunded += int(data["amount"])
        return received - refunded
