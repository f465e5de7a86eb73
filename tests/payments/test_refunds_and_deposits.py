"""Refunds once; forfeits (R-DEAL-5); applying a deposit to fee and price (R-DEAL-4)."""

import pytest
from django_fsm import can_proceed

from marketplace.audit import events_for
from marketplace.payments import ledger, services
from marketplace.payments.errors import DepositNotHeld, NotRefundable, RefundTooLarge
from marketplace.payments.gateway import get_gateway
from marketplace.payments.gateway.fake import FakeStripeHTTPClient
from marketplace.payments.models import Payable, Refund
from marketplace.payments.signals import payable_refunded
from marketplace.payments.testing import signed_webhook
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_refund_requested_twice_refunds_once(paid_deposit):
    # when staff press "refund" twice
    first = services.refund_create(payable=paid_deposit, reason="R-DEAL-4 losing bidder")
    second = services.refund_create(payable=paid_deposit, reason="R-DEAL-4 losing bidder")
    # then one refund exists and the money left once
    assert first.pk == second.pk
    assert Refund.objects.count() == 1
    assert ledger.balance("clearing") == 0
    assert get_gateway().net_settled_fen() == 0
    paid_deposit.refresh_from_db()
    assert paid_deposit.state == Payable.State.REFUNDED
    assert paid_deposit.refunded_fen == 100_000


def test_a_partial_refund_requested_twice_refunds_once(paid_deposit):
    services.refund_create(payable=paid_deposit, amount_fen=30_000, reason="part")
    services.refund_create(payable=paid_deposit, amount_fen=30_000, reason="part")
    paid_deposit.refresh_from_db()
    assert paid_deposit.state == Payable.State.PARTIALLY_REFUNDED
    assert ledger.balance(paid_deposit.held_account_key) == 70_000


def test_a_refund_larger_than_what_is_held_is_refused(paid_deposit):
    with pytest.raises(RefundTooLarge) as err:
        services.refund_create(payable=paid_deposit, amount_fen=100_001, reason="x")
    assert err.value.field == "amount_fen"
    assert Refund.objects.count() == 0


def test_an_unpaid_payable_cannot_be_refunded(make_payable):
    with pytest.raises(NotRefundable):
        services.refund_create(payable=make_payable(), reason="x")


def test_a_pending_refund_is_settled_by_refund_updated(client, paid_deposit, monkeypatch):
    # given a gateway whose refunds settle later (as Alipay's do)
    monkeypatch.setattr(FakeStripeHTTPClient, "refund_status", "pending")
    seen = []
    payable_refunded.connect(
        lambda **kw: seen.append(kw["refund"].pk), weak=False, dispatch_uid="r"
    )
    refund = services.refund_create(payable=paid_deposit, reason="lost")
    assert refund.state == Refund.State.PENDING and refund.refund_id
    assert ledger.balance("clearing") == 100_000
    # when the gateway reports success
    settled = FakeStripeHTTPClient().set_refund_status(refund.refund_id, "succeeded")
    payload, signature = signed_webhook("refund.updated", settled)
    try:
        for _ in range(2):
            response = client.post("/payments/stripe/webhook/", payload, content_type="application/json",
                                   HTTP_STRIPE_SIGNATURE=signature)  # fmt: skip
            assert response.status_code == 200
    finally:
        payable_refunded.disconnect(dispatch_uid="r")
    # then the refund succeeded once and the ledger shows it
    refund.refresh_from_db()
    assert refund.state == Refund.State.SUCCEEDED
    assert ledger.balance("clearing") == 0
    assert seen == [refund.pk]


def test_a_failed_refund_leaves_the_deposit_held(client, paid_deposit, monkeypatch):
    monkeypatch.setattr(FakeStripeHTTPClient, "refund_status", "pending")
    refund = services.refund_create(payable=paid_deposit, reason="lost")
    failed = FakeStripeHTTPClient().set_refund_status(
        refund.refund_id, "failed", "expired_or_canceled_card"
    )
    payload, signature = signed_webhook("refund.failed", failed)
    client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED
    assert ledger.balance(paid_deposit.held_account_key) == 100_000
    assert services.refund_create(payable=paid_deposit, reason="again").pk != refund.pk


def test_r_deal_5_a_forfeited_deposit_moves_to_forfeit_income_once(paid_deposit):
    services.deposit_forfeit(payable=paid_deposit, reason="did not sign")
    services.deposit_forfeit(payable=paid_deposit, reason="did not sign")
    assert ledger.balance("forfeit_income") == 100_000
    assert ledger.balance(paid_deposit.held_account_key) == 0
    with pytest.raises(NotRefundable):
        services.refund_create(payable=paid_deposit, reason="too late")


