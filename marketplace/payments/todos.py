"""The payer's open payment requests on the dashboard (marketplace/todos.py): rent and other
payables not yet paid. Deposits and deal payments are the deal apps' to-dos (counted there once)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import User
from marketplace.todos import todo

from .models import Payable

OPEN = [Payable.State.PENDING, Payable.State.FAILED]


def payment_todos(user):
    if user.role != User.Role.AGRIBUSINESS:
        return []
    counts = (
        Payable.objects.filter(payer=user, state__in=OPEN)
        .exclude(kind__in=[Payable.Kind.DEPOSIT, Payable.Kind.DEAL_PAYMENT])
        .aggregate(n=Count("pk"), failed=Count("pk", filter=Q(state=Payable.State.FAILED)))
    )
    return [
        todo(
            "payments_due",
            _("Rent and other payments due"),
            counts["n"],
            "payments:my_payments",
            urgent=counts["failed"],
            order=14,
        ),
    ]
