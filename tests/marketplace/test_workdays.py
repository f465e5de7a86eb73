"""Working days (R-TIME-1, R-TIME-2, R-TIME-3)."""

import datetime as dt

import pytest
from django.utils import timezone

from marketplace import workdays
from marketplace.models import HolidayYear, WorkdayOverride
from tests import factories

pytestmark = pytest.mark.django_db


def test_r_time_1_five_workdays_after_monday_30_november_is_monday_7_december():
    assert workdays.add_workdays(dt.date(2026, 11, 30), 5) == dt.date(2026, 12, 7)


def test_r_time_1_the_day_of_publication_does_not_count():
    # Friday 2026-11-20 + 10 working days = Friday 2026-12-04 (no holidays between)
    assert workdays.add_workdays(dt.date(2026, 11, 20), 10) == dt.date(2026, 12, 4)


def test_r_time_2_an_announcement_published_on_a_friday_ends_at_17_00_two_weeks_later():
    end = workdays.period_end(dt.date(2026, 11, 20), 10)
    local = timezone.localtime(end)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 12, 4), 17, 0)
    assert str(local.tzinfo) == "Asia/Shanghai"


def test_r_time_1_statutory_holidays_are_skipped_and_make_up_days_count():
    # National Day 2026 in chinese-calendar 1.11: 1–7 October off, Saturday 10 October worked.
    assert workdays.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert workdays.add_workdays(dt.date(2026, 10, 8), 2) == dt.date(2026, 10, 10)
    assert not workdays.is_workday(dt.date(2026, 10, 1))


def test_r_time_1_a_period_ending_on_a_rest_day_ends_on_the_next_working_day():
    assert workdays.add_workdays(dt.date(2026, 11, 28), 0) == dt.date(2026, 11, 30)


def test_workdays_between_counts_days_after_the_start_up_to_the_end():
    assert workdays.workdays_between(dt.date(2026, 11, 30), dt.date(2026, 12, 7)) == 5
    assert workdays.workdays_between(dt.date(2026, 12, 7), dt.date(2026, 11, 30)) == 0


def test_r_time_3_a_year_beyond_the_library_falls_back_to_monday_to_friday_with_a_warning():
    assert not workdays.library_knows(2027)
    # given no staff entries for 2027: Friday 2027-01-01 counts as a working day, and staff see why
    assert workdays.is_workday(dt.date(2027, 1, 1))
    assert "2027" in workdays.year_warning(2027)
    # never crashes on such dates
    assert workdays.add_workdays(dt.date(2027, 12, 30), 3) == dt.date(2028, 1, 4)


def test_r_time_3_staff_overrides_decide_for_unknown_years_and_confirming_removes_the_warning():
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    assert not workdays.is_workday(dt.date(2027, 1, 1))
    assert workdays.add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    HolidayYear.objects.create(year=2027)
    assert workdays.year_warning(2027) is None


def test_overrides_also_correct_a_known_year():
    WorkdayOverride.objects.create(date=dt.date(2026, 12, 1), is_workday=False, note="test")
    assert workdays.add_workdays(dt.date(2026, 11, 30), 1) == dt.date(2026, 12, 2)


def test_workdays_left_counts_today_until_the_deadline():
    now = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
    deadline = workdays.deadline_at(dt.date(2026, 12, 2))
    assert workdays.workdays_left(deadline, now=now) == 3


def test_r_time_3_staff_see_the_warning_on_their_dashboard_and_can_open_the_holiday_table(client):
    # given exchange staff, and no holidays entered for next year (chinese-calendar ends in 2026)
    staff = factories.UserFactory(role="exchange_staff", is_staff=True)
    client.force_login(staff)
    next_year = timezone.localdate().year + 1
    # when they open the dashboard, then the warning names the year
    page = client.get("/console/").content.decode()
    if workdays.library_knows(next_year):
        pytest.skip("the calendar library knows next year")
    assert f"{next_year} 年的法定节假日尚未录入" in page
    # and the holiday table opens for them without per-model grants
    assert client.get("/django-admin/marketplace/workdayoverride/").status_code == 200
    # when they confirm the year, the warning goes
    HolidayYear.objects.create(year=next_year)
    assert f"{next_year} 年的法定节假日尚未录入" not in client.get("/console/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_r_time_3_overrides_are_read_once_and_a_committed_change_counts_at_once(
    settings, django_assert_num_queries
):
    # given: the per-process copy of the overrides on (production's 30 s)
    settings.WORKDAY_CACHE_SECONDS = 30
    workdays.forget()
    day = dt.date(2031, 3, 3)  # a Monday, in a year chinese-calendar does not know
    assert workdays.is_workday(day)
    # when: many pages ask (the listing index asks once per listing)
    with django_assert_num_queries(0):
        answers = [workdays.workdays_between(day, day + dt.timedelta(days=7)) for _ in range(20)]
    assert set(answers) == {5}
    # then: staff declare the Monday a holiday (R-TIME-3): the next answer counts it at once
    WorkdayOverride.objects.create(date=day + dt.timedelta(days=7), is_workday=False)
    assert workdays.workdays_between(day, day + dt.timedelta(days=7)) == 4
    WorkdayOverride.objects.all().delete()
    assert workdays.workdays_between(day, day + dt.timedelta(days=7)) == 5


@pytest.mark.django_db
def test_r_time_3_an_override_not_yet_committed_is_read_but_not_kept(settings):
    from django.db import transaction

    settings.WORKDAY_CACHE_SECONDS = 30
    workdays.forget()
    monday = dt.date(2031, 3, 10)
    try:
        with transaction.atomic():
            WorkdayOverride.objects.create(date=monday, is_workday=False)
            assert not workdays.is_workday(monday)  # the transaction sees its own change
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert workdays.is_workday(monday)  # the rolled-back day was not kept for the process
