"""The household page shows the storage guarantees (R-STORE-3): each year's amount and state."""

import pytest
from django.urls import reverse

from contracts.storage.models import GuaranteeInstalment
from marketplace.money import fen_to_yuan
from tests.storage.factories import signed_contract, storage_scene

pytestmark = pytest.mark.django_db


def test_the_operator_sees_each_guarantee_year_on_the_household_page(client):
    # given a signed storage contract of 10 years
    scene = storage_scene()
    contract = signed_contract(scene)
    first = GuaranteeInstalment.objects.filter(contract=contract).order_by("year_index").first()
    # when the station opens the household's page
    client.force_login(scene.station_operator)
    page = client.get(reverse("desk:household", args=[scene.household.pk])).content.decode()
    # then the storage section lists the contract and the ten years, the first with its amount
    assert 'data-testid="household-storage"' in page
    assert contract.number in page
    assert (
        page.count("<tr data-status=")
        == GuaranteeInstalment.objects.filter(contract=contract).count()
    )
    assert f"{fen_to_yuan(first.total_fen):,.2f}" in page
