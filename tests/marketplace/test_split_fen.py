"""marketplace.money.split_fen: largest remainder, whole fen, adds up exactly (R-STORE-6, R-INS-5)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.money import MoneyError, split_fen


def test_three_equal_holders_share_an_odd_fen_with_the_first_key_taking_the_tie():
    # given 100 fen and three holders of 1/3 each (R-INS-5)
    # when it is split
    parts = split_fen(100, {"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(1, 3)})
    # then 34 + 33 + 33: the tie of remainders goes to the earlier key
    assert parts == {"a": 34, "b": 33, "c": 33}


def test_the_largest_remainder_wins_over_the_earlier_key():
    # 10 fen by areas 1, 2, 3.5 mu: exact 1.538, 3.077, 5.385 -> 1, 3, 5 + 1 to the .538
    assert split_fen(10, {"x": Decimal("1"), "y": Decimal("2"), "z": Decimal("3.5")}) == {
        "x": 2,
        "y": 3,
        "z": 5,
    }


def test_a_zero_weight_gets_nothing_and_decimal_strings_are_weights():
    assert split_fen(7, {"a": "0", "b": "1.5", "c": "1.5"}) == {"a": 0, "b": 4, "c": 3}


@pytest.mark.parametrize(
    "total,weights",
    [
        (-1, {"a": 1}),
        (1.0, {"a": 1}),
        (10, {}),
        (10, {"a": 0, "b": 0}),
        (10, {"a": -1, "b": 2}),
        (10, {"a": 0.5}),
    ],
)
def test_bad_input_is_refused(total, weights):
    with pytest.raises(MoneyError):
        split_fen(total, weights)


@given(
    st.integers(min_value=0, max_value=10**12),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(any),
)
def test_parts_are_whole_fen_adding_up_exactly_and_within_one_fen_of_the_exact_share(
    total, weights
):
    named = {f"k{i}": w for i, w in enumerate(weights)}
    parts = split_fen(total, named)
    assert sum(parts.values()) == total
    whole = sum(weights)
    for key, weight in named.items():
        exact = Fraction(total * weight, whole)
        assert abs(parts[key] - exact) < 1
