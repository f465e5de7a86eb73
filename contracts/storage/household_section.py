"""The storage section of the household page (R-STORE-3): its storage contracts and each year's
guarantee, paid, due or overdue, in yuan."""

from marketplace.money import fen_to_yuan

from .selectors import guarantees_for_household


def storage_section(household, user):
    data = guarantees_for_household(household)
    if not data["offers"] and not data["contracts"]:
        return None
    for row in data["instalments"]:
        row.yuan = fen_to_yuan(row.total_fen)
    return {
        "template": "storage/household/section.html",
        **data,
        "totals_yuan": {key: fen_to_yuan(value) for key, value in data["totals"].items()},
    }


def guarantee_money(household, today):
    """Guarantees not yet paid out (the household page's "due next" and "overdue"); one being
    paid shows as the household's payout."""
    from django.utils.translation import gettext as _

    from marketplace.household_sections import Expected

    for row in guarantees_for_household(household, today=today)["instalments"]:
        if row.status in ("scheduled", "due", "overdue"):
            yield Expected(
                what=_("Storage guarantee %(contract)s, year %(n)s")
                % {"contract": row.contract.number, "n": row.year_index},
                due_on=row.due_on,
                amount_fen=row.total_fen,
                status="overdue" if row.status == "overdue" else "due",
            )
