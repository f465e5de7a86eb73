"""URLs for the overload tests: views that meet an unavailable database."""

import psycopg
from django.db.utils import OperationalError
from django.urls import include, path
from psycopg_pool import PoolTimeout


def _pool_exhausted(request):
    try:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
    except psycopg.OperationalError as exc:
        raise OperationalError(str(exc)) from exc


def _bad_query(request):
    raise OperationalError("no such column: nonsense")


urlpatterns = [
    path("api/v1/busy/", _pool_exhausted),
    path("busy/", _pool_exhausted),
    path("broken/", _bad_query),
    path("", include("marketplace.urls")),
]
