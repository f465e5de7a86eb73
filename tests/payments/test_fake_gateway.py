"""The offline gateway answers like Stripe through stripe-python's own client code."""

import pytest

from marketplace.payments.gateway import GatewayError, get_gateway
from marketplace.payments.models import FakeStripeObject

pytestmark = pytest.mark.django_db


def _intent(key="k-1", amount=12_345):
    return get_gateway().create_intent(
        amount_fen=amount,
        currency="cny",
        idempotency_key=key,
        metadata={"payable_id": 1},
        description="d",
    )


def test_the_same_idempotency_key_returns_the_same_intent():
    first = _intent()
    second = _intent()
    assert first.id == second.id and first.id.startswith("pi_")
    assert first.status == "requires_payment_method"
    assert first.metadata == {"payable_id": "1"}
    assert FakeStripeObject.objects.filter(kind="payment_intent").count() == 1


def test_a_reused_key_with_other_parameters_is_an_idempotency_error():
    _intent()
    with pytest.raises(GatewayError) as err:
        _intent(amount=1)
    assert err.value.code == "idempotency_key_in_use"


def test_a_declined_card_is_refused_with_card_declined():
    intent = _intent()
    with pytest.raises(GatewayError) as err:
        get_gateway().complete_intent(intent.id, payment_method="pm_card_chargeDeclined")
    assert err.value.code == "card_declined" and err.value.http_status == 402
    after = get_gateway().retrieve_intent(intent.id)
    assert after.status == "requires_payment_method"
    assert after.last_error_code == "card_declined"


def test_a_refund_larger_than_the_charge_is_refused():
    gateway = get_gateway()
    intent = gateway.complete_intent(_intent().id)
    assert intent.status == "succeeded" and intent.amount_received_fen == 12_345
    with pytest.raises(GatewayError) as err:
        gateway.create_refund(
            intent_id=intent.id, amount_fen=12_346, idempotency_key="r", metadata={}
        )
    assert err.value.code == "amount_too_large"


def test_an_unknown_intent_is_resource_missing():
    with pytest.raises(GatewayError) as err:
        get_gateway().retrieve_intent("pi_nope")
    assert err.value.code == "resource_missing" and err.value.http_status == 404


def test_the_gateway_net_counts_received_minus_refunded():
    gateway = get_gateway()
    intent = gateway.complete_intent(_intent().id)
    gateway.create_refund(intent_id=intent.id, amount_fen=345, idempotency_key="r1", metadata={})
    assert gateway.net_settled_fen() == 12_000
