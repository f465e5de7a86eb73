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
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)  # what JSON can carry
    | st.text(max_size=30),
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


# ---------------------------------------------------------------- the hot path (issue 6, speed)


def _bid_url(auction):
    return f"/api/v1/listings/{auction.deal.listing_id}/bids/"


@pytest.mark.parametrize("case", ["unknown token", "inactive user"])
def test_the_bid_endpoint_refuses_a_bad_token_in_drf_s_own_words(case):
    # given a token that is unknown, or belongs to a user who was deactivated
    auction, (a, b) = live_auction()
    client = api_for(a.user)
    if case == "unknown token":
        client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    else:
        type(a.user).objects.filter(pk=a.user.pk).update(is_active=False)
    # when it bids, and calls an endpoint on DRF's stock token authentication
    refused = client.post(_bid_url(auction), {"amount_yuan": "500", "idempotency_key": "t"})
    stock = client.get("/api/v1/registrations/")
    # then both answer 401 with the same body
    assert refused.status_code == stock.status_code == 401
    assert refused.json() == stock.json()
    assert refused["WWW-Authenticate"] == "Token"


def test_a_losing_bid_costs_two_queries_and_takes_no_lock(django_assert_num_queries):
    # given a bid of 500 in place
    auction, (a, b) = live_auction()
    client = api_for(b.user)
    client.post(_bid_url(auction), {"amount_yuan": "500", "idempotency_key": "k1"}, format="json")
    client = api_for(a.user)
    # when another bidder offers 500 too: the token, then registration + auction + key at once
    with django_assert_num_queries(2) as captured:
        response = client.post(
            _bid_url(auction), {"amount_yuan": "500", "idempotency_key": "k2"}, format="json"
        )
    # then it is refused from that read, without the auction's lock (R-BID-2)
    assert response.status_code == 409 and response.json()["code"] == "bid_too_low"
    assert response.json()["next_min_yuan"] == "510.00"
    assert not any("FOR UPDATE" in q["sql"] for q in captured.captured_queries)


def test_a_replayed_key_is_answered_from_the_same_read_even_after_the_price_rose():
    # given a's bid of 500 (key "same"), then b's bid of 510
    auction, (a, b) = live_auction()
    first = api_for(a.user).post(
        _bid_url(auction), {"amount_yuan": "500", "idempotency_key": "same"}, format="json"
    )
    api_for(b.user).post(
        _bid_url(auction), {"amount_yuan": "510", "idempotency_key": "b1"}, format="json"
    )
    # when a's request is retried (its amount is now too low)
    again = api_for(a.user).post(
        _bid_url(auction), {"amount_yuan": "500", "idempotency_key": "same"}, format="json"
    )
    # then it is the stored bid, not a refusal
    assert again.status_code == 200
    assert again.json() == first.json() | {"close_at": again.json()["close_at"]}


def test_losing_bids_are_not_logged_as_warnings_but_refused_outsiders_are(caplog):
    auction, (a, b) = live_auction()
    client = api_for(a.user)
    client.post(_bid_url(auction), {"amount_yuan": "500", "idempotency_key": "k1"}, format="json")
    with caplog.at_level("WARNING", logger="django.request"):
        low = api_for(b.user).post(
            _bid_url(auction), {"amount_yuan": "500", "idempotency_key": "k2"}, format="json"
        )
        outsider = api_for(bidder()).post(
            _bid_url(auction), {"amount_yuan": "600", "idempotency_key": "k3"}, format="json"
        )
    assert (low.status_code, outsider.status_code) == (409, 403)
    logged = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert len(logged) == 1 and "Forbidden" in logged[0]


def test_the_one_statement_read_gives_the_values_the_orm_gives():
    from contracts.models import Auction, Registration
    from contracts.services import bidding
    from contracts.sql import instance

    # given an auction with a bid (a datetime, a price, a leader)
    auction, (a, b) = live_auction()
    api_for(a.user).post(
        _bid_url(auction), {"amount_yuan": "500", "idempotency_key": "k"}, format="json"
    )
    # when the hot path reads it
    row = bidding._BID_CONTEXT.one(
        ["k", auction.deal.listing_id, a.enterprise_id, Registration.State.QUALIFIED]
    )
    read = instance(Auction, row, "auction.")
    # then every value equals the ORM's (aware datetimes on SQLite too), and the key is known
    stored = Auction.objects.get(pk=auction.pk)
    for field in bidding._AUCTION_FIELDS:
        attname = Auction._meta.get_field(field).attname
        assert getattr(read, attname) == getattr(stored, attname), field
    assert read.start_at.tzinfo is not None
    assert instance(Registration, row, "registration.").bidder_number == a.bidder_number
    assert row["known_bid"] == auction.bids.get().pk


def test_the_poll_is_one_read_after_the_token_and_shows_each_viewer_their_own_number(
    django_assert_num_queries,
):
    # given a's bid, and b polling
    auction, (a, b) = live_auction()
    api_for(a.user).post(
        _bid_url(auction), {"amount_yuan": "500", "idempotency_key": "k"}, format="json"
    )
    client = api_for(b.user)
    url = f"/api/v1/listings/{auction.deal.listing_id}/auction/"
    # when b polls: token, then auction + leader + b's registration, then the bid list
    with django_assert_num_queries(3):
        first = client.get(url)
    # and polls again with the ETag: token, then the one read
    with django_assert_num_queries(2):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    # then b sees a as the leader and b's own number as theirs (R-BID-1: numbers only)
    assert again.status_code == 304
    body = first.json()
    assert body["leading_bidder_number"] == a.bidder_number
    assert body["my_bidder_number"] == b.bidder_number
    assert body["extension_seconds"] == 300 and body["close_at"] == auction.close_at.isoformat()
