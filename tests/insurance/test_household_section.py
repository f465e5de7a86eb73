"""The household page shows the household's forest insurance claims (R-INS-3, R-INS-4)."""

import datetime as dt

import pytest
from django.urls import reverse

from contracts.insurance import services
from tests import factories as kernel
from tests.insurance.factories import insured_policy

pytestmark = pytest.mark.django_db


def test_a_claim_on_the_households_forest_is_on_its_page(client):
    # given a household's insured forest with a reported fire claim
    station = kernel.ServiceStationFactory()
    village = kernel.VillageFactory(township=station.township)
    household = kernel.HouseholdFactory(village=village)
    insurer_user = kernel.InsurerUserFactory()
    policy = insured_policy(holders=[household], insurer=insurer_user.insurer, village=village)
    claim = services.claim_report(
        policy=policy,
        cause="fire",
        loss_on=dt.date(2026, 3, 1),
        parcels=[(policy.parcels.first().parcel, "5")],
        actor=insurer_user,
    )
    # when its station opens the household's page
    client.force_login(kernel.OperatorFactory(station=station))
    page = client.get(reverse("desk:household", args=[household.pk])).content.decode()
    # then the claim is listed with its state
    assert 'data-testid="household-claims"' in page
    assert claim.number in page
    assert claim.get_state_display() in page
