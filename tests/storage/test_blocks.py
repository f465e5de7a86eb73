"""Blocks of stored parcels (R-STORE-4): one township, one connected whole within 1 m."""

from decimal import Decimal

import pytest

from contracts.storage import services
from contracts.storage.errors import StorageRefused
from contracts.storage.models import StoredParcel
from tests import factories as kernel
from tests.listings import factories as lf
from tests.storage.factories import signed_contract, storage_scene

pytestmark = pytest.mark.django_db


def _store_more(scene, *, lon, village=None):
    """Another relocated household's paddy at `lon` (same latitude), stored and signed."""
    village = village or scene.village
    household = kernel.HouseholdFactory(village=village, is_relocated=True)
    parcel = lf.ParcelFactory(
        village=village,
        land_class="paddy",
        area_mu=Decimal("2"),
        geometry=lf.square(lon=Decimal(lon)),
    )
    right = lf.RightFactory(parcels=[parcel])
    lf.RightHolderFactory(right=right, household=household)
    scene.household, scene.right, scene.parcels = household, right, [parcel]
    return StoredParcel.objects.get(contract=signed_contract(scene))


def test_touching_stored_parcels_form_a_block_with_their_floor_total():
    scene = storage_scene()
    signed_contract(scene)  # two parcels sharing an edge (109.9500 and 109.9505)
    neighbour = _store_more(scene, lon="109.9510")
    ids = list(StoredParcel.objects.values_list("pk", flat=True))
    block = services.block_form(
        storage_center=scene.centre, stored_parcel_ids=ids, name="龙坪连片一号"
    )
    assert block.area_mu == Decimal("5.75")
    # 2.5 × 300 + 1.25 × 200 + 2 × 300 yuan a year
    assert block.floor_total_fen == 1_600_00
    assert neighbour.pk in set(block.stored_parcels.values_list("pk", flat=True))


def test_a_parcel_cut_off_is_named_in_the_refusal():
    scene = storage_scene()
    signed_contract(scene)
    far = _store_more(scene, lon="109.9600")  # ≈ 900 m east
    ids = list(StoredParcel.objects.values_list("pk", flat=True))
    with pytest.raises(StorageRefused) as exc:
        services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="x")
    assert far.parcel.code in str(exc.value.message)
    assert "R-STORE-4" in str(exc.value.message)
    assert not StoredParcel.objects.filter(block__isnull=False).exists()


def test_a_parcel_of_another_township_is_named_in_the_refusal():
    scene = storage_scene()
    signed_contract(scene)
    other_village = kernel.VillageFactory(
        township=kernel.TownshipFactory(county=scene.county, name="古阳镇", code="001")
    )
    across = _store_more(scene, lon="109.9510", village=other_village)  # touching, other township
    ids = list(StoredParcel.objects.values_list("pk", flat=True))
    with pytest.raises(StorageRefused) as exc:
        services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="x")
    assert across.parcel.code in str(exc.value.message)
    assert "默戎镇" in str(exc.value.message)


def test_suggestions_are_the_largest_connected_groups_not_yet_in_a_block():
    scene = storage_scene()
    signed_contract(scene)
    _store_more(scene, lon="109.9510")
    lone = _store_more(scene, lon="109.9700")
    suggestions = services.block_suggestions(storage_center=scene.centre)
    assert len(suggestions) == 1
    assert len(suggestions[0]["stored"]) == 3
    assert lone not in suggestions[0]["stored"]
    ids = [s.pk for s in suggestions[0]["stored"]]
    services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="一号")
    assert services.block_suggestions(storage_center=scene.centre) == []
    with pytest.raises(StorageRefused):
        services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="二号")


def test_the_block_map_shows_the_suggestion_and_forms_the_block(client):
    from django.urls import reverse

    scene = storage_scene()
    signed_contract(scene)
    _store_more(scene, lon="109.9510")
    client.force_login(scene.storage_operator)
    url = reverse("storage:block_map")
    page = client.get(url, {"suggestion": "0"}).content.decode()
    assert page.count('class="parcel selected"') == 3
    ids = list(StoredParcel.objects.values_list("pk", flat=True))
    response = client.post(url, {"stored": ids, "name": "龙坪连片一号"})
    assert response.status_code == 302
    assert StoredParcel.objects.filter(block__name="龙坪连片一号").count() == 3


def test_the_block_map_is_the_storage_operators_only(client):
    from django.urls import reverse

    client.force_login(kernel.OperatorFactory())
    assert client.get(reverse("storage:block_map")).status_code == 403
