"""Settings from the environment, deploy checks, and the idempotent demo seed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marketplace.models import Enterprise, Household, User

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "TESTING", "SECRET_KEY", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_with_production_settings_prints_no_warning():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-a-long-and-random-production-secret-key-for-the-check",
        ALLOWED_HOSTS="exchange.example.cn",
        STRIPE_SECRET_KEY="sk_live_" + "a" * 24,
        STRIPE_WEBHOOK_SECRET="whsec_" + "b" * 32,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")


@pytest.mark.django_db(transaction=True)
def test_seed_demo_run_twice_creates_nothing_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Household.objects.count(), Enterprise.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Household.objects.count(), Enterprise.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 30 and counts[1] >= 6
    for household in Household.objects.all():
        household.full_clean()
    for enterprise in Enterprise.objects.all():
        enterprise.full_clean()
    station = User.objects.get(username="station")
    assert station.check_password("demo12345")
    assert str(station.station.township) == "古丈县默戎镇"
    assert {"bidder1", "bidder2", "bidder3"} <= set(
        User.objects.filter(role="agribusiness").values_list("username", flat=True)
    )
    assert len({u.enterprise_id for u in User.objects.filter(username__startswith="bidder")}) == 3
