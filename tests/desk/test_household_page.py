"""One page per household (issue 13): its listings, deals, who rents its land, its rent and its
open requests, for its operator and its own login — nobody else's."""

import datetime as dt

import pytest
from django.urls import reverse

from contracts.documents.models import RentInstalment
from marketplace.desk import services
from tests import factories
from tests.documents.factories import awarded_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(db, django_capture_on_commit_callbacks):
    return awarded_deal(django_capture_on_commit_callbacks, geometry=False)


def test_the_operator_sees_the_households_land_deal_rent_and_requests(client, awarded):
    household = awarded.deal.listing.transferor_household
    RentInstalment.objects.create(
        deal=awarded.deal, sequence=1, due_on=dt.date(2026, 1, 1), amount_fen=1_000_000
    )
    request = services.request_record(
        operator=awarded.operator,
        household=household,
        channel="phone",
        topic="payment",
        text="租金何时到账",
    )
    client.force_login(awarded.operator)
    page = client.get(reverse("desk:household", args=[household.pk])).content.decode()
    assert awarded.deal.listing.number in page and awarded.deal.number in page
    assert awarded.buyer.enterprise.name in page  # who rents the land
    assert '<tr data-status="overdue">' in page and "10,000.00" in page  # ¥10,000 overdue
    assert request.number in page


def test_the_households_own_login_sees_its_page_and_no_other(client, awarded):
    household = awarded.deal.listing.transferor_household
    user = factories.UserFactory(role="household", household=household)
    client.force_login(user)
    response = client.get(reverse("desk:my_household"))
    assert response.url == reverse("desk:household", args=[household.pk])
    assert awarded.deal.number in client.get(response.url).content.decode()
    other = factories.HouseholdFactory()
    assert client.get(reverse("desk:household", args=[other.pk])).status_code == 403


def test_another_stations_operator_is_refused(client, awarded):
    household = awarded.deal.listing.transferor_household
    client.force_login(factories.OperatorFactory())
    assert client.get(reverse("desk:household", args=[household.pk])).status_code == 403
