"""The storage centre's queue on the dashboard (marketplace/todos.py): offers awaiting the
household's answer, contracts to sign, guarantee instalments due or overdue."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import User
from marketplace.todos import todo

from .models import StorageContract, StorageOffer
from .selectors import (
    contracts_for_user,
    instalments_for_user,
    instalments_with_status,
    offers_for_user,
)


def storage_todos(user):
    if user.role != User.Role.STORAGE_OPERATOR or not user.storage_center_id:
        return []
    offers = offers_for_user(user).filter(state=StorageOffer.State.OFFERED).count()
    contracts = contracts_for_user(user).aggregate(
        centre=Count(
            "pk",
            filter=Q(state=StorageContract.State.READY, centre_signed_at__isnull=True),
        ),
    )
    # An instalment's status needs its payout: one query over the open ones, read in Python.
    open_rows = instalments_with_status(
        instalments_for_user(user).exclude(payout__state="confirmed")
    )
    due = sum(1 for row in open_rows if row.status == "due")
    overdue = sum(1 for row in open_rows if row.status == "overdue")
    return [
        todo(
            "storage_offers_open",
            _("Offers awaiting the household's answer"),
            offers,
            "storage:offers",
            order=10,
        ),
        todo(
            "storage_contracts_to_sign",
            _("Storage contracts to sign"),
            contracts["centre"],
            "storage:contracts",
            order=11,
        ),
        todo(
            "guarantees_overdue",
            _("Guarantee instalments overdue"),
            overdue,
            "storage:instalments",
            urgent=True,
            order=12,
        ),
        todo(
            "guarantees_due", _("Guarantee instalments due"), due, "storage:instalments", order=13
        ),
    ]
