"""R-BID-1 anonymity: during the auction no page, API response or error shows another bidder's
name, enterprise USCC, username or contact (every response each bidder gets is scanned)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from contracts.models import Auction
from tests.contracts.factories import live_auction

pytestmark = pytest.mark.django_db


def secrets_of(registration):
    user, enterprise = registration.user, registration.enterprise
    values = [
        user.username,
        user.display_name,
        enterprise.name,
        enterprise.uscc,
        enterprise.legal_representative,
    ]
    return [v for v in values if v]


def responses_of(registration, auction, others_keys):
    """Every page and API answer a bidder can get during the auction, refusals included."""
    listing_id = auction.deal.listing_id
    web = Client()
    web.force_login(registration.user)
    api = APIClient()
    api.force_authenticate(registration.user)
    bids = f"/api/v1/listings/{listing_id}/bids/"
    yield web.get(f"/deals/auctions/{listing_id}/")
    yield web.get("/deals/my/auctions/")
    yield web.get("/deals/my/registrations/")
    yield web.get("/console/")
    yield api.get(f"/api/v1/listings/{listing_id}/auction/")
    yield api.get("/api/v1/registrations/")
    yield api.post(bids, {"amount_yuan": "1", "idempotency_key": "low"}, format="json")
    yield api.post(bids, {"amount_yuan": "x", "idempotency_key": "bad"}, format="json")
    yield api.post(bids, {"amount_yuan": "505", "idempotency_key": "grid"}, format="json")
    # a key another bidder used must not reveal that bidder's bid
    for key in others_keys:
        yield api.post(bids, {"amount_yuan": "100000", "idempotency_key": key}, format="json")


RESERVE_FEN = 98_765  # R-BID-6: a secret reserve no bidder may see, in any form


def reserve_forms():
    # as money is written (not the bare fen, which a hash or a timestamp may contain by chance)
    return ["987.65", "98,765", "¥987"]


def test_no_response_names_another_bidder_during_the_auction_r_bid_1():
    # given a running auction with a secret reserve in which three bidders have bid
    auction, regs = live_auction(bidders=3, reserve_price_fen=RESERVE_FEN)
    keys = {}
    for i, reg in enumerate(regs):
        client = APIClient()
        client.force_authenticate(reg.user)
        key = f"bid-{reg.pk}"
        response = client.post(
            f"/api/v1/listings/{auction.deal.listing_id}/bids/",
            {"amount_yuan": str(500 + 10 * i), "idempotency_key": key},
            format="json",
        )
        assert response.status_code == 201
        keys[reg.pk] = key
    # when each bidder fetches everything it can
    for reg in regs:
        others = [o for o in regs if o.pk != reg.pk]
        forbidden = [s for o in others for s in secrets_of(o)] + reserve_forms()
        other_keys = [keys[o.pk] for o in others]
        for response in responses_of(reg, auction, other_keys):
            body = response.content.decode()
            # then nothing of the others appears
            for secret in forbidden:
                assert secret not in body, (response.request["PATH_INFO"], secret)
            assert response.status_code < 500
    assert Auction.objects.get(pk=auction.pk).bid_count >= 3


def test_staff_see_the_real_names_in_the_room(staff_user):
    auction, regs = live_auction(bidders=2)
    client = APIClient()
    client.force_authenticate(regs[0].user)
    client.post(
        f"/api/v1/listings/{auction.deal.listing_id}/bids/",
        {"amount_yuan": "500", "idempotency_key": "s1"},
        format="json",
    )
    staff = APIClient()
    staff.force_authenticate(staff_user)
    body = staff.get(f"/api/v1/listings/{auction.deal.listing_id}/auction/").json()
    assert body["bids"][0]["bidder_name"] == regs[0].enterprise.name
    web = Client()
    web.force_login(staff_user)
    assert web.get(f"/deals/auctions/{auction.deal.listing_id}/").status_code == 200
