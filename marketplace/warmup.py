"""Warm a web process before it takes traffic (marketplace/wsgi.py: each gunicorn worker, and
runserver, load it first).

A cold process spends its first request importing every view module through the URLconf
(≈0.5 s of CPU, numpy included), loading the translation catalogues and connecting to the
database: that request, and every bid queued behind it, waited (issue 17 §7: the first run
after a start had the worst p99). Here that work is done once, at start, outside any request.
A database that is not reachable yet only logs a warning: the process still starts, and
/readyz says what is wrong.
"""

import logging
import time

logger = logging.getLogger(__name__)

# The hot routes of a live auction: resolving them imports their views, serializers and
# authentication, and builds the resolver's caches.
HOT_PATHS = ("/api/v1/listings/1/bids/", "/api/v1/listings/1/auction/", "/api/v1/listings/")


def warm_up() -> float:
    """Import, resolve, translate and connect once; returns the seconds it took."""
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.urls import get_resolver
    from django.utils import translation

    started = time.monotonic()
    resolver = get_resolver()
    for path in HOT_PATHS:
        resolver.resolve(path)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Not found.")
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        logger.warning("warm-up: no database connection yet: %s", exc)
    finally:
        connection.close()  # back to the pool (or closed): the request threads open their own
    seconds = time.monotonic() - started
    logger.info("warm-up done in %.2f s", seconds)
    return seconds
