"""Operators' endpoints: liveness, readiness, metrics, and the staff page of the same checks."""

import hmac

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import health, metrics
from .permissions import permission_required


@never_cache
def healthz(request):
    """The process answers (touches nothing else)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Every dependency in time: 200 when all pass or are skipped, 503 with each check's state."""
    report = health.readiness()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@never_cache
def metrics_view(request):
    """Prometheus exposition; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse(status=401)
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


@never_cache
@permission_required("marketplace.read_staff_pages")
def health_page(request):
    """The same checks for staff, with the last runs of each periodic job."""
    return render(
        request,
        "marketplace/health.html",
        {"report": health.readiness(), "runs": health.job_runs()},
    )
