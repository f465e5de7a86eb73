"""Prometheus metrics (`/metrics`, docs/operations.md; dashboards and alerts in deploy/).

Counters and histograms live in this process; under gunicorn with several workers set
`PROMETHEUS_MULTIPROC_DIR` (an empty folder, cleared at start) so the exposition sums them.
Gauges read from the database or the broker are computed at scrape time by `ExchangeCollector`.
"""

import os
import time

from django.conf import settings
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_LATENCY = Histogram(
    "exchange_http_request_duration_seconds",
    "Time from request to response, per route (the URL pattern, not the path).",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BID_OUTCOMES = Counter(
    "exchange_bid_attempts_total",
    "Bid attempts by outcome code (accepted or the refusal code).",
    ["code"],
)
AUCTION_CLOSE_DELAY = Histogram(
    "exchange_auction_close_delay_seconds",
    "Seconds between an auction's close time and its closing (R-BID-8).",
    buckets=(0.05, 0.1, 0.5, 1, 2, 5, 15, 60, 300),
)
WEBHOOKS = Counter(
    "exchange_webhook_events_total", "Stripe webhook deliveries by outcome.", ["outcome"]
)
TASK_FAILURES = Counter("exchange_celery_task_failures_total", "Celery task failures.", ["task"])


class ExchangeCollector:
    """Gauges computed when scraped: payout batches by state, the Celery queue's depth."""

    def collect(self):
        from django.db.models import Count

        from marketplace.payments.models import PayoutBatch

        batches = GaugeMetricFamily(
            "exchange_payout_batches", "Payout batches by state.", labels=["state"]
        )
        for row in PayoutBatch.objects.values("state").annotate(n=Count("id")):
            batches.add_metric([row["state"]], row["n"])
        yield batches
        depth = _queue_depth()
        if depth is not None:
            yield GaugeMetricFamily(
                "exchange_celery_queue_depth", "Messages waiting in the Celery queue.", value=depth
            )


def _queue_depth():
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return None
    try:
        import redis

        return redis.Redis.from_url(url, socket_timeout=1).llen("celery")
    except Exception:
        return None


def exposition() -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    body = generate_latest(registry)
    extra = CollectorRegistry()
    extra.register(ExchangeCollector())
    return body + generate_latest(extra), CONTENT_TYPE_LATEST


class RequestMetricsMiddleware:
    """Observes each request's latency under its route pattern (bounded label values)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match and match.route else "unmatched"
        REQUEST_LATENCY.labels(route, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        if match is not None and match.url_name == BID_ROUTE_NAME and request.method == "POST":
            BID_OUTCOMES.labels(_bid_outcome(response)).inc()
        return response


BID_ROUTE_NAME = "api-bids"


def _bid_outcome(response) -> str:
    """ "accepted" for a stored bid (201, or 200 for a replayed key), else the refusal's code."""
    if response.status_code in (200, 201):
        return "accepted"
    data = getattr(response, "data", None)
    code = data.get("code") if isinstance(data, dict) else None
    return str(code or response.status_code)[:40]
