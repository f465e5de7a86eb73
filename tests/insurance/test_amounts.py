"""R-INS-2 and R-INS-5: claim amounts and their two parts, to the fen (no database)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from contracts.insurance.amounts import claim_amount_fen, claim_parts_fen
from marketplace.money import split_fen

YUAN_400 = 40_000  # fen per mu (R-INS-1 default)


@pytest.mark.parametrize(
    ("per_mu", "rate", "damaged", "insured", "expected"),
    [
        # fire: 100 % of 400 yuan x 12.5 mu = 5000 yuan
        (YUAN_400, 100, "12.5", "20", 500_000),
        # pests 35 % x 3.3333 mu: 40000 x 0.35 x 3.3333 = 46666.2 -> 46666 fen
        (YUAN_400, 35, "3.3333", "10", 46_666),
        # half-up: 40000 x 0.125 x 0.0001 = 0.5 fen -> 1 fen
        (YUAN_400, "12.5", "0.0001", "1", 1),
        # 0.49 fen rounds down
        (YUAN_400, "12.25", "0.0001", "1", 0),
        # the whole parcel burnt: exactly the sum insured
        (YUAN_400, 100, "7.1234", "7.1234", 284_936),
        # zero loss rate
        (YUAN_400, 0, "5", "5", 0),
        # odd sum insured per mu (333.33 yuan), 100 % x 0.0003 mu = 9.9999 fen -> 10
        (33_333, 100, "0.0003", "1", 10),
    ],
)
def test_claim_amount_is_sum_insured_times_loss_rate_times_damaged_area(
    per_mu, rate, damaged, insured, expected
):
    # when / then (R-INS-2)
    assert (
        claim_amount_fen(
            sum_insured_per_mu_fen=per_mu,
            loss_rate_pct=rate,
            damaged_mu=damaged,
            insured_mu=insured,
        )
        == expected
    )


def test_the_claim_never_exceeds_the_parcels_sum_insured():
    # given a per-mu sum whose product rounds up past the parcel's rounded cap
    # 33333.5 x 1 mu insured = 33333.5 -> cap 33334; damaged 1 mu at 100 % = 33334 (not above)
    amount = claim_amount_fen(
        sum_insured_per_mu_fen=Decimal("33333.5"), loss_rate_pct=100, damaged_mu=1, insured_mu=1
    )
    # then (R-INS-2)
    assert amount == 33_334
    cap = claim_amount_fen(
        sum_insured_per_mu_fen=YUAN_400, loss_rate_pct=100, damaged_mu="2.5", insured_mu="2.5"
    )
    assert cap == YUAN_400 * 25 // 10


@pytest.mark.parametrize("rate", [-1, "100.01", 101])
def test_it_refuses_a_loss_rate_outside_0_to_100(rate):
    with pytest.raises(ValueError, match=r"loss_rate_pct.*R-INS-2"):
        claim_amount_fen(
            sum_insured_per_mu_fen=YUAN_400, loss_rate_pct=rate, damaged_mu=1, insured_mu=2
        )


def test_it_refuses_a_damaged_area_above_the_insured_area():
    with pytest.raises(ValueError, match=r"damaged_mu.*insured area.*R-INS-2"):
        claim_amount_fen(
            sum_insured_per_mu_fen=YUAN_400, loss_rate_pct=50, damaged_mu="2.0001", insured_mu=2
        )


def test_it_refuses_floats():
    with pytest.raises(ValueError, match="damaged_mu"):
        claim_amount_fen(
            sum_insured_per_mu_fen=YUAN_400, loss_rate_pct=50, damaged_mu=1.5, insured_mu=2
        )


@pytest.mark.parametrize(
    ("claim", "first", "second"),
    [
        (0, 0, 0),
        (1, 1, 0),
        (2, 1, 1),
        (3, 2, 1),
        (500_000, 250_000, 250_000),
        (46_667, 23_334, 23_333),
    ],
)
def test_the_two_parts_add_up_to_the_claim_first_half_up(claim, first, second):
    # when (R-INS-5)
    parts = claim_parts_fen(claim)
    # then
    assert parts == (first, second)
    assert sum(parts) == claim


def test_three_holders_with_a_third_each_share_each_part_to_the_fen():
    # given a fire claim of 1000.01 yuan and three holders of 1/3 each
    claim = claim_amount_fen(
        sum_insured_per_mu_fen=YUAN_400, loss_rate_pct=100, damaged_mu="2.500025", insured_mu=3
    )
    assert claim == 100_001
    first, second = claim_parts_fen(claim)
    assert (first, second) == (50_001, 50_000)
    shares = {"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(1, 3)}
    # when (R-INS-5)
    first_parts = split_fen(first, shares)
    second_parts = split_fen(second, shares)
    # then: each part adds up to the fen, nobody differs by more than a fen
    assert first_parts == {"a": 16_667, "b": 16_667, "c": 16_667}
    assert second_parts == {"a": 16_667, "b": 16_667, "c": 16_666}
    assert sum(first_parts.values()) + sum(second_parts.values()) == claim


def test_it_refuses_a_negative_or_fractional_claim():
    with pytest.raises(ValueError, match="claim_fen"):
        claim_parts_fen(-1)
    with pytest.raises(ValueError, match="claim_fen"):
        claim_parts_fen(Decimal("1.5"))
