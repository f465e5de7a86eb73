"""The daily reconciliation repairs what crashes and lost webhooks leave behind (issue 5)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.payments import gateway as gateways
from marketplace.payments import ledger, services
from marketplace.payments.gateway import get_gateway
from marketplace.payments.gateway.stripe_gateway import StripeGateway
from marketplace.payments.models import Payable, Refund
from marketplace.payments.testing import simulate_payment_succeeded

pytestmark = pytest.mark.django_db


class Crash(Exception):
    pass


def test_a_crash_between_our_commit_and_the_gateway_call_is_repaired(make_payable, monkeypatch):
    # given the process dies right after our payable committed, before Stripe is called
    def crash(self, **kwargs):
        raise Crash

    monkeypatch.setattr(StripeGateway, "create_intent", crash)
    with pytest.raises(Crash):
        make_payable(key="deposit-crash")
    payable = Payable.objects.get(idempotency_key="deposit-crash")
    assert payable.state == Payable.State.PENDING and payable.payment_intent_id == ""
    monkeypatch.undo()
    # when the reconciliation job runs
    run = services.reconcile_payments()
    # then the payable has its intent and can be paid
    payable.refresh_from_db()
    assert payable.payment_intent_id.startswith("pi_")
    assert run.repaired == 1
    assert simulate_payment_succeeded(payable).state == Payable.State.PAID


def test_a_crash_after_the_gateway_answered_reuses_the_same_intent(make_payable, monkeypatch):
    # given Stripe created the intent but we died before saving its id
    original = StripeGateway.create_intent
    created = []

    def create_then_crash(self, **kwargs):
        created.append(original(self, **kwargs))
        raise Crash

    monkeypatch.setattr(StripeGateway, "create_intent", create_then_crash)
    with pytest.raises(Crash):
        make_payable(key="deposit-crash-2")
    monkeypatch.undo()
    # when reconciliation retries with the same idempotency key
    services.reconcile_payments()
    # then it gets Stripe's first intent, not a second one
    payable = Payable.objects.get(idempotency_key="deposit-crash-2")
    assert payable.payment_intent_id == created[0].id


def test_an_unreachable_gateway_leaves_the_payable_for_the_job(make_payable, monkeypatch):
    def down(self, **kwargs):
        raise gateways.GatewayError("down", code="api_connection_error")

    monkeypatch.setattr(StripeGateway, "create_intent", down)
    payable = make_payable()
    assert payable.pk and payable.payment_intent_id == ""


def test_a_lost_webhook_is_settled_after_24_hours(make_payable):
    # given an intent that succeeded at the gateway but whose webhook never arrived
    payable = make_payable()
    get_gateway().complete_intent(payable.payment_intent_id)
    # when the job runs the same day, nothing is touched (the webhook may still come)
    services.reconcile_payments()
    payable.refresh_from_db()
    assert payable.state == Payable.State.PENDING
    # when it runs a day later
    services.reconcile_payments(now=timezone.now() + timedelta(hours=25))
    # then the payable is paid from Stripe's answer, once
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID
    services.reconcile_payments(now=timezone.now() + timedelta(hours=49))
    assert ledger.balance("clearing") == payable.amount_fen


def test_a_refund_that_never_reached_the_gateway_is_resubmitted(paid_deposit, monkeypatch):
    def crash(self, **kwargs):
        raise Crash

    monkeypatch.setattr(StripeGateway, "create_refund", crash)
    with pytest.raises(Crash):
        services.refund_create(payable=paid_deposit, reason="lost")
    monkeypatch.undo()
    assert Refund.objects.get().state == Refund.State.PENDING
    services.reconcile_payments()
    assert Refund.objects.get().state == Refund.State.SUCCEEDED
    assert ledger.balance("clearing") == 0


def test_the_beat_schedule_runs_the_job_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["payments-reconcile-daily"]
    assert entry["task"] == "payments.reconcile_payments"
    from marketplace.payments.tasks import reconcile_payments_task

    assert reconcile_payments_task.name == entry["task"]
    assert reconcile_payments_task.delay().get() == {"checked": 0, "repaired": 0}