def test_r_deal_5_a_forfeit_moves_the_disposition_once_through_its_transition(paid_deposit):
    # given a paid deposit, when it is forfeited twice (a retried task)
    services.deposit_forfeit(payable=paid_deposit, reason="did not sign")
    services.deposit_forfeit(payable=paid_deposit, reason="did not sign")
    # then its disposition moved once and the audit log records it once, with from and to
    paid_deposit.refresh_from_db()
    assert paid_deposit.disposition == Payable.Disposition.FORFEITED
    event = events_for(paid_deposit).get(action="payments.deposit_forfeited")
    assert (event.payload["from"], event.payload["to"]) == ("", "forfeited")
    assert (event.payload["amount_fen"], event.payload["rule"]) == (100_000, "R-DEAL-5")
    assert not events_for(paid_deposit).filter(action__startswith="payable.").exists()


def test_r_deal_4_applying_moves_the_disposition_once_and_keeps_the_parts(paid_deposit):
    key = "transferor_payable:household:1"
    for _ in range(2):  # a retried task
        services.deposit_apply(
            payable=paid_deposit, fee_fen=20_000, price_fen=50_000, transferor_account_key=key
        )
    paid_deposit.refresh_from_db()
    assert paid_deposit.disposition == Payable.Disposition.APPLIED
    assert paid_deposit.metadata["applied"] == {
        "fee_fen": 20_000,
        "price_fen": 50_000,
        "refund_fen": 30_000,
    }
    event = events_for(paid_deposit).get(action="payments.deposit_applied")
    assert (event.payload["from"], event.payload["to"]) == ("", "applied")
    assert event.payload["transferor_account"] == key


def test_only_a_paid_deposits_disposition_moves_and_only_once():
    """The disposition's transitions carry their side condition (R-DEAL-4/5)."""
    kind, state, disposition = Payable.Kind, Payable.State, Payable.Disposition
    assert not can_proceed(Payable(kind=kind.DEPOSIT).forfeit)  # not paid yet
    assert not can_proceed(Payable(kind=kind.DEAL_PAYMENT, state=state.PAID).forfeit)
    paid = Payable(kind=kind.DEPOSIT, state=state.PAID)
    assert can_proceed(paid.forfeit) and can_proceed(paid.apply_to_price)
    applied = Payable(kind=kind.DEPOSIT, state=state.PAID, disposition=disposition.APPLIED)
    assert not can_proceed(applied.forfeit) and not can_proceed(applied.apply_to_price)


def test_r_deal_4_the_deposit_pays_the_fee_first_then_the_price(paid_deposit):
    household = factories.HouseholdFactory()
    key = ledger.account_key_for("transferor_payable", household)
    # given a 1,000-yuan deposit, a 300-yuan fee and a 5,000-yuan price
    result = services.deposit_apply(
        payable=paid_deposit, fee_fen=30_000, price_fen=500_000, transferor_account_key=key
    )
    # then 300 go to fee income, 700 to the transferor, nothing is refunded
    assert (result.fee_fen, result.price_fen, result.refund_fen) == (30_000, 70_000, 0)
    assert ledger.balance("fee_income") == 30_000
    assert ledger.balance(key) == 70_000
    assert ledger.balance(paid_deposit.held_account_key) == 0


def test_r_deal_4_a_deposit_beyond_fee_and_price_is_refunded(paid_deposit):
    key = "transferor_payable:household:1"
    result = services.deposit_apply(
        payable=paid_deposit, fee_fen=20_000, price_fen=50_000, transferor_account_key=key
    )
    assert (result.fee_fen, result.price_fen, result.refund_fen) == (20_000, 50_000, 30_000)
    assert result.refund.state == Refund.State.SUCCEEDED
    assert ledger.balance("clearing") == 70_000
    assert ledger.balance(paid_deposit.held_account_key) == 0
    # and applying again changes nothing
    again = services.deposit_apply(
        payable=paid_deposit, fee_fen=20_000, price_fen=50_000, transferor_account_key=key
    )
    assert again.fee_fen == 20_000 and ledger.balance("fee_income") == 20_000


def test_a_deposit_cannot_be_forfeited_after_it_was_applied(paid_deposit):
    services.deposit_apply(payable=paid_deposit, fee_fen=100_000, price_fen=0,
                           transferor_account_key="transferor_payable:household:1")  # fmt: skip
    with pytest.raises(DepositNotHeld):
        services.deposit_forfeit(payable=paid_deposit, reason="x")


def test_charge_refunded_asks_the_gateway_after_the_event_commits(
    client, paid_deposit, monkeypatch, django_capture_on_commit_callbacks
):
    # given a refund pending at the gateway, which then succeeds there
    monkeypatch.setattr(FakeStripeHTTPClient, "refund_status", "pending")
    refund = services.refund_create(payable=paid_deposit, reason="lost")
    FakeStripeHTTPClient().set_refund_status(refund.refund_id, "succeeded")
    intent = get_gateway().retrieve_intent(paid_deposit.payment_intent_id)
    payload, signature = signed_webhook(
        "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": intent.id}
    )
    # when Stripe says the charge was refunded (the gateway refuses calls inside a transaction)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/payments/stripe/webhook/",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature,
        )
    # then the event is stored and, after its commit, the refund is settled from the gateway
    assert response.status_code == 200
    refund.refresh_from_db()
    assert refund.state == Refund.State.SUCCEEDED
    assert ledger.balance("clearing") == 0
