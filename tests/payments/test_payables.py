"""Collecting a payable: idempotent creation, the intent at the gateway, money in fen only."""

import pytest

from marketplace.audit import events_for
from marketplace.payments import services
from marketplace.payments.errors import InvalidAmount
from marketplace.payments.gateway import get_gateway
from marketplace.payments.models import FakeStripeObject, Payable
from marketplace.payments.testing import simulate_payment_succeeded
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_creates_the_intent_with_our_key_and_metadata_linking_back(make_payable):
    # given / when
    payable = make_payable(amount_fen=123_456, key="deposit-77")
    # then the gateway holds a cny intent for exactly that many fen, pointing back to us
    intent = get_gateway().retrieve_intent(payable.payment_intent_id)
    assert intent.amount_fen == 123_456 and intent.currency == "cny"
    assert intent.metadata["payable_id"] == str(payable.pk)
    assert intent.metadata["subject_type"] == "household"
    assert FakeStripeObject.objects.filter(object_id="idem:deposit-77").exists()
    assert payable.checkout_url == f"/payments/checkout/{payable.pk}/"
    assert str(payable.amount_yuan) == "1234.56"


def test_the_same_idempotency_key_returns_the_existing_payable(make_payable):
    household = factories.HouseholdFactory()
    first = make_payable(key="deposit-1", subject=household)
    second = make_payable(key="deposit-1", subject=household)
    assert first.pk == second.pk
    assert first.payment_intent_id == second.payment_intent_id
    assert Payable.objects.count() == 1
    assert FakeStripeObject.objects.filter(kind="payment_intent").count() == 1


@pytest.mark.parametrize("amount", [1000.0, 0, -1, True, "1000"])
def test_amounts_never_pass_through_float_or_other_types(make_payable, amount):
    with pytest.raises(InvalidAmount):
        make_payable(amount_fen=amount)
    assert Payable.objects.count() == 0


def test_creation_is_audited(make_payable):
    payable = make_payable()
    actions = list(events_for(payable).values_list("action", flat=True))
    assert "payments.payable_created" in actions and "payments.intent_attached" in actions


def test_the_demo_pay_now_completes_the_intent_through_a_signed_webhook(make_payable):
    payable = make_payable()
    payable = services.checkout_demo_pay(payable=payable)
    assert payable.state == Payable.State.PAID
    assert "payments.payable_paid" in events_for(payable).values_list("action", flat=True)


def test_a_declined_demo_card_leaves_the_payable_failed_and_payable_again(make_payable):
    from marketplace.payments.errors import PaymentDeclined

    payable = make_payable()
    with pytest.raises(PaymentDeclined):
        services.checkout_demo_pay(payable=payable, payment_method="pm_card_chargeDeclined")
    payable.refresh_from_db()
    assert payable.state == Payable.State.FAILED
    assert services.checkout_demo_pay(payable=payable).state == Payable.State.PAID


def test_cancelling_an_unpaid_payable_cancels_the_intent(make_payable):
    payable = services.payable_cancel(payable=make_payable())
    assert payable.state == Payable.State.CANCELLED
    assert get_gateway().retrieve_intent(payable.payment_intent_id).status == "canceled"


def test_simulating_a_payment_twice_changes_nothing_the_second_time(make_payable):
    # the demo seed may run again: the helper is idempotent
    payable = make_payable()
    simulate_payment_succeeded(payable)
    again = simulate_payment_succeeded(payable)
    assert again.state == Payable.State.PAID
    from marketplace.payments import ledger

    assert ledger.balance("clearing") == payable.amount_fen
