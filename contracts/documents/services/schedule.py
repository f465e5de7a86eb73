"""What the transferee pays when (R-DEAL-3, R-DEAL-7): due now and the later rent schedule."""

from listings.models import PaymentSchedule

from ..facts import due_now_fen
from .common import add_years


def rent_schedule(deal) -> list[dict]:
    """Later instalments of a multi-year lease: due on the term's anniversaries, in advance.

    The first instalment (due now) is collected at signing; the rest add up to the total value
    to the fen (the last one takes the pro-rata part year).
    """
    total, first = deal.total_value_fen, due_now_fen(deal)
    if not total or first is None or first >= total or not deal.annual_rent_fen:
        return []
    listing = deal.listing
    step = 3 if listing.payment_schedule == PaymentSchedule.EVERY_THREE_YEARS else 1
    rows, paid, k = [], first, 1
    while paid < total:
        amount = min(deal.annual_rent_fen * step, total - paid)
        rows.append(
            {
                "sequence": k + 1,
                "due_on": add_years(listing.term_start, k * step),
                "amount_fen": amount,
            }
        )
        paid += amount
        k += 1
    return rows
