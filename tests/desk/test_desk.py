"""The station desk (R-SVC-1, "三个三"): requests, their three clocks, figures and mediation."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from marketplace import workdays
from marketplace.desk import selectors, services
from marketplace.desk.errors import BadTime, OtherStation
from marketplace.desk.models import Request
from marketplace.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    return factories.ServiceStationFactory()


@pytest.fixture
def operator(station):
    return factories.OperatorFactory(station=station)


@pytest.fixture
def household(station):
    return factories.HouseholdFactory(village=factories.VillageFactory(township=station.township))


def record(operator, household, *, ago=dt.timedelta(0), topic="contract"):
    return services.request_record(
        operator=operator,
        household=household,
        channel="walk_in",
        topic=topic,
        text="租金什么时候到账？",
        received_at=timezone.now() - ago,
    )


def states(request, now=None):
    return {c.key: c.state for c in selectors.clocks(request, now)}


def test_a_request_acknowledged_in_3_minutes_meets_clock_1(operator, household):
    request = record(operator, household, ago=dt.timedelta(minutes=2))
    request = services.request_acknowledge(request=request, actor=operator)
    assert states(request) == {"ack": "met", "visit": "none", "resolve": "running"}


def test_a_request_not_acknowledged_after_3_minutes_is_overdue(operator, household):
    request = record(operator, household, ago=dt.timedelta(minutes=4))
    assert states(request)["ack"] == "overdue"
    clock = selectors.clocks(request)[0]
    assert clock.due == request.received_at + dt.timedelta(minutes=3)  # R-SVC-1: 3 minutes


def test_a_visit_needed_is_due_within_3_hours(operator, household):
    request = record(operator, household, ago=dt.timedelta(hours=4))
    services.request_acknowledge(
        request=request,
        actor=operator,
        at=request.received_at + dt.timedelta(minutes=1),
        needs_visit=True,
    )
    request = Request.objects.get(pk=request.pk)  # protected FSM field: no refresh_from_db
    assert states(request)["ack"] == "met" and states(request)["visit"] == "overdue"
    late = services.request_visit(request=request, actor=operator)
    assert states(late)["visit"] == "missed"


def test_the_third_clock_counts_calendar_days_not_working_days(operator, household):
    request = record(operator, household)
    due = selectors.clocks(request)[2].due
    assert due == workdays.add_calendar_days(request.received_at, 3)
    assert due - request.received_at == dt.timedelta(days=3)  # weekends count (not R-TIME-1)
    later = request.received_at + dt.timedelta(days=3, minutes=1)
    assert states(request, now=later)["resolve"] == "overdue"


def test_it_refuses_a_household_of_another_station(operator):
    stranger = factories.HouseholdFactory()  # another township
    with pytest.raises(OtherStation):
        record(operator, stranger)
    assert not Request.objects.exists()


def test_it_refuses_times_in_the_future_or_before_the_request(operator, household):
    with pytest.raises(BadTime) as err:
        record(operator, household, ago=-dt.timedelta(hours=1))
    assert err.value.field == "received_at"
    request = record(operator, household, ago=dt.timedelta(minutes=10))
    with pytest.raises(BadTime) as err:
        services.request_acknowledge(
            request=request, actor=operator, at=request.received_at - dt.timedelta(minutes=1)
        )
    assert err.value.field == "acknowledged_at"
    request = Request.objects.get(pk=request.pk)  # protected FSM field: no refresh_from_db
    assert request.state == Request.State.RECEIVED and request.acknowledged_at is None


def test_a_dispute_is_escalated_to_exchange_staff_who_mediate_and_the_record_stays(
    client, operator, household
):
    staff = factories.UserFactory(role="exchange_staff")
    request = record(operator, household, topic="dispute")
    services.request_acknowledge(request=request, actor=operator)
    services.request_escalate(request=request, actor=operator, note="边界争议，村里调解不成")
    assert Notification.objects.filter(recipient=staff, event="desk.escalated").exists()
    client.force_login(operator)  # the operator may not close an escalated dispute
    client.post(reverse("desk:act", args=[request.number, "resolve"]), {"resolution": "x"})
    request = Request.objects.get(pk=request.pk)  # protected FSM field: no refresh_from_db
    assert request.state == Request.State.ESCALATED
    client.force_login(staff)
    client.post(reverse("desk:act", args=[request.number, "resolve"]), {"resolution": "调解达成"})
    request = Request.objects.get(pk=request.pk)  # protected FSM field: no refresh_from_db
    assert request.state == Request.State.RESOLVED and request.mediated_by == staff
    assert request.escalation_note == "边界争议，村里调解不成"


def test_operators_see_only_their_stations_requests(client, operator, household):
    mine = record(operator, household)
    other = factories.OperatorFactory()
    client.force_login(other)
    assert client.get(reverse("desk:request", args=[mine.number])).status_code == 403
    assert mine.number not in client.get(reverse("desk:index")).content.decode()
    client.force_login(operator)
    assert mine.number in client.get(reverse("desk:index")).content.decode()


def test_the_desk_page_records_a_request_and_shows_overdue_clocks_in_red(
    client, operator, household
):
    client.force_login(operator)
    response = client.post(
        reverse("desk:record"),
        {"household": household.pk, "channel": "phone", "topic": "payment", "text": "问租金"},
    )
    request = Request.objects.get()
    assert response.url == request.get_absolute_url()
    Request.objects.filter(pk=request.pk).update(
        received_at=timezone.now() - dt.timedelta(minutes=10)
    )
    page = client.get(reverse("desk:index")).content.decode()
    assert 'class="badge err" data-clock="ack" data-state="overdue"' in page


def test_households_cannot_open_the_desk(client):
    client.force_login(factories.UserFactory(role="household"))
    assert client.get(reverse("desk:index")).status_code == 403


def test_monthly_figures_and_their_xlsx_for_staff(client, operator, household):
    staff = factories.UserFactory(role="exchange_staff")
    quick = record(operator, household, ago=dt.timedelta(minutes=30))
    services.request_acknowledge(
        request=quick, actor=operator, at=quick.received_at + dt.timedelta(minutes=1)
    )
    record(operator, household, ago=dt.timedelta(minutes=20))  # clock 1 overdue
    today = timezone.localdate()
    [row] = selectors.monthly_figures(staff, year=today.year, month=today.month)
    assert row["count"] == 2 and row["ack_met"] == 1 and row["ack_due"] == 2
    assert row["ack_share"] == 50
    client.force_login(staff)
    data = client.get(reverse("desk:figures_xlsx"), {"month": f"{today:%Y-%m}"}).content
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.cell(2, 2).value == 2 and sheet.cell(2, 5).value == 50
    client.force_login(operator)
    assert client.get(reverse("desk:figures")).status_code == 403
