"""Operations: liveness, readiness (beat and the sweeps), metrics, JSON errors under /api/, and
503 with Retry-After when the database cannot serve (docs/operations.md)."""

import sys
from datetime import timedelta

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

from marketplace import error_views, health
from marketplace.models import JobRun
from tests import factories

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_green_in_the_embedded_setup_with_what_is_not_used_skipped(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"]["state"] == "ok"
    assert checks["private_storage"]["state"] == "ok"
    assert checks["broker"]["state"] == "skipped"
    assert checks["beat_heartbeat"]["state"] == "skipped"
    assert all("latency_ms" in check for check in checks.values())


@pytest.fixture
def with_a_broker(settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "check_broker", lambda: ("ok", "redis"))


def _ran(name, seconds_ago):
    JobRun.objects.update_or_create(
        name=name, defaults={"last_succeeded_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


def test_readyz_turns_red_when_beat_stops(client, with_a_broker, settings):
    # given the sweeps ran on time and the heartbeat was last seen 10 s ago
    for job in health.CRITICAL_JOBS:
        _ran(job, 5)
    _ran(health.HEARTBEAT_TASK, 10)
    assert client.get("/readyz").status_code == 200
    # when beat stops: no heartbeat for longer than the limit
    _ran(health.HEARTBEAT_TASK, settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS + 1)
    response = client.get("/readyz")
    # then readiness fails, naming the heartbeat
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["beat_heartbeat"]["state"] == "fail"


def test_readyz_turns_red_when_the_auction_sweep_is_late(client, with_a_broker):
    # the auction sweep runs every 30 s: three intervals + 60 s late is a failure (R-BID-8)
    _ran(health.HEARTBEAT_TASK, 1)
    _ran("contract_documents.sweep_deadlines", 1)
    _ran("contracts.tasks.sweep_auctions_task", 3 * 30 + 61)
    body = client.get("/readyz").json()
    assert body["checks"]["contracts.tasks.sweep_auctions_task"]["state"] == "fail"
    assert body["checks"]["contract_documents.sweep_deadlines"]["state"] == "ok"


def test_a_scheduled_task_records_its_run():
    health.heartbeat.apply()
    run = JobRun.objects.get(name=health.HEARTBEAT_TASK)
    assert run.last_started_at and run.last_succeeded_at


def test_an_unknown_api_address_answers_json_and_a_page_answers_the_site_page(client):
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/json"
    assert api.json()["code"] == "not_found"
    page = client.get("/deals/no-such-page/")
    assert page.status_code == 404
    assert "text/html" in page["Content-Type"]


@pytest.fixture
def overload_client(settings):
    settings.ROOT_URLCONF = "tests.marketplace.overload_urls"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_an_exhausted_pool_is_a_json_503_with_retry_after_on_the_api(overload_client):
    response = overload_client.get("/api/v1/busy/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(error_views.RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "service_unavailable"


def test_an_exhausted_pool_is_the_sites_busy_page_on_pages(overload_client):
    response = overload_client.get("/busy/")
    assert response.status_code == 503
    assert "系统繁忙" in response.content.decode()


def test_a_bad_query_is_still_a_500_not_hidden_as_overload(overload_client):
    response = overload_client.get("/broken/")
    assert response.status_code == 500


def test_the_500_handler_answers_503_for_an_unavailable_database(rf):
    request = rf.get("/api/v1/listings/")
    try:
        raise OperationalError("FATAL: sorry, too many clients already")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = error_views.server_error(request)
    assert response.status_code == 503


def test_metrics_expose_route_latency_and_payout_batches(client):
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert (
        'exchange_http_request_duration_seconds_count{method="GET",route="healthz",status="200"}'
        in text
    )
    assert "exchange_payout_batches" in text


def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


def test_the_health_page_is_for_staff_and_auditors_only(client):
    staff = factories.UserFactory(role="exchange_staff")
    client.force_login(staff)
    page = client.get("/console/health/")
    assert page.status_code == 200
    assert 'data-check="database"' in page.content.decode()
    client.force_login(factories.AgribusinessUserFactory())
    assert client.get("/console/health/").status_code == 403


def test_bid_outcomes_are_counted_by_code():
    from rest_framework.response import Response

    from marketplace.metrics import _bid_outcome

    assert _bid_outcome(Response({"id": 1}, status=201)) == "accepted"
    assert _bid_outcome(Response({"id": 1}, status=200)) == "accepted"
    assert _bid_outcome(Response({"code": "bid_too_low"}, status=409)) == "bid_too_low"


def test_an_auction_closed_late_is_observed_as_its_delay():
    from types import SimpleNamespace

    from contracts import signals
    from marketplace.metrics import AUCTION_CLOSE_DELAY

    def observed():
        return {s.name: s.value for s in AUCTION_CLOSE_DELAY.collect()[0].samples}

    before = observed()
    close_at = timezone.now()
    auction = SimpleNamespace(close_at=close_at, closed_at=close_at + timedelta(seconds=1.5))
    signals.auction_closed.send(sender=None, deal=None, auction=auction)
    after = observed()
    assert after["exchange_auction_close_delay_seconds_sum"] - before.get(
        "exchange_auction_close_delay_seconds_sum", 0
    ) == pytest.approx(1.5)
