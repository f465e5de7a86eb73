"""Contracts, payments and certificates on the dashboards (marketplace/todos.py).

Staff (their county, through `scope_queryset`): contracts awaiting signature, deal payments and
rent overdue, certificates to issue. The station: contracts its households sign at the counter.
A bidder: contracts to sign, deal payments due. A storage operator: lease contracts of its
centre's blocks awaiting the centre's online signature as Party A (R-STORE-5, R-DEAL-2). A
household's own login: its contracts to sign (R-DEAL-2).
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contracts.models import Deal
from marketplace.models import User
from marketplace.permissions import is_exchange_staff, scope_queryset
from marketplace.todos import todo

from .models import Certificate, Contract, RentInstalment, Settlement, Signature
from .selectors import (
    contracts_for_enterprise,
    contracts_for_station,
    contracts_for_storage_centre,
)


def _unsigned_by(party):
    return ~Exists(Signature.objects.filter(contract=OuterRef("pk"), party=party))


def staff_todos(user):
    now = timezone.now()
    contracts = scope_queryset(
        Contract.objects.filter(state=Contract.State.READY),
        user,
        county_path="deal__listing__county",
    ).aggregate(n=Count("pk"), late=Count("pk", filter=Q(sign_by__lt=now)))
    unpaid = scope_queryset(
        Settlement.objects.filter(state=Settlement.State.AWAITING_PAYMENT, pay_by__lt=now),
        user,
        county_path="deal__listing__county",
    ).count()
    rent = scope_queryset(
        RentInstalment.objects.exclude(state=RentInstalment.State.PAID).filter(
            due_on__lt=timezone.localdate()
        ),
        user,
        county_path="deal__listing__county",
    ).count()
    to_issue = (
        scope_queryset(Deal.objects.all(), user, county_path="listing__county")
        .filter(state=Deal.State.SETTLED, result_announcement_ends_at__lte=now)
        .exclude(Exists(Certificate.objects.filter(deal=OuterRef("pk"))))
        .count()
    )
    return [
        todo(
            "contracts_awaiting_signature",
            _("Contracts awaiting signature"),
            contracts["n"],
            "contract_documents:staff_documents",
            urgent=contracts["late"],
            order=16,
            query="state=signing",
        ),
        todo(
            "payments_overdue",
            _("Deal payments overdue"),
            unpaid,
            "contract_documents:staff_documents",
            urgent=True,
            order=17,
            query="state=payment",
        ),
        todo(
            "rent_overdue",
            _("Rent instalments overdue"),
            rent,
            "contract_documents:rent_overdue",
            urgent=True,
            order=18,
        ),
        todo(
            "certificates_to_issue",
            _("Certificates to issue"),
            to_issue,
            "contract_documents:staff_documents",
            order=19,
            query="state=settled",
        ),
    ]


def station_todos(user):
    waiting = (
        contracts_for_station(user)
        .filter(state=Contract.State.READY)
        .filter(_unsigned_by(Signature.Party.TRANSFEROR))
    )
    return [
        todo(
            "contracts_to_witness",
            _("Contracts to sign with the household"),
            waiting.count(),
            "contract_documents:station_signing",
            order=12,
        ),
    ]


def centre_todos(user):
    now = timezone.now()
    waiting = (
        contracts_for_storage_centre(user)
        .filter(state=Contract.State.READY)
        .filter(_unsigned_by(Signature.Party.TRANSFEROR))
        .aggregate(n=Count("pk"), late=Count("pk", filter=Q(sign_by__lt=now)))
    )
    return [
        todo(
            "centre_contracts_to_sign",
            _("Lease contracts awaiting the centre's signature"),
            waiting["n"],
            "contract_documents:centre_contracts",
            urgent=waiting["late"],
            order=11,
        ),
    ]


def bidder_todos(user):
    now = timezone.now()
    to_sign = (
        contracts_for_enterprise(user)
        .filter(state=Contract.State.READY)
        .filter(_unsigned_by(Signature.Party.TRANSFEREE))
        .aggregate(n=Count("pk"), late=Count("pk", filter=Q(sign_by__lt=now)))
    )
    due = Settlement.objects.filter(
        state=Settlement.State.AWAITING_PAYMENT, deal__transferee_id=user.enterprise_id
    ).aggregate(n=Count("pk"), late=Count("pk", filter=Q(pay_by__lt=now)))
    return [
        todo(
            "contracts_to_sign",
            _("Contracts to sign"),
            to_sign["n"],
            "contract_documents:my_contracts",
            urgent=to_sign["late"],
            order=12,
        ),
        todo(
            "deal_payments_due",
            _("Deal payments due"),
            due["n"],
            "contract_documents:my_contracts",
            urgent=due["late"],
            order=13,
        ),
    ]


def household_todos(user):
    """The household's own login: its contracts awaiting its signature (online, issue 13, or at
    the station), which its page offers to sign."""
    now = timezone.now()
    waiting = (
        Contract.objects.filter(
            state=Contract.State.READY, deal__listing__transferor_household_id=user.household_id
        )
        .filter(_unsigned_by(Signature.Party.TRANSFEROR))
        .aggregate(n=Count("pk"), late=Count("pk", filter=Q(sign_by__lt=now)))
    )
    return [
        todo(
            "household_contracts_to_sign",
            pgettext_lazy("household to-do", "Contracts for you to sign"),
            waiting["n"],
            "desk:my_household",
            urgent=waiting["late"],
            order=10,
        ),
    ]


def document_todos(user):
    if is_exchange_staff(user):
        return staff_todos(user)
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        return station_todos(user)
    if user.role == User.Role.AGRIBUSINESS and user.enterprise_id:
        return bidder_todos(user)
    if user.role == User.Role.STORAGE_OPERATOR and user.storage_center_id:
        return centre_todos(user)
    if user.role == User.Role.HOUSEHOLD and user.household_id:
        return household_todos(user)
    return []
