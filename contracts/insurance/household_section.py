"""The insurance section of the household page (R-INS-3, R-INS-4): each claim on the household's
forest, what was paid at once, what is held until the replanting is accepted, and why."""

from marketplace.money import fen_to_yuan

from .selectors import claim_money, claims_for_household


def insurance_section(household, user):
    claims = list(claims_for_household(household)[:20])
    if not claims:
        return None
    rows = []
    for claim in claims:
        money = claim_money(claim)
        rows.append(
            {
                "claim": claim,
                "amount": fen_to_yuan(claim.amount_fen) if claim.amount_fen else None,
                "first": fen_to_yuan(money.first_paid_fen),
                "second": fen_to_yuan(money.second_paid_fen),
                "held": fen_to_yuan(money.held_fen),
            }
        )
    return {"template": "insurance/household/section.html", "rows": rows}
