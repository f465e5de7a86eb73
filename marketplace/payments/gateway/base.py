"""The gateway interface the payment services call. Nothing here knows Stripe.

A domestic gateway (UnionPay, Alipay direct) implements `PaymentGateway` and is returned by
`marketplace.payments.gateway.get_gateway()`; the services and the deal code do not change.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Intent:
    """A payment attempt at the gateway (Stripe's PaymentIntent)."""

    id: str
    status: str  # requires_payment_method | processing | succeeded | canceled | ...
    amount_fen: int
    amount_received_fen: int
    currency: str
    client_secret: str = ""
    metadata: dict = field(default_factory=dict)
    last_error_code: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    status: str  # pending | succeeded | failed | canceled
    amount_fen: int
    payment_intent_id: str
    failure_reason: str = ""
    raw: dict = field(default_factory=dict)


class GatewayError(Exception):
    """The gateway refused or could not answer. `code` is the gateway's error code."""

    def __init__(self, message, *, code="gateway_error", http_status=None):
        super().__init__(message)
        self.code = code or "gateway_error"
        self.http_status = http_status


class PaymentGateway:
    """Automatic-capture payments and refunds, all amounts integer fen."""

    name = "base"
    offline = False

    def create_intent(self, *, amount_fen, currency, idempotency_key, metadata, description):
        raise NotImplementedError

    def retrieve_intent(self, intent_id) -> Intent:
        raise NotImplementedError

    def cancel_intent(self, intent_id) -> Intent:
        raise NotImplementedError

    def create_refund(self, *, intent_id, amount_fen, idempotency_key, metadata):
        raise NotImplementedError

    def retrieve_refund(self, refund_id) -> GatewayRefund:
        raise NotImplementedError

    # Offline only: the demo "pay now" button and the ledger check.
    def complete_intent(self, intent_id, *, payment_method="pm_card_visa") -> Intent:
        raise GatewayError("completing an intent from the server needs the offline gateway")

    def net_settled_fen(self) -> int | None:
        """Money received minus money refunded at the gateway, or None if it cannot say."""
        return None
