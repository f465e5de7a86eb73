"""Exposure (R-STORE-7): floors owed vs rent received, area let vs unlet, by year."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.storage import selectors, services
from contracts.storage.models import StoredParcel
from tests import factories as kernel
from tests.storage.factories import signed_contract, storage_scene, store_more

pytestmark = pytest.mark.django_db


def _let_block():
    scene = storage_scene()
    signed_contract(scene)
    store_more(scene, lon="109.9510")
    ids = list(StoredParcel.objects.values_list("pk", flat=True))
    block = services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="一号")
    services.block_rent_record(block=block, year=2027, rent_fen=2_600_00)
    return scene, block


def test_the_county_and_the_block_show_floors_owed_vs_rent_and_area_let_vs_unlet_by_year():
    scene, block = _let_block()
    data = selectors.exposure(county_id=scene.county.pk)
    years = {row["year"]: row for row in data["county"]}
    assert sorted(years) == list(range(2027, 2037))
    assert years[2027]["floors"] == 1_600_00 and years[2027]["rent"] == 2_600_00
    assert years[2027]["area_let"] == Decimal("5.75") and years[2027]["area_unlet"] == 0
    assert years[2028]["rent"] == 0 and years[2028]["area_unlet"] == Decimal("5.75")
    (row,) = data["blocks"]
    assert row["name"] == "一号"
    assert row["years"][0] == {
        "year": 2027,
        "floors": 1_600_00,
        "rent": 2_600_00,
        "area": Decimal("5.75"),
        "let": True,
    }


def test_the_storage_operator_reads_the_page_and_the_xlsx_export(client):
    scene, block = _let_block()
    client.force_login(scene.storage_operator)
    page = client.get(reverse("storage:exposure")).content.decode()
    assert "¥2,600.00" in page and 'data-testid="exposure-chart"' in page
    response = client.get(reverse("storage:exposure"), {"format": "xlsx"})
    assert response.content[:2] == b"PK"


def test_the_exposure_is_not_for_stations_nor_another_countys_staff(client):
    scene, block = _let_block()
    client.force_login(scene.station_operator)
    assert client.get(reverse("storage:exposure")).status_code == 404
    other = kernel.CountyFactory(code="433127", name="永顺县")
    client.force_login(kernel.UserFactory(role="auditor", county=other))
    page = client.get(reverse("storage:exposure"), {"county": "433126"}).content.decode()
    assert "永顺县" in page and "¥2,600.00" not in page  # its own county only
    client.force_login(kernel.UserFactory(role="auditor"))  # the prefecture's
    page = client.get(reverse("storage:exposure"), {"county": "433126"}).content.decode()
    assert "¥2,600.00" in page
