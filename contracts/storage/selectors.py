"""Reads of floor-price storage: offers, contracts, instalments and their status (R-STORE-3)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.payments.models import Payout

from .models import GuaranteeInstalment, StorageContract, StorageOffer

OVERDUE_GRACE_DAYS = 10

STATUS_LABELS = {
    "scheduled": _("Not yet due"),
    "due": _("Due"),
    "in_payment": _("Being paid"),
    "paid": _("Paid"),
    "overdue": _("Overdue"),
}


def instalment_status(instalment, *, today=None) -> str:
    """paid (bank confirmed), in_payment, due, overdue (unpaid 10 days after due) or scheduled."""
    today = today or timezone.localdate()
    payout = instalment.payout
    if payout is not None and payout.state == Payout.State.CONFIRMED:
        return "paid"
    if instalment.due_on > today:
        return "scheduled"
    if instalment.due_on + dt.timedelta(days=OVERDUE_GRACE_DAYS) < today:
        return "overdue"
    return "in_payment" if payout is not None else "due"


def instalments_with_status(qs, *, today=None):
    rows = list(qs.select_related("payout", "contract", "household"))
    for row in rows:
        row.status = instalment_status(row, today=today)
        row.status_label = STATUS_LABELS[row.status]
    return rows


def guarantees_for_household(household, *, today=None) -> dict:
    """The household's storage guarantees (for the household page): contracts and instalments
    with due, paid and overdue totals in fen."""
    contracts = list(StorageContract.objects.filter(household=household).order_by("-created_at"))
    rows = instalments_with_status(
        GuaranteeInstalment.objects.filter(household=household).order_by("due_on", "pk"),
        today=today,
    )
    totals = {"paid": 0, "due": 0, "overdue": 0, "scheduled": 0, "in_payment": 0}
    for row in rows:
        totals[row.status] += row.total_fen
    return {
        "offers": list(StorageOffer.objects.filter(household=household)),
        "contracts": contracts,
        "instalments": rows,
        "totals": totals,
    }


def offers_for_user(user):
    qs = StorageOffer.objects.select_related("household__village__township", "county")
    if user.role == "storage_operator":
        return qs.filter(storage_center_id=user.storage_center_id)
    if user.role == "station_operator" and user.station_id:
        return qs.filter(household__village__township_id=user.station.township_id)
    from marketplace.permissions import scope_queryset

    return scope_queryset(qs, user)


def contracts_for_user(user):
    qs = StorageContract.objects.select_related("household__village__township", "county")
    if user.role == "storage_operator":
        return qs.filter(storage_center_id=user.storage_center_id)
    if user.role == "station_operator" and user.station_id:
        return qs.filter(household__village__township_id=user.station.township_id)
    from marketplace.permissions import scope_queryset

    return scope_queryset(qs, user)


def instalments_for_user(user):
    qs = GuaranteeInstalment.objects.all()
    if user.role == "storage_operator":
        return qs.filter(contract__storage_center_id=user.storage_center_id)
    if user.role == "station_operator" and user.station_id:
        return qs.filter(household__village__township_id=user.station.township_id)
    from marketplace.permissions import scope_queryset

    return scope_queryset(qs, user, county_path="contract__county")
