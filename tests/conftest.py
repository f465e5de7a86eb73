"""Shared pytest fixtures. Factories live in tests/factories.py (one module per app may add more)."""

import pytest
from django.db import connection

from tests import factories


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the search's price chart is kept a while)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def postgres_only():
    """Skip with a stated reason on SQLite: row locks and triggers need PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (select_for_update / triggers); set DATABASE_URL")


@pytest.fixture
def staff_user(db):
    return factories.UserFactory(role="exchange_staff", is_staff=True)


@pytest.fixture
def operator(db):
    return factories.OperatorFactory()


@pytest.fixture
def agribusiness_user(db):
    return factories.AgribusinessUserFactory()
