"""Web processes warm up before their first request (issue 17 §7: the first run after a start
had the worst p99): marketplace/warmup.py, called by marketplace/wsgi.py."""

from django.db import OperationalError, connection
from django.urls import get_resolver

from marketplace.warmup import HOT_PATHS, warm_up


def test_the_hot_routes_resolve_to_the_bidding_api(monkeypatch):
    monkeypatch.setattr(connection, "ensure_connection", lambda: None)
    assert warm_up() >= 0
    names = {get_resolver().resolve(path).url_name for path in HOT_PATHS}
    assert names == {"api-bids", "api-auction", "api-listings"}


def test_a_database_not_reachable_at_start_is_a_warning_not_a_failed_start(monkeypatch, caplog):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    with caplog.at_level("WARNING", logger="marketplace.warmup"):
        warm_up()
    assert "no database connection yet" in caplog.text
