"""Concurrent deliveries on PostgreSQL: row locks make money move once (issue 5)."""

import threading

import pytest
from django.db import connection

from marketplace.payments import ledger, services
from marketplace.payments.gateway import get_gateway
from marketplace.payments.models import Payable, Refund, WebhookEvent
from marketplace.payments.testing import signed_webhook
from marketplace.payments.webhooks import handle_payload
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*calls):
    """Start the calls on threads released at the same moment; return their results."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _paid_intent_payable():
    payable = services.payable_create(
        kind=Payable.Kind.DEPOSIT,
        amount_fen=250_000,
        payer=factories.AgribusinessUserFactory(),
        subject=factories.HouseholdFactory(),
        description="保证金",
        idempotency_key="deposit-concurrent",
    )
    return payable, get_gateway().complete_intent(payable.payment_intent_id).raw


def test_two_webhooks_for_one_intent_processed_concurrently_move_money_once(postgres_only):
    # given two distinct events for the same succeeded intent
    payable, intent = _paid_intent_payable()
    first = signed_webhook("payment_intent.succeeded", intent)
    second = signed_webhook("payment_intent.succeeded", intent)
    # when they are handled at the same moment on two connections
    results = _run_together(lambda: handle_payload(*first), lambda: handle_payload(*second))
    # then both are acknowledged, one applied, and the money moved once
    assert [status for status, _ in results] == [200, 200]
    assert sorted(WebhookEvent.objects.values_list("outcome", flat=True)) == [
        "applied",
        "duplicate",
    ]
    assert ledger.balance("clearing") == 250_000
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID


def test_the_same_event_delivered_twice_at_once_is_stored_once(postgres_only):
    payable, intent = _paid_intent_payable()
    delivery = signed_webhook("payment_intent.succeeded", intent)
    results = _run_together(lambda: handle_payload(*delivery), lambda: handle_payload(*delivery))
    assert sorted(reason for _, reason in results) == ["applied", "replay"]
    assert WebhookEvent.objects.count() == 1
    assert ledger.balance("clearing") == 250_000


def test_a_refund_requested_twice_at_once_refunds_once(postgres_only):
    payable, intent = _paid_intent_payable()
    handle_payload(*signed_webhook("payment_intent.succeeded", intent))
    results = _run_together(
        lambda: services.refund_create(payable=payable, reason="lost").pk,
        lambda: services.refund_create(payable=payable, reason="lost").pk,
    )
    assert results[0] == results[1]
    assert Refund.objects.count() == 1
    assert ledger.balance("clearing") == 0
    assert get_gateway().net_settled_fen() == 0
