"""PRC working days (R-TIME-1..3): chinese-calendar plus staff-entered overrides.

For a year the library does not cover and staff have not confirmed, Monday–Friday count as
working days (plus overrides) and `year_warning()` says so; nothing here raises on such a date.
"""

import datetime as dt
import time

import chinese_calendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


def _library_years() -> range:
    holidays = chinese_calendar.holidays
    return range(min(holidays).year, max(holidays).year + 1)


LIBRARY_YEARS = _library_years()


def library_knows(year: int) -> bool:
    return year in LIBRARY_YEARS


# Staff-entered overrides are few (a few dozen days a year) and read on every page that shows
# "还剩 N 个工作日" (the listing index asks once per listing). Each process keeps them all in
# memory for WORKDAY_CACHE_SECONDS and forgets them at once after a change committed in the
# same process (marketplace.apps connects the signals), like the rulebook's numbers.
_cache: dict = {"at": None, "rows": {}, "generation": 0}


def forget():
    """Drop this process's copy of the overrides (after a change, and in tests)."""
    _cache["generation"] += 1
    _cache["at"] = None


def forget_on_commit(**_signal):
    transaction.on_commit(forget)


def _changed_in_this_transaction() -> bool:
    """This connection changed an override and has not committed yet: read the change, but do
    not keep it for the process (a rollback would leave a day that never was)."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        entry[1] is forget for entry in connection.run_on_commit
    )


def _all_overrides() -> dict[dt.date, bool]:
    from .models import WorkdayOverride

    ttl = float(getattr(settings, "WORKDAY_CACHE_SECONDS", 30))
    now = time.monotonic()
    uncommitted = _changed_in_this_transaction()
    if not uncommitted and ttl > 0 and _cache["at"] is not None and now - _cache["at"] < ttl:
        return _cache["rows"]
    generation = _cache["generation"]
    rows = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
    if not uncommitted and ttl > 0 and _cache["generation"] == generation:
        _cache["rows"], _cache["at"] = rows, now
    return rows


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return {day: work for day, work in _all_overrides().items() if start <= day <= end}


def _base_is_workday(day: dt.date) -> bool:
    if library_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


class _Calendar:
    """Answers is_workday for a span with one query for the overrides in it."""

    def __init__(self, start: dt.date, end: dt.date):
        self.overrides = _overrides(start, end)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _base_is_workday(day)


def is_workday(day: dt.date) -> bool:
    return _Calendar(day, day).is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (R-TIME-1: the day of the event does not count).

    add_workdays(Mon 2026-11-30, 5) == Mon 2026-12-07. n == 0 gives the first working day on or
    after `start` (a period ending on a rest day ends on the next working day).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    # 3 calendar days per working day covers the longest PRC holiday run with margin.
    cal = _Calendar(start, start + dt.timedelta(days=n * 3 + 30))
    day = start
    if n == 0:
        while not cal.is_workday(day):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            counted += 1
    return day


def add_calendar_days(start: dt.datetime, n: int) -> dt.datetime:
    """The moment `n` calendar days after `start`: rest days and holidays count, unlike
    `add_workdays` (R-SVC-1's third clock, "resolved or answered within 3 days")."""
    if n < 0:
        raise ValueError("n must be >= 0")
    return start + dt.timedelta(days=n)


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b` (0 when b <= a)."""
    if b <= a:
        return 0
    cal = _Calendar(a, b)
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        count += cal.is_workday(day)
    return count


def deadline_at(day: dt.date, hour: int | None = None) -> dt.datetime:
    """17:00 Beijing time on `day` (R-TIME-2) as an aware datetime."""
    hour = settings.EXCHANGE["DEADLINE_HOUR"] if hour is None else hour
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=tz)


def period_end(start: dt.date, workdays: int) -> dt.datetime:
    """End of a period of `workdays` working days started by an event on `start`."""
    return deadline_at(add_workdays(start, workdays))


def workdays_left(deadline: dt.datetime, now: dt.datetime | None = None) -> int:
    """Working days from today to the deadline's day, counting the deadline's day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    end = timezone.localdate(deadline)
    if end < today:
        return 0
    return workdays_between(today, end) + (1 if is_workday(today) and now < deadline else 0)


def _confirmed(year: int) -> bool:
    # Not cached in the process: several web workers must all see a year staff just confirmed.
    from .models import HolidayYear

    return HolidayYear.objects.filter(year=year).exists()


def year_warning(year: int) -> str | None:
    """A message for staff when a year's holidays are unknown (R-TIME-3), else None."""
    if library_knows(year) or _confirmed(year):
        return None
    return _(
        "The %(year)s public holidays are not entered yet: working days are counted Monday to "
        "Friday until staff enter that year's holidays and make-up working days under "
        "Working-day overrides and confirm the year."
    ) % {"year": year}


def unknown_years(*days: dt.date) -> list[int]:
    return sorted({d.year for d in days if year_warning(d.year)})
