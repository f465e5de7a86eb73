"""Money: integer fen in the database, Decimal yuan in arithmetic, converted only here.

Rounding is ROUND_HALF_UP to the fen. Never float: Decimals are built from str or int.
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
