"""The bidding API (issue 6 §6): token auth, registrations, auction state, bids, refusals."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.contracts.factories import announced_listing, bidder, live_auction

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pw-12345678"}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_registering_through_the_api_returns_the_deposit_to_pay():
    listing = announced_listing(deposit_fen=150_000)
    client = api_for(bidder())
    response = client.post(f"/api/v1/listings/{listing.pk}/registrations/", {}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "awaiting_deposit" and body["bidder_number"] is None
    assert body["deposit"]["amount_yuan"] == "1500.00"
    assert body["deposit"]["state"] == "pending"
    assert body["deposit"]["payment_intent_id"]
    assert body["deposit"]["checkout_url"].startswith("http")
    mine = client.get("/api/v1/registrations/").json()
    assert [r["id"] for r in mine] == [body["id"]]


def test_a_refused_registration_is_a_4xx_with_a_code_r_reg_6():
    listing = announced_listing()
    from tests import factories as kernel

    staff = kernel.UserFactory(role="exchange_staff")
    response = api_for(staff).post(f"/api/v1/listings/{listing.pk}/registrations/", format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "registration_refused"


def test_the_auction_state_has_every_documented_field():
    auction, (a, b) = live_auction()
    client = api_for(a.user)
    client.post(
        f"/api/v1/listings/{auction.deal.listing_id}/bids/",
        {"amount_yuan": "500.00", "idempotency_key": "first"},
        format="json",
    )
    body = client.get(f"/api/v1/listings/{auction.deal.listing_id}/auction/").json()
    for key in [
        "state",
        "start_at",
        "close_at",
        "server_time",
        "start_price_yuan",
        "increment_yuan",
        "current_price_yuan",
        "next_min_yuan",
        "leading_bidder_number",
        "my_bidder_number",
        "bid_count",
        "bids",
    ]:
        assert key in body
    assert body["state"] == "open"
    assert body["current_price_yuan"] == "500.00" and body["next_min_yuan"] == "510.00"
    assert body["leading_bidder_number"] == a.bidder_number == body["my_bidder_number"]
    assert body["bids"] == [
        {
            "bidder_number": a.bidder_number,
            "amount_yuan": "500.00",
            "placed_at": body["bids"][0]["placed_at"],
        }
    ]


def test_the_auction_state_answers_304_when_nothing_changed():
    auction, (a, b) = live_auction()
    client = api_for(a.user)
    url = f"/api/v1/listings/{auction.deal.listing_id}/auction/"
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    api_for(b.user).post(
        f"/api/v1/listings/{auction.deal.listing_id}/bids/",
        {"amount_yuan": "500", "idempotency_key": "x1"},
        format="json",
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_bid_is_201_and_the_same_key_again_is_200_with_the_same_bid():
    auction, (a, b) = live_auction()
    client = api_for(a.user)
    url = f"/api/v1/listings/{auction.deal.listing_id}/bids/"
    first = client.post(url, {"amount_yuan": "500.00", "idempotency_key": "abc"}, format="json")
    again = client.post(url, {"amount_yuan": "500.00", "idempotency_key": "abc"}, format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert set(first.json()) == {"id", "amount_yuan", "placed_at", "bidder_number", "close_at"}


@pytest.mark.parametrize(
    ("setup", "amount", "code", "status"),
    [
        ("open", "499", "bid_too_low", 409),
        ("open", "505", "not_on_increment", 422),
        ("open", "abc", "invalid_amount", 422),
        ("leading", "520", "already_leading", 409),
        ("future", "500", "auction_not_open", 409),
        ("closed", "500", "auction_closed", 409),
        ("outsider", "500", "not_qualified", 403),
    ],
)
def test_refusals_have_their_code(setup, amount, code, status):
    start = dt.timedelta(hours=1) if setup == "future" else -dt.timedelta(minutes=1)
    from django.utils import timezone

    auction, (a, b) = live_auction(start_at=timezone.now() + start)
    user = bidder() if setup == "outsider" else a.user
    client = api_for(user)
    url = f"/api/v1/listings/{auction.deal.listing_id}/bids/"
    if setup == "leading":
        client.post(url, {"amount_yuan": "500", "idempotency_key": "lead"}, format="json")
    if setup == "closed":
        from contracts.models import Auction

        Auction.objects.filter(pk=auction.pk).update(state="closed")
    response = client.post(url, {"amount_yuan": amount, "idempotency_key": "r1"}, format="json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_anonymous_requests_are_refused():
    auction, _ = live_auction()
    response = APIClient().post(
        f"/api/v1/listings/{auction.deal.listing_id}/bids/", {}, format="json"
    )
    assert response.status_code in (401, 403)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    amount=JSON | st.decimals(allow_nan=True, allow_infinity=True).map(str),
    key=JSON,
    body_kind=st.sampled_from(["object", "raw"]),
    listing_id=st.sampled_from(["own", "0", "99999999999999999999999", "-1", "abc"]),
)
def test_no_input_gives_a_5xx(amount, key, body_kind, listing_id):
    # given a live auction (built once per test, reused across hypothesis examples)
    auction, client = _fuzz_setup()
    target = auction.deal.listing_id if listing_id == "own" else listing_id
    url = f"/api/v1/listings/{target}/bids/"
    # when anything at all is posted
    if body_kind == "object":
        response = client.post(url, {"amount_yuan": amount, "idempotency_key": key}, format="json")
    else:
        response = client.generic(
            "POST", url, data=str(amount)[:200], content_type="application/json"
        )
    state = client.get(f"/api/v1/listings/{target}/auction/")
    # then the answer is never a server error, and refusals carry a code
    assert response.status_code < 500, response.content
    assert state.status_code < 500
    if response.status_code >= 400 and response["Content-Type"] == "application/json":
        assert "code" in response.json()  # (paths the URLconf does not match are plain 404s)


_CACHE = {}


def _fuzz_setup():
    from contracts.models import Auction

    cached = _CACHE.get("auction")
    if cached is None or not Auction.objects.filter(pk=cached[0].pk).exists():
        auction, (a, _b) = live_auction()
        _CACHE["auction"] = (auction, api_for(a.user))
    return _CACHE["auction"]
