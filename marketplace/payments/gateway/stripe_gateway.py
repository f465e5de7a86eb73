"""The Stripe gateway: the one place that calls stripe-python's `StripeClient`.

PaymentIntents in fen (`cny` is a two-decimal currency: Stripe's amount is fen), automatic
capture (Alipay and WeChat Pay cannot hold funds), idempotency keys derived from our records.
"""

from functools import wraps

import stripe

from marketplace.io_guard import refuse_in_transaction

from .base import GatewayError, GatewayRefund, Intent, PaymentGateway


def _translate_errors(fn):
    """Every call to Stripe: refused inside a database transaction (marketplace.io_guard), and
    stripe-python's errors turned into GatewayError."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        refuse_in_transaction(f"payment gateway {fn.__name__}")
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as exc:
            body = exc.json_body if isinstance(exc.json_body, dict) else {}
            code = exc.code or (body.get("error") or {}).get("code")
            raise GatewayError(
                exc.user_message or str(exc), code=code, http_status=exc.http_status
            ) from exc

    return wrapper


def intent_from_json(obj) -> Intent:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    error = data.get("last_payment_error") or {}
    return Intent(
        id=data["id"],
        status=data["status"],
        amount_fen=int(data["amount"]),
        amount_received_fen=int(data.get("amount_received") or 0),
        currency=data["currency"],
        client_secret=data.get("client_secret") or "",
        metadata=dict(data.get("metadata") or {}),
        last_error_code=(error.get("code") or "") if isinstance(error, dict) else "",
        raw=data,
    )


def refund_from_json(obj) -> GatewayRefund:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    return GatewayRefund(
        id=data["id"],
        status=data["status"],
        amount_fen=int(data["amount"]),
        payment_intent_id=data.get("payment_intent") or "",
        failure_reason=data.get("failure_reason") or "",
        raw=data,
    )


class StripeGateway(PaymentGateway):
    name = "stripe"

    def __init__(self, *, api_key, http_client=None):
        self.offline = http_client is not None
        self._http_client = http_client
        self.client = stripe.StripeClient(api_key, http_client=http_client, max_network_retries=2)

    @_translate_errors
    def create_intent(self, *, amount_fen, currency, idempotency_key, metadata, description):
        params = {
            "amount": int(amount_fen),
            "currency": currency,
            "description": description[:200],
            "metadata": {k: str(v) for k, v in metadata.items()},
            "automatic_payment_methods": {"enabled": True},
        }
        obj = self.client.v1.payment_intents.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
        return intent_from_json(obj)

    @_translate_errors
    def retrieve_intent(self, intent_id):
        return intent_from_json(self.client.v1.payment_intents.retrieve(intent_id))

    @_translate_errors
    def cancel_intent(self, intent_id):
        return intent_from_json(self.client.v1.payment_intents.cancel(intent_id))

    @_translate_errors
    def create_refund(self, *, intent_id, amount_fen, idempotency_key, metadata):
        obj = self.client.v1.refunds.create(
            params={
                "payment_intent": intent_id,
                "amount": int(amount_fen),
                "metadata": {k: str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
        return refund_from_json(obj)

    @_translate_errors
    def retrieve_refund(self, refund_id):
        return refund_from_json(self.client.v1.refunds.retrieve(refund_id))

    @_translate_errors
    def complete_intent(self, intent_id, *, payment_method="pm_card_visa"):
        if not self.offline:
            return super().complete_intent(intent_id, payment_method=payment_method)
        obj = self.client.v1.payment_intents.confirm(
            intent_id, params={"payment_method": payment_method}
        )
        return intent_from_json(obj)

    def net_settled_fen(self):
        if not self.offline:
            return None
        return self._http_client.net_settled_fen()
