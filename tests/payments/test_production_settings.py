"""Payments cannot start open (issue 14, item 3).

With DEBUG off: no Stripe key (unless PAYMENTS_OFFLINE_ALLOWED=1), a missing webhook secret or the
published demo one are errors of `check --deploy` and stop the WSGI start-up; the offline "pay now"
answers 404 unless offline payments are allowed; a webhook's `livemode` must match the key's mode;
a GET of the checkout page never creates a payment intent.
"""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from marketplace.models import User
from marketplace.payments import checks
from marketplace.payments.gateway import GatewayError, get_gateway
from marketplace.payments.models import Payable, WebhookEvent
from marketplace.payments.testing import signed_webhook
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-a-long-and-random-production-secret-key-for-the-check",
    "ALLOWED_HOSTS": "exchange.example.cn",
    "STRIPE_SECRET_KEY": "sk_live_" + "a" * 24,
    "STRIPE_PUBLISHABLE_KEY": "pk_live_" + "a" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "b" * 32,
}


def _manage(*args, **env):
    unset = {"DEBUG", "TESTING", "SECRET_KEY", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    unset |= {k for k in os.environ if k.startswith(("STRIPE_", "PAYMENTS_"))}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_check_deploy_with_a_complete_production_environment_reports_no_issues():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "code"),
    [("STRIPE_SECRET_KEY", "payments.E001"), ("STRIPE_WEBHOOK_SECRET", "payments.E002")],
)
def test_check_deploy_reports_a_missing_stripe_setting_as_an_error(missing, code):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _manage("check", "--deploy", **env)
    assert result.returncode != 0
    assert code in result.stderr and "ERROR" in result.stderr


def test_check_deploy_refuses_the_published_demo_webhook_secret():
    result = _manage(
        "check", "--deploy", **{**PRODUCTION, "STRIPE_WEBHOOK_SECRET": checks.DEMO_WEBHOOK_SECRET}
    )
    assert result.returncode != 0
    assert "payments.E003" in result.stderr


def test_an_explicit_offline_installation_passes_without_a_stripe_key():
    env = {k: v for k, v in PRODUCTION.items() if not k.startswith("STRIPE_SECRET")}
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", PAYMENTS_OFFLINE_ALLOWED="1", **env
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wsgi_start_up_refuses_open_payments():
    env = {k: v for k, v in PRODUCTION.items() if k != "STRIPE_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", "import marketplace.wsgi"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "TESTING"}},
            **env,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "payments.E001" in result.stderr


def test_the_offline_gateway_refuses_to_answer_in_production(settings):
    settings.DEBUG = settings.TESTING = False
    settings.PAYMENTS_OFFLINE_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        get_gateway()


@pytest.mark.django_db
def test_pay_now_answers_404_unless_offline_payments_are_allowed(
    client, settings, make_payable, payer
):
    # given a pending deposit and its payer, in a production process without offline payments
    payable = make_payable()
    client.force_login(payer)
    settings.DEBUG = settings.TESTING = False
    settings.PAYMENTS_OFFLINE_ALLOWED = False
    # when the payer presses the demo "pay now"
    response = client.post(f"/payments/checkout/{payable.pk}/pay/")
    # then nothing is paid
    assert response.status_code == 404
    payable.refresh_from_db()
    assert payable.state == Payable.State.PENDING
    # and with the explicit setting the offline installation pays as the demo does
    settings.PAYMENTS_OFFLINE_ALLOWED = True
    assert client.post(f"/payments/checkout/{payable.pk}/pay/").status_code == 302
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID


@pytest.mark.django_db
def test_a_test_mode_event_does_not_move_a_live_installations_money(client, settings, make_payable):
    # given a pending deposit whose (test-mode) intent succeeded
    payable = make_payable()
    intent = get_gateway().complete_intent(payable.payment_intent_id).raw
    payload, signature = signed_webhook("payment_intent.succeeded", intent)
    # when the installation runs on a live key and a livemode=false event arrives
    settings.STRIPE_SECRET_KEY = "sk_live_" + "a" * 24
    response = client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
    # then it is refused and nothing is recorded
    assert response.status_code == 400 and "livemode" in response.text
    assert WebhookEvent.objects.count() == 0
    payable.refresh_from_db()
    assert payable.state == Payable.State.PENDING


@pytest.mark.django_db
def test_a_checkout_get_creates_no_payment_intent(client, make_payable, payer):
    # given a deposit whose intent could not be created (gateway down at creation)
    with mock.patch(
        "marketplace.payments.gateway.stripe_gateway.StripeGateway.create_intent",
        side_effect=GatewayError("down"),
    ):
        payable = make_payable()
    assert payable.payment_intent_id == ""
    # when a read-only auditor and then the payer open the checkout page
    client.force_login(factories.UserFactory(role=User.Role.AUDITOR))
    assert client.get(payable.checkout_url).status_code == 200
    client.force_login(payer)
    assert client.get(payable.checkout_url).status_code == 200
    # then no intent exists; the payer's POST creates it
    payable.refresh_from_db()
    assert payable.payment_intent_id == ""
    assert client.post(f"/payments/checkout/{payable.pk}/start/").status_code == 302
    payable.refresh_from_db()
    assert payable.payment_intent_id.startswith("pi_")
