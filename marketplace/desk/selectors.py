"""Reads of the desk: a request's three clocks and the stations' monthly figures (R-SVC-1)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace import workdays
from marketplace.models import User
from marketplace.permissions import scope_queryset

from . import conf
from .models import Request

OPEN = (Request.State.RECEIVED, Request.State.ACKNOWLEDGED, Request.State.ESCALATED)


@dataclass
class Clock:
    key: str
    label: str
    due: dt.datetime | None
    done_at: dt.datetime | None
    state: str  # "met", "missed", "running", "overdue", "none"

    @property
    def is_red(self):
        return self.state in ("overdue", "missed")


def _clock(key, label, due, done_at, now):
    if due is None:
        return Clock(key, label, None, None, "none")
    if done_at is not None:
        return Clock(key, label, due, done_at, "met" if done_at <= due else "missed")
    return Clock(key, label, due, None, "overdue" if now > due else "running")


def clocks(request, now=None) -> list[Clock]:
    """The three clocks of "三个三": acknowledged, on site (when needed), resolved."""
    now = now or timezone.now()
    county = request.station.township.county_id
    received = request.received_at
    ack_due = received + dt.timedelta(minutes=conf.get("ACK_MINUTES", county=county))
    visit_due = (
        received + dt.timedelta(hours=conf.get("VISIT_HOURS", county=county))
        if request.needs_visit
        else None
    )
    resolve_due = workdays.add_calendar_days(received, conf.get("RESOLVE_DAYS", county=county))
    return [
        _clock("ack", _("Acknowledged"), ack_due, request.acknowledged_at, now),
        _clock("visit", _("On site"), visit_due, request.visited_at, now),
        _clock("resolve", _("Resolved"), resolve_due, request.resolved_at, now),
    ]


def requests_for(user):
    """The requests a user may see: an operator its station's, staff and auditors their scope."""
    qs = Request.objects.select_related("station__township", "household", "recorded_by")
    if user.is_station_operator:
        return qs.filter(station__township_id=user.station.township_id)
    return scope_queryset(qs, user, county_path="station__township__county")


def open_requests_for(user):
    return requests_for(user).filter(state__in=OPEN)


def mediators(request):
    """Exchange staff of the request's county (or of the whole prefecture)."""
    county = request.station.township.county_id
    return User.objects.filter(role=User.Role.EXCHANGE_STAFF, is_active=True).filter(
        Q(county__isnull=True) | Q(county_id=county)
    )


def month_bounds(year, month):
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def monthly_figures(user, *, year, month, now=None) -> list[dict]:
    """Per station, for requests received in the month: counts and the share met per clock
    (a clock still running is not counted either way)."""
    now = now or timezone.now()
    start, end = month_bounds(year, month)
    rows = {}
    for request in requests_for(user).filter(received_at__gte=start, received_at__lt=end):
        row = rows.setdefault(
            request.station_id,
            {"station": request.station, "count": 0, "open": 0, "disputes": 0}
            | {f"{k}_{s}": 0 for k in ("ack", "visit", "resolve") for s in ("met", "due")},
        )
        row["count"] += 1
        row["open"] += request.state in OPEN
        row["disputes"] += request.topic == Request.Topic.DISPUTE
        for clock in clocks(request, now):
            if clock.state in ("met", "missed", "overdue"):
                row[f"{clock.key}_due"] += 1
                row[f"{clock.key}_met"] += clock.state == "met"
    for row in rows.values():
        for key in ("ack", "visit", "resolve"):
            due = row[f"{key}_due"]
            row[f"{key}_share"] = round(100 * row[f"{key}_met"] / due) if due else None
    return sorted(rows.values(), key=lambda r: r["station"].name)
