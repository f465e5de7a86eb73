"""The home page's figures: deals awarded this month and this year (Beijing time), their area and
value, and the listings published. A deal counts from its award while it goes on to a contract
(awarded, signing, payment, settled, complete); a failed or defaulted one does not."""

import datetime as dt

from django.db.models import Count, Sum
from django.utils import timezone

from contracts.models import Deal
from listings.models import Listing

COUNTED = [
    Deal.State.AWARDED,
    Deal.State.SIGNING,
    Deal.State.PAYMENT,
    Deal.State.SETTLED,
    Deal.State.COMPLETE,
]


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


def _period(since: dt.datetime, until: dt.datetime) -> dict:
    deals = Deal.objects.filter(
        state__in=COUNTED, awarded_at__gte=since, awarded_at__lt=until
    ).aggregate(
        deals=Count("id"), area_mu=Sum("listing__area_mu"), value_fen=Sum("total_value_fen")
    )
    listed = Listing.objects.filter(published_at__gte=since, published_at__lt=until).count()
    return {
        "deals": deals["deals"] or 0,
        "area_mu": deals["area_mu"] or 0,
        "value_fen": deals["value_fen"] or 0,
        "listed": listed,
    }


def trading_figures(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    month = today.replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    year = today.replace(month=1, day=1)
    return {
        "month": {
            "label": f"{today.year}年{today.month}月",
            **_period(_start(month), _start(next_month)),
        },
        "year": {"label": f"{today.year}年", **_period(_start(year), _start(next_month))},
    }
