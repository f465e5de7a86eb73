"""How many results a search says (issue 17 §6, R-LIST-7): exact up to a bound, PostgreSQL's
planner estimate above it, and the answer says which (`count_is_exact`)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from listings import search
from tests.contracts.factories import announced_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_listings():
    return [announced_listing() for _ in range(3)]


def query(**params):
    return search.listing_search(search.parse_query(params))


def test_r_list_7_the_count_is_exact_up_to_the_bound(three_listings):
    assert search.search_count(query(), exact_up_to=3) == (3, True)
    assert search.search_count(query(q="没有这个词"), exact_up_to=3) == (0, True)


def test_r_list_7_above_the_bound_postgresql_estimates_and_says_so(three_listings):
    count, exact = search.search_count(query(), exact_up_to=2)
    if connection.vendor == "postgresql":
        # never fewer than the rows already seen; the figure is the planner's
        assert exact is False and count >= 3
    else:  # SQLite (development): no planner estimate, the exact figure
        assert (count, exact) == (3, True)


def test_r_list_7_the_api_says_whether_its_count_is_exact(three_listings, monkeypatch):
    body = APIClient().get("/api/v1/listings/").json()
    assert (body["count"], body["count_is_exact"]) == (3, True)
    monkeypatch.setattr(search.ListingPaginator, "count_exact_up_to", 2)
    body = APIClient().get("/api/v1/listings/", {"page_size": 2}).json()
    assert len(body["results"]) == 2
    assert body["count_is_exact"] is (connection.vendor != "postgresql")
    assert body["count"] >= 3 and body["next"]


def test_r_list_7_the_index_page_uses_the_same_count(three_listings, monkeypatch, rf):
    from cms.listing_pages import listing_index_context

    monkeypatch.setattr(search.ListingPaginator, "count_exact_up_to", 2)
    context = listing_index_context(rf.get("/listings/"))
    paginator = context["page_obj"].paginator
    assert paginator.count >= 3
    assert paginator.count_is_exact is (connection.vendor != "postgresql")
