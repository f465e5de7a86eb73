"""Is the exchange healthy? Liveness, readiness checks, periodic-job runs, overload (docs/operations.md).

- `/healthz`: the process answers (no database, no broker): for the load balancer's liveness.
- `/readyz`: every dependency answers in time: the database, the broker, the private files'
  storage, Celery beat's heartbeat, and the periodic jobs that deadlines depend on (the auction
  sweep, R-BID-8, and the contract deadline sweep, R-DEAL-2/3) ran on schedule. 503 when any fails.
- Every run of a scheduled Celery task is recorded in `JobRun` (Celery signals), which is how
  readiness knows beat and the workers are alive.
- `database_unavailable(exc)` tells an overload or outage (pool exhausted, too many clients,
  server gone, SQLite busy) from a programming error, so it can be answered with 503, not 500.
"""

import logging
import time
import uuid
from pathlib import Path

from celery import shared_task
from celery.signals import task_failure, task_postrun, task_prerun
from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_TASK = "marketplace.heartbeat"
# Periodic jobs whose lateness makes the exchange unready: R-BID-8 and R-DEAL-2/3 depend on them.
CRITICAL_JOBS = ("contracts.tasks.sweep_auctions_task", "contract_documents.sweep_deadlines")

# SQLSTATEs of an unavailable or saturated server (class 08 connection exceptions as well).
_UNAVAILABLE_SQLSTATES = {"53300", "53400", "57P01", "57P02", "57P03"}


def database_unavailable(exc) -> bool:
    """True for a database that cannot serve now (an overload or outage), not a bad query."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    if type(cause).__name__ in {"PoolTimeout", "TooManyRequests", "PoolClosed"}:
        return True
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate in _UNAVAILABLE_SQLSTATES or sqlstate.startswith("08")
    text = str(exc).lower()
    markers = ("database is locked", "too many clients", "connection", "could not connect")
    return any(marker in text for marker in markers)


# ---------------------------------------------------------------- periodic job runs


def _scheduled_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def _record(task_name: str, **fields):
    if task_name not in _scheduled_task_names():
        return
    from .models import JobRun

    try:
        JobRun.objects.update_or_create(name=task_name, defaults=fields)
    except Exception:  # recording must never fail the job itself
        logger.exception("could not record the run of %s", task_name)


@task_prerun.connect
def _job_started(sender=None, **_):
    _record(sender.name, last_started_at=timezone.now())


@task_postrun.connect
def _job_finished(sender=None, state=None, **_):
    if state == "SUCCESS":
        _record(sender.name, last_succeeded_at=timezone.now(), last_error="")


@task_failure.connect
def _job_failed(sender=None, exception=None, **_):
    from .metrics import TASK_FAILURES

    TASK_FAILURES.labels(sender.name).inc()
    _record(sender.name, last_failed_at=timezone.now(), last_error=repr(exception)[:500])


@shared_task(name=HEARTBEAT_TASK, ignore_result=True)
def heartbeat():
    """Beat sends this every HEALTH_HEARTBEAT_SECONDS; its recorded run proves beat and a worker
    are alive (the task itself does nothing)."""
    return timezone.now().isoformat()


# ---------------------------------------------------------------- readiness checks


def _timed(check):
    started = time.perf_counter()
    try:
        state, detail = check()
    except Exception as exc:  # a check that raises has failed; say why, do not 500
        state, detail = "fail", f"{type(exc).__name__}: {exc}"[:300]
    return {
        "state": state,
        "detail": detail,
        "latency_ms": round(1000 * (time.perf_counter() - started), 1),
    }


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok", connection.vendor


def check_broker():
    if not settings.CELERY_BROKER_URL:
        return "skipped", "eager: tasks run in-process (no broker configured)"
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok", conn.transport_cls if isinstance(conn.transport_cls, str) else "broker"


def check_private_storage():
    root = Path(getattr(settings, "PRIVATE_MEDIA_ROOT", settings.MEDIA_ROOT))
    root.mkdir(parents=True, exist_ok=True)
    probe = root / f".readyz-{uuid.uuid4().hex}"
    probe.write_bytes(b"ok")
    probe.unlink()
    return "ok", "writable"


def _job_age_check(name: str, max_age_seconds: float):
    from .models import JobRun

    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return "skipped", "eager: no beat runs periodic jobs"
    run = JobRun.objects.filter(name=name).first()
    if run is None or run.last_succeeded_at is None:
        return "fail", "never ran"
    age = (timezone.now() - run.last_succeeded_at).total_seconds()
    state = "ok" if age <= max_age_seconds else "fail"
    return state, f"last success {age:.0f} s ago (limit {max_age_seconds:.0f} s)"


def _schedule_seconds(task_name: str) -> float:
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        if entry["task"] == task_name:
            schedule = entry["schedule"]
            if hasattr(schedule, "total_seconds"):
                return float(schedule.total_seconds())
            return float(schedule)
    return 0.0


def readiness() -> dict:
    """Each check's state ("ok", "fail", "skipped"), detail and latency; overall ok or fail."""
    checks = {
        "database": _timed(check_database),
        "broker": _timed(check_broker),
        "private_storage": _timed(check_private_storage),
        "beat_heartbeat": _timed(
            lambda: _job_age_check(HEARTBEAT_TASK, settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS)
        ),
    }
    for name in CRITICAL_JOBS:
        limit = settings.HEALTH_JOB_LATENESS_FACTOR * _schedule_seconds(name) + 60
        checks[name] = _timed(lambda name=name, limit=limit: _job_age_check(name, limit))
    ok = all(check["state"] != "fail" for check in checks.values())
    return {"status": "ok" if ok else "fail", "checks": checks}


def job_runs():
    from .models import JobRun

    return list(JobRun.objects.order_by("name"))
