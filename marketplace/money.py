"""Money: integer fen in the database, Decimal yuan in arithmetic, converted only here.

Rounding is ROUND_HALF_UP to the fen. Never float: Decimals are built from str or int.
This module holds every rounding of the project except areas (`listings.geometry`) and the pure
formula modules (`valuation.formulas`, `contracts.insurance.amounts`), which may not import it:
`tests/test_one_rounding.py` keeps `.quantize(` and `ROUND_` out of every other module.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
YUAN_PER_WAN = Decimal(10000)


class MoneyError(ValueError):
    pass


def to_decimal(value) -> Decimal:
    """A Decimal from int, str or Decimal; float is refused (it cannot hold 0.1 exactly)."""
    if isinstance(value, bool | float):
        raise MoneyError(f"money must not be a float or bool: {value!r}")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip().replace(",", "").replace("¥", ""))
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return result


def round_yuan(amount) -> Decimal:
    """Round a yuan amount half-up to the fen."""
    return to_decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def round_fen(amount_fen) -> int:
    """An amount in fen (Decimal/str/int, e.g. a fen price × an area) to whole fen, half-up."""
    return int(to_decimal(amount_fen).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_half_up(value, places: int = 2) -> Decimal:
    """A figure that is not an area (years, a rate, a share) half-up to `places` decimals."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def has_at_most_places(value, places: int = 2) -> bool:
    """True when `value` has no digit beyond `places` decimals (1000.50 yes, 1000.505 no)."""
    value = to_decimal(value)
    return value == value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def yuan_to_fen(amount) -> int:
    """Yuan (Decimal/str/int) to integer fen, rounded half-up."""
    return int(round_yuan(amount) * 100)


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen to Decimal yuan with two places."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise MoneyError(f"fen must be an int: {fen!r}")
    return (Decimal(fen) / 100).quantize(FEN)


def ceil_yuan(amount) -> Decimal:
    """Round up to whole yuan (R-REG-4 deposits)."""
    return to_decimal(amount).quantize(Decimal(1), rounding=ROUND_CEILING)


def format_yuan(amount, *, symbol=True) -> str:
    """¥12,345.60 — grouped thousands, always two decimals."""
    value = round_yuan(amount)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.2f}"
    return f"{sign}{'¥' if symbol else ''}{text}"


def format_wan_yuan(amount) -> str:
    """1.23万元 — large sums in ten-thousands of yuan, two decimals."""
    value = (to_decimal(amount) / YUAN_PER_WAN).quantize(FEN, rounding=ROUND_HALF_UP)
    return f"{value:,.2f}万元"


def split_fen(total_fen: int, weights: dict) -> dict:
    """Split `total_fen` into whole fen by `weights`, largest remainder first (R-STORE-6, R-INS-5).

    The parts add up to `total_fen` exactly. `weights` maps keys to non-negative numbers (int,
    Decimal, Fraction or str; never float), at least one positive; a key of weight 0 gets 0.
    Remainders are compared exactly; a tie goes to the key that comes first in `weights`.
    """
    from fractions import Fraction

    if isinstance(total_fen, bool) or not isinstance(total_fen, int) or total_fen < 0:
        raise MoneyError(f"total_fen must be a non-negative int: {total_fen!r}")
    if not weights:
        raise MoneyError("weights must not be empty")
    exact = {}
    for key, weight in weights.items():
        if isinstance(weight, bool | float):
            raise MoneyError(f"weight must not be a float or bool: {weight!r}")
        value = Fraction(to_decimal(weight)) if not isinstance(weight, Fraction) else weight
        if value < 0:
            raise MoneyError(f"weight must not be negative: {key!r}={weight!r}")
        exact[key] = value
    whole = sum(exact.values())
    if whole == 0:
        raise MoneyError("at least one weight must be positive")
    shares = {key: total_fen * value / whole for key, value in exact.items()}
    parts = {key: int(share) for key, share in shares.items()}  # floor: shares are >= 0
    left = total_fen - sum(parts.values())
    order = list(exact)
    by_remainder = sorted(order, key=lambda k: (-(shares[k] - parts[k]), order.index(k)))
    for key in by_remainder[:left]:
        parts[key] += 1
    return parts
