"""Webhooks: verified by stripe.Webhook.construct_event, stored once, applied once (issue 5)."""

import json
import time

import pytest
from django.urls import reverse

from marketplace.payments import ledger
from marketplace.payments.gateway import get_gateway
from marketplace.payments.models import Payable, WebhookEvent
from marketplace.payments.signals import payable_paid
from marketplace.payments.testing import signed_webhook

pytestmark = pytest.mark.django_db
URL = "/payments/stripe/webhook/"


def post(client, payload, signature):
    return client.post(
        URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def succeeded_intent(payable):
    return get_gateway().complete_intent(payable.payment_intent_id).raw


def test_the_webhook_url_is_where_stripe_posts():
    assert reverse("payments:stripe_webhook") == URL


def test_a_webhook_replayed_5_times_moves_money_once(client, make_payable):
    # given a pending deposit whose intent succeeded at the gateway
    payable = make_payable(amount_fen=300_000)
    received = []
    payable_paid.connect(
        lambda **kw: received.append(kw["payable"].pk), weak=False, dispatch_uid="t1"
    )
    payload, signature = signed_webhook("payment_intent.succeeded", succeeded_intent(payable))
    try:
        # when the same event is delivered five times
        statuses = [post(client, payload, signature).status_code for _ in range(5)]
    finally:
        payable_paid.disconnect(dispatch_uid="t1")
    # then every delivery is acknowledged, but the money moved once
    assert statuses == [200] * 5
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID
    assert ledger.balance("clearing") == 300_000
    assert ledger.balance(payable.held_account_key) == 300_000
    assert WebhookEvent.objects.count() == 1
    assert received == [payable.pk]


def test_a_second_event_for_the_same_intent_is_a_duplicate(client, make_payable):
    payable = make_payable()
    intent = succeeded_intent(payable)
    for _ in range(2):  # two distinct event ids, same intent
        payload, signature = signed_webhook("payment_intent.succeeded", intent)
        assert post(client, payload, signature).status_code == 200
    assert ledger.balance("clearing") == payable.amount_fen
    assert list(WebhookEvent.objects.values_list("outcome", flat=True).order_by("id")) == [
        "applied",
        "duplicate",
    ]


def test_a_bad_signature_is_refused_with_400_and_nothing_recorded(client, make_payable):
    payable = make_payable()
    payload, _sig = signed_webhook("payment_intent.succeeded", succeeded_intent(payable))
    _p, forged = signed_webhook("payment_intent.succeeded", {}, secret="whsec_someone_else")
    response = post(client, payload, forged.replace(forged.split("v1=")[1], "0" * 64))
    assert response.status_code == 400
    assert post(client, payload, "").status_code == 400
    assert WebhookEvent.objects.count() == 0
    payable.refresh_from_db()
    assert payable.state == Payable.State.PENDING
    assert ledger.balance("clearing") == 0


def test_a_payload_signed_with_another_secret_is_refused(client, make_payable):
    payable = make_payable()
    payload, signature = signed_webhook(
        "payment_intent.succeeded", succeeded_intent(payable), secret="whsec_someone_else"
    )
    assert post(client, payload, signature).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_a_stale_timestamp_is_refused_with_400(client, make_payable):
    payable = make_payable()
    payload, signature = signed_webhook(
        "payment_intent.succeeded", succeeded_intent(payable), timestamp=time.time() - 3600
    )
    assert post(client, payload, signature).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_a_tampered_body_is_refused(client, make_payable):
    payable = make_payable()
    payload, signature = signed_webhook("payment_intent.succeeded", succeeded_intent(payable))
    tampered = payload.replace(b'"amount_received": 100000', b'"amount_received": 1')
    assert tampered != payload
    assert post(client, tampered, signature).status_code == 400


def test_malformed_json_is_refused_with_400(client):
    from marketplace.payments.webhooks import sign_payload

    payload = b'{"id": "evt_1", "type": '
    assert post(client, payload, sign_payload(payload)).status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_an_unknown_event_type_is_recorded_ignored_and_acknowledged(client):
    payload, signature = signed_webhook("customer.created", {"id": "cus_1", "object": "customer"})
    assert post(client, payload, signature).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.type == "customer.created" and event.outcome == WebhookEvent.Outcome.IGNORED


def test_an_event_for_an_intent_we_do_not_know_is_recorded_and_acknowledged(client):
    intent = {"id": "pi_unknown", "object": "payment_intent", "amount": 100, "amount_received": 100,
              "currency": "cny", "status": "succeeded", "metadata": {}}  # fmt: skip
    payload, signature = signed_webhook("payment_intent.succeeded", intent)
    assert post(client, payload, signature).status_code == 200
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.UNKNOWN_OBJECT
    assert ledger.balance("clearing") == 0


def test_an_amount_that_does_not_match_the_payable_is_flagged_not_applied(client, make_payable):
    # given a payable of 1,000 yuan whose intent reports 1 yuan received
    payable = make_payable(amount_fen=100_000)
    intent = succeeded_intent(payable) | {"amount_received": 100}
    payload, signature = signed_webhook("payment_intent.succeeded", intent)
    # when the event arrives
    assert post(client, payload, signature).status_code == 200
    # then nothing is applied and staff see why
    payable.refresh_from_db()
    assert payable.state == Payable.State.PENDING
    assert "金额不符" in payable.attention
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.FLAGGED
    assert ledger.balance("clearing") == 0


def test_succeeded_after_failed_of_a_retried_intent_marks_it_paid(client, make_payable):
    # given a first attempt declined (the failure event arrives first)
    payable = make_payable()
    gateway = get_gateway()
    with pytest.raises(Exception):  # noqa: B017 - the gateway's card_declined
        gateway.complete_intent(payable.payment_intent_id, payment_method="pm_card_chargeDeclined")
    failed = gateway.retrieve_intent(payable.payment_intent_id).raw
    post(client, *signed_webhook("payment_intent.payment_failed", failed))
    payable.refresh_from_db()
    assert payable.state == Payable.State.FAILED and payable.last_error_code == "card_declined"
    # when the retry succeeds
    post(client, *signed_webhook("payment_intent.succeeded", succeeded_intent(payable)))
    # then the payable is paid
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID


def test_a_late_failure_after_success_changes_nothing(client, make_payable):
    payable = make_payable()
    intent = succeeded_intent(payable)
    post(client, *signed_webhook("payment_intent.succeeded", intent))
    late = intent | {
        "status": "requires_payment_method",
        "last_payment_error": {"code": "card_declined"},
    }
    post(client, *signed_webhook("payment_intent.payment_failed", late))
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID
    assert ledger.balance("clearing") == payable.amount_fen


def test_a_receiver_that_fails_rolls_back_and_the_gateway_may_retry(client, make_payable):
    # given a deal-code receiver that raises
    payable = make_payable()
    payload, signature = signed_webhook("payment_intent.succeeded", succeeded_intent(payable))

    def boom(**kwargs):
        raise RuntimeError("deal code failed")

    payable_paid.connect(boom, weak=False, dispatch_uid="boom")
    try:
        client.raise_request_exception = False
        assert post(client, payload, signature).status_code == 500
    finally:
        payable_paid.disconnect(dispatch_uid="boom")
    # then nothing was recorded, and the retry applies it
    assert WebhookEvent.objects.count() == 0
    assert post(client, payload, signature).status_code == 200
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID


def test_the_event_payload_is_stored_for_audit(client, make_payable):
    payable = make_payable()
    payload, signature = signed_webhook("payment_intent.succeeded", succeeded_intent(payable))
    post(client, payload, signature)
    assert WebhookEvent.objects.get().payload == json.loads(payload)
