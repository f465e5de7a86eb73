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
