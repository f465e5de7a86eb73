"""A real Celery worker on Redis runs a task queued by a service (STYLE.md: the integration test).

Unit tests run tasks eagerly; this one proves the production path: the service commits, its
on_commit hook sends the task to the broker, a separate worker process (its own database
connection to the same test database) runs it, and the result lands in the database.
"""

import os
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from marketplace.celery import app as celery_app
from tests import factories
from valuation import services
from valuation.models import ValuationReport

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]


@pytest.fixture
def worker(settings, tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("needs a broker: set CELERY_BROKER_URL (CI runs Redis)")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must share the test database")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "CELERY_INTEGRATION": "1",
        "TESTING": "1",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    queue = f"integration-{os.getpid()}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    yield proc
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_worker_on_redis_renders_the_valuation_pdf_queued_by_the_service(worker):
    # given a county with a valuer
    county = factories.CountyFactory()
    valuer = factories.UserFactory(role="exchange_staff", is_staff=True)
    # when a report is created (its PDF is queued on commit, not rendered in this process)
    report = services.valuation_report_create(
        valuer=valuer,
        subject_label="默戎镇 水田 10 亩",
        county=county,
        township=None,
        land_class="paddy",
        area_mu=Decimal("10"),
        term_years=Decimal("10"),
        method="income_capitalisation",
        inputs={"annual_income": "5000.00", "rate": "0.05", "years": "10"},
        on=date(2026, 11, 28),
    )
    # then the worker renders and stores it within a minute
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report = ValuationReport.objects.get(pk=report.pk)
        if report.pdf:
            break
        if worker.poll() is not None:
            pytest.fail("the worker exited:\n" + worker.stdout.read())
        time.sleep(0.5)
    assert report.pdf, "the worker did not render the PDF within 60 s"
    assert Path(settings.PRIVATE_MEDIA_ROOT, report.pdf.name).read_bytes().startswith(b"%PDF")
