"""Property-based tests of the engine's rules (R-BID-2/3/4): the service agrees with a small
reference model for any sequence of bids and clock movements."""

import datetime as dt
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import services
from contracts.errors import DomainError
from contracts.models import Auction, Registration
from tests.contracts.factories import live_auction

pytestmark = pytest.mark.django_db

START, INC = 50_000, 1_000
W = dt.timedelta(minutes=5)

step = st.tuples(
    st.integers(min_value=0, max_value=2),  # bidder
    st.integers(min_value=-2, max_value=3),  # increments above the next minimum
    st.booleans(),  # off the grid
    st.integers(min_value=0, max_value=400),  # seconds the clock moves first
)


def model_outcome(model, bidder, amount, now):
    """The rules in the order the engine applies them (amount checks need no clock)."""
    if amount < START:
        return "bid_too_low"
    if (amount - START) % INC:
        return "not_on_increment"
    next_min = START if model["price"] is None else model["price"] + INC
    if amount < next_min:
        return "bid_too_low"
    if now >= model["close_at"]:
        return "auction_closed"
    if model["leader"] == bidder:
        return "already_leading"
    model["price"], model["leader"] = amount, bidder
    if now + W > model["close_at"]:
        model["close_at"] = now + W
    return "accepted"


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(step, min_size=1, max_size=15))
def test_the_engine_agrees_with_the_reference_model_r_bid_2_3_4(python_clock, bid_engine, steps):
    # given a fresh auction closing in 10 minutes
    auction, regs = live_auction(
        bidders=3, start_price_fen=START, increment_fen=INC, close_in=dt.timedelta(minutes=10)
    )
    clock = [auction.close_at - dt.timedelta(minutes=10)]  # the factory's "now", exactly
    model = {"price": None, "leader": None, "close_at": auction.close_at}
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock[0]):
        for n, (bidder, extra, off_grid, seconds) in enumerate(steps):
            clock[0] += dt.timedelta(seconds=seconds)
            next_min = START if model["price"] is None else model["price"] + INC
            amount = next_min + extra * INC + (37 if off_grid else 0)
            expected = model_outcome(model, bidder, amount, clock[0])
            registration = Registration.objects.select_related("deal__auction").get(
                pk=regs[bidder].pk
            )
            # when the bid is placed
            try:
                services.bid_place(
                    registration=registration,
                    amount=f"{amount / 100:.2f}",
                    idempotency_key=f"p{n}",
                )
                outcome = "accepted"
            except DomainError as exc:
                outcome = exc.code
            # then the service decides as the rules say
            assert outcome == expected, (n, amount, clock[0])
    stored = Auction.objects.get(pk=auction.pk)
    assert stored.current_price_fen == model["price"]
    assert stored.close_at == model["close_at"]
    leader = regs[model["leader"]].pk if model["leader"] is not None else None
    assert stored.leading_registration_id == leader


@given(
    yuan=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
)
def test_amounts_with_two_decimals_parse_exactly(yuan):
    if yuan <= 0:
        with pytest.raises(DomainError):
            services.parse_amount_fen(str(yuan))
    else:
        assert services.parse_amount_fen(str(yuan)) == int(yuan * 100)
