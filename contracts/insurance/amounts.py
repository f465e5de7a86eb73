"""Forest insurance amounts (R-INS-2, R-INS-5): pure functions, standard library only.

Arguments are int, Decimal or str (never float); results are whole fen. Nonsense is refused with a
`ValueError` whose message starts with the argument's name and names the rule.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

HUNDRED = Decimal(100)
FIRE_LOSS_RATE_PCT = HUNDRED  # R-INS-2: a fire destroys the stand


def _decimal(name, value) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError(f"{name}: a float or bool is not an amount ({value!r})")
    try:
        result = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{name}: not a number ({value!r})") from exc
    if not result.is_finite():
        raise ValueError(f"{name}: not a finite number ({value!r})")
    return result


def _round_fen(value: Decimal) -> int:
    """The one rounding of this module: half-up to the whole fen."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def claim_amount_fen(*, sum_insured_per_mu_fen, loss_rate_pct, damaged_mu, insured_mu) -> int:
    """R-INS-2 for one parcel: sum insured per mu x loss rate x damaged area, capped at the sum
    insured of the parcel (sum insured per mu x insured area), half-up to the fen."""
    per_mu = _decimal("sum_insured_per_mu_fen", sum_insured_per_mu_fen)
    rate = _decimal("loss_rate_pct", loss_rate_pct)
    damaged = _decimal("damaged_mu", damaged_mu)
    insured = _decimal("insured_mu", insured_mu)
    if per_mu < 0:
        raise ValueError("sum_insured_per_mu_fen: must not be negative (R-INS-1)")
    if not 0 <= rate <= HUNDRED:
        raise ValueError("loss_rate_pct: must be between 0 and 100 (R-INS-2)")
    if insured <= 0:
        raise ValueError("insured_mu: must be positive (R-INS-1)")
    if damaged < 0:
        raise ValueError("damaged_mu: must not be negative (R-INS-2)")
    if damaged > insured:
        raise ValueError("damaged_mu: larger than the insured area (R-INS-2)")
    amount = _round_fen(per_mu * rate / HUNDRED * damaged)
    cap = _round_fen(per_mu * insured)
    return min(amount, cap)


def claim_parts_fen(claim_fen) -> tuple[int, int]:
    """R-INS-5: (first, second): first = half of the claim half-up to the fen, second = the rest."""
    if isinstance(claim_fen, bool) or not isinstance(claim_fen, int):
        raise ValueError(f"claim_fen: must be whole fen ({claim_fen!r})")
    if claim_fen < 0:
        raise ValueError("claim_fen: must not be negative (R-INS-5)")
    first = _round_fen(Decimal(claim_fen) / 2)
    return first, claim_fen - first
