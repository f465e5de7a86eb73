"""Review of the bidding hot path (docs/bidding.md): input both engines must treat alike, and
the bid chain's anchor (R-BID-3, R-BID-8)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from contracts import services
from contracts.errors import InvalidKey
from contracts.models import Bid, Registration
from tests.contracts.factories import live_auction

pytestmark = pytest.mark.django_db


def place(registration, amount, key):
    registration = Registration.objects.select_related("deal__auction").get(pk=registration.pk)
    return services.bid_place(registration=registration, amount=amount, idempotency_key=key)


@pytest.mark.parametrize("key", ["k\n", "a" * 64 + "\n"])
def test_a_key_with_a_trailing_newline_is_refused_by_both_engines(bid_engine, key):
    """`$` also matches before a final newline: such a key was accepted, and the function's
    hand-built JSON (no escaping) then hashed it differently from `bid_chain_body`, so the
    chain no longer verified (a bidder could make an honest auction look tampered with); 65
    characters were a 500 on PostgreSQL and stored on SQLite."""
    auction, (a, b) = live_auction()
    with pytest.raises(InvalidKey):
        place(a, "500", key)
    assert not Bid.objects.exists()


@pytest.mark.parametrize("key", ["k\n", "a" * 64 + "\n"])
def test_the_api_answers_a_key_with_a_trailing_newline_422(key):
    auction, (a, b) = live_auction()
    client = APIClient()
    client.force_authenticate(a.user)
    response = client.post(
        f"/api/v1/listings/{auction.deal.listing_id}/bids/",
        {"amount_yuan": "500", "idempotency_key": key},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Bid.objects.exists()


def test_the_engine_in_use_matches_the_database():
    assert services.bidding.use_bid_function() == (connection.vendor == "postgresql")
