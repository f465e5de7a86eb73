import pytest


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def python_clock(monkeypatch):
    """For tests that mock `timezone.now`: the PostgreSQL bid function uses that clock too
    (in production it reads the server clock after the lock, R-BID-3)."""
    from contracts.services import bidding

    monkeypatch.setattr(bidding, "CLOCK_FROM_PYTHON", True)


@pytest.fixture(params=["function", "python"])
def bid_engine(request, monkeypatch):
    """Both writers of accepted bids: PostgreSQL's `contracts_bid_place` and the Python one."""
    from django.db import connection

    from contracts.services import bidding

    if request.param == "function" and connection.vendor != "postgresql":
        pytest.skip("the bid function exists on PostgreSQL only; SQLite runs the Python engine")
    monkeypatch.setattr(bidding, "BID_ENGINE", request.param)
    return request.param
