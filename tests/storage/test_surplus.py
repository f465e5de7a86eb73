"""Surplus sharing (R-STORE-6): rent above a block's floors, the households' share (rulebook,
default 50 %) split pro rata by area to the fen and paid with the next guarantee."""

import datetime as dt

import pytest

from contracts.storage import services
from contracts.storage.errors import StorageRefused
from contracts.storage.models import GuaranteeInstalment, StoredParcel
from marketplace.payments.verify import verify_ledger
from tests.storage.factories import signed_contract, storage_scene, store_more

pytestmark = pytest.mark.django_db


def _block():
    scene = storage_scene()
    first = signed_contract(scene)  # 2.5 mu paddy + 1.25 mu dry land, 1,000 yuan a year
    second = store_more(scene, lon="109.9510").contract  # 2 mu paddy, 600 yuan a year
    ids = list(StoredParcel.objects.values_list("pk", flat=True))
    block = services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="一号")
    return scene, block, first, second


def test_half_the_surplus_goes_to_the_households_by_area_with_the_next_guarantee():
    scene, block, first, second = _block()
    assert block.floor_total_fen == 1_600_00
    # when 2,600 yuan of rent is received for 2027: 1,000 yuan above the floors
    rent = services.block_rent_record(block=block, year=2027, rent_fen=2_600_00)
    assert rent.surplus_fen == 1_000_00
    assert rent.households_fen == 500_00  # 50 % (R-STORE-6 default)
    # then 500 yuan is split by area 3.75 : 2 (of 5.75 mu), whole fen adding up exactly
    year2 = {i.contract_id: i.surplus_fen for i in GuaranteeInstalment.objects.filter(year_index=2)}
    assert year2 == {first.pk: 326_09, second.pk: 173_91}
    assert sum(year2.values()) == 500_00
    # and it is paid with the second year's guarantee
    services.guarantees_instruct_due(today=dt.date(2028, 1, 1))
    second_year = GuaranteeInstalment.objects.get(contract=first, year_index=2)
    assert second_year.payout.amount_fen == 1_000_00 + 326_09
    assert verify_ledger().ok


def test_rent_at_or_below_the_floors_shares_nothing():
    scene, block, first, second = _block()
    rent = services.block_rent_record(block=block, year=2027, rent_fen=1_500_00)
    assert (rent.surplus_fen, rent.households_fen) == (0, 0)
    assert not GuaranteeInstalment.objects.filter(surplus_fen__gt=0).exists()


def test_the_same_year_is_recorded_once():
    scene, block, first, second = _block()
    services.block_rent_record(block=block, year=2027, rent_fen=2_000_00)
    with pytest.raises(StorageRefused) as exc:
        services.block_rent_record(block=block, year=2027, rent_fen=2_000_00)
    assert "2027" in str(exc.value.message)
