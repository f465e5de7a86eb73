"""The deals' to-dos on the dashboards (marketplace/todos.py).

Staff (their county, through the access policy's `scope_queryset`): qualification reviews to
decide, deals whose trading mode is due, auctions today, open objections. A bidder (its own
enterprise): deposits to pay, its auctions today.
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import User
from marketplace.permissions import is_exchange_staff, scope_queryset
from marketplace.todos import todo

from .models import Auction, Deal, Objection, QualificationReview, Registration


def today_window(now=None) -> tuple[dt.datetime, dt.datetime]:
    """(now, the end of today in Beijing time): an auction 'today' is open or opens before then."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    end = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    return now, end


def _auctions_today(qs, now=None):
    now, end = today_window(now)
    return qs.filter(state=Auction.State.SCHEDULED, start_at__lt=end, close_at__gt=now)


def staff_todos(user):
    now = timezone.now()
    reviews = scope_queryset(
        QualificationReview.objects.filter(state=QualificationReview.State.PENDING),
        user,
        county_path="registration__deal__listing__county",
    ).aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    deals = scope_queryset(Deal.objects.all(), user, county_path="listing__county").aggregate(
        mode_due=Count(
            "pk",
            filter=Q(state=Deal.State.REGISTRATION, listing__announcement_ends_at__lte=now),
        ),
        objections=Count("objections", filter=Q(objections__state=Objection.State.OPEN)),
    )
    auctions = _auctions_today(
        scope_queryset(Auction.objects.all(), user, county_path="deal__listing__county"), now
    ).count()
    return [
        todo(
            "registrations_to_decide",
            _("Registrations to decide"),
            reviews["n"],
            "contracts:review_queue",
            urgent=reviews["late"],
            order=12,
        ),
        todo(
            "mode_due",
            _("Deals whose trading mode is due"),
            deals["mode_due"],
            "contracts:mode_selection",
            urgent=True,
            order=13,
        ),
        todo(
            "auctions_today",
            _("Auctions today"),
            auctions,
            "contracts:deal_list",
            order=14,
            query="state=auction",
        ),
        todo(
            "open_objections",
            _("Open objections"),
            deals["objections"],
            "contracts:deal_list",
            urgent=True,
            order=15,
            query="state=awarded",
        ),
    ]


def bidder_todos(user):
    registrations = Registration.objects.filter(enterprise_id=user.enterprise_id)
    deposits = registrations.filter(state=Registration.State.AWAITING_DEPOSIT).count()
    auctions = (
        _auctions_today(
            Auction.objects.filter(
                deal__registrations__enterprise_id=user.enterprise_id,
                deal__registrations__state=Registration.State.QUALIFIED,
            )
        )
        .distinct()
        .count()
    )
    return [
        todo(
            "deposits_to_pay",
            _("Deposits to pay"),
            deposits,
            "contracts:my_registrations",
            urgent=True,
            order=10,
        ),
        todo(
            "my_auctions_today",
            _("Your auctions today"),
            auctions,
            "contracts:my_auctions",
            order=11,
        ),
    ]


def auditor_todos(user):
    """The auditor acts on nothing: what is open in its scope, to read (the deal list)."""
    deals = scope_queryset(Deal.objects.all(), user, county_path="listing__county").aggregate(
        objections=Count("objections", filter=Q(objections__state=Objection.State.OPEN)),
        defaulted=Count("pk", filter=Q(state=Deal.State.DEFAULTED)),
    )
    return [
        todo(
            "open_objections",
            _("Open objections"),
            deals["objections"],
            "contracts:deal_list",
            order=10,
            query="state=awarded",
        ),
        todo(
            "defaulted_deals",
            _("Defaulted deals awaiting a decision"),
            deals["defaulted"],
            "contracts:deal_list",
            order=11,
            query="state=defaulted",
        ),
    ]


def deal_todos(user):
    if is_exchange_staff(user):
        return staff_todos(user)
    if user.role == User.Role.AUDITOR:
        return auditor_todos(user)
    if user.role == User.Role.AGRIBUSINESS and user.enterprise_id:
        return bidder_todos(user)
    return []
