"""A burst of concurrent requests against `runserver` on PostgreSQL: the bounded pool keeps the
server's connections at DB_POOL_MAX_SIZE and every request answers (issue: 56 of 1,200 requests
were HTML 500s, "too many clients", with one persistent connection per request thread)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
POOL_SIZE = 3
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("pool")]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pooled_runserver(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the pool is psycopg's (SQLite has no connection pool)")
    db = connection.settings_dict
    port = _free_port()
    app_name = f"pooltest{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "1",
        "TESTING": "0",
        "DB_POOL_MAX_SIZE": str(POOL_SIZE),
        "DB_POOL_MIN_SIZE": "1",
        "PGAPPNAME": app_name,
        "MEDIA_ROOT": str(tmp_path),
        "CELERY_BROKER_URL": "",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode()[-2000:])
                time.sleep(0.5)
        yield base, app_name
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _server_connections(app_name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [app_name]
        )
        return cursor.fetchone()[0]


def test_a_burst_gets_answers_and_the_server_keeps_its_connections_bounded(pooled_runserver):
    base, app_name = pooled_runserver
    seen = []

    def fetch(i):
        url = f"{base}/api/v1/listings/?page_size=5" if i % 2 else f"{base}/readyz"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=24) as pool:
        futures = [pool.submit(fetch, i) for i in range(120)]
        while not all(f.done() for f in futures):
            seen.append(_server_connections(app_name))
            time.sleep(0.05)
        statuses = [f.result() for f in futures]

    assert statuses.count(200) == len(statuses), sorted(set(statuses))
    assert max(seen) <= POOL_SIZE
