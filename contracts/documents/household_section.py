"""The household page's section of deals (issue 13): who rents which parcel until when, the
contracts and certificates, and each rent instalment — paid (and paid out), due or overdue."""

from django.utils import timezone

from contracts.models import Deal
from marketplace.money import fen_to_yuan

from .models import Contract, RentInstalment


def deals_section(household, user):
    deals = list(
        Deal.objects.filter(listing__transferor_household=household)
        .select_related("listing", "transferee")
        .order_by("-id")[:20]
    )
    if not deals:
        return None
    today = timezone.localdate()
    contracts = {
        c.deal_id: c
        for c in Contract.objects.filter(deal__in=deals).exclude(state=Contract.State.VOID)
    }
    instalments = []
    for row in RentInstalment.objects.filter(deal__in=deals).select_related("deal"):
        if row.state == RentInstalment.State.PAID:
            status = "paid"
        elif row.due_on < today:
            status = "overdue"
        else:
            status = "due"
        instalments.append({"row": row, "status": status, "yuan": fen_to_yuan(row.amount_fen)})
    rows = []
    for deal in deals:
        rows.append(
            {
                "deal": deal,
                "contract": contracts.get(deal.pk),
                "certificate": getattr(deal, "certificate", None),
            }
        )
    return {
        "template": "contract_documents/household/section.html",
        "rows": rows,
        "instalments": instalments,
        "overdue": sum(1 for i in instalments if i["status"] == "overdue"),
    }
