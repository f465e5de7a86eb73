"""Filing a listing at the station (R-LIST-1/2, R-RIGHT-3/4/5/6) and its number."""

import datetime as dt
from decimal import Decimal

import pytest

from listings.models import Listing
from marketplace.errors import Invalid
from tests import factories as kernel
from tests.listings import factories as f


def test_it_files_a_draft_listing_with_a_county_year_number(scene):
    # when the operator files for the household
    listing = scene.file()
    # then it is a draft numbered per county and year, with denormalised facts
    assert listing.state == Listing.State.DRAFT
    year = listing.created_at.year
    assert listing.number == f"GP-433126-{year}-000001"
    assert listing.area_mu == Decimal("11.8")
    assert listing.location == f"{scene.county.name}默戎镇龙坪村"
    assert listing.right_type == "land_management"
    assert listing.price_per_mu_fen == 500_00


def test_the_sequence_continues_per_county(scene):
    # given one listing
    scene.file(parcels=scene.parcels[:1])
    # when a second is filed
    second = scene.file(parcels=scene.parcels[1:])
    # then its number is the next one
    assert second.number.endswith("-000002")


def test_the_deposit_defaults_to_30_percent_of_a_years_rent_at_least_1000_yuan(scene):
    # R-REG-4 via valuation.formulas.default_deposit: 500 × 11.8 × 30 % = 1770 yuan
    listing = scene.file()
    assert listing.deposit_fen == 1770_00


def test_r_reg_4_a_deposit_below_1000_yuan_is_raised_to_1000(scene):
    # 226 yuan × 11.8 mu = 2,666.80 yuan a year; 30 % = 800.04 yuan → the minimum, 1,000 yuan
    listing = scene.file(listing_price_fen=226_00)
    assert listing.deposit_fen == 1000_00


def test_r_reg_4_a_deposit_is_rounded_up_to_whole_yuan_above_the_minimum(scene):
    # 300 yuan × 11.8 mu = 3,540 yuan; 30 % = 1,062 yuan; 301 yuan: 1,065.54 → 1,066 yuan
    assert scene.file(listing_price_fen=300_00, parcels=scene.parcels).deposit_fen == 1062_00
    listing = Listing.objects.get()
    from listings import services

    services.listing_withdraw(listing=listing, actor=scene.operator, reason="重新填写")
    assert scene.file(listing_price_fen=301_00).deposit_fen == 1066_00


def test_r_right_4_it_refuses_a_term_beyond_the_contract_right(scene):
    with pytest.raises(Invalid) as exc:
        scene.file(term_end=dt.date(2050, 1, 1))
    assert exc.value.field == "term_end"
    assert "R-RIGHT-4" in str(exc.value.message)


def test_r_right_5_it_refuses_an_orchard_on_permanent_basic_farmland(scene):
    scene.parcels[0].is_basic_farmland = True
    scene.parcels[0].save()
    with pytest.raises(Invalid) as exc:
        scene.file(permitted_use="orchard")
    assert exc.value.field == "permitted_use"
    assert "R-RIGHT-5" in str(exc.value.message)


def test_r_right_5_it_refuses_a_non_agricultural_use(scene):
    with pytest.raises(Invalid) as exc:
        scene.file(permitted_use="building")
    assert exc.value.field == "permitted_use"


def test_r_right_5_forest_land_stays_forestry(scene):
    for p in scene.parcels:
        p.land_class, p.forest_class = "forest_land", "commercial"
        p.save()
    with pytest.raises(Invalid) as exc:
        scene.file(permitted_use="tea")
    assert "R-RIGHT-5" in str(exc.value.message)
    assert scene.file(permitted_use="forestry").permitted_use == "forestry"


def test_r_right_5_public_welfare_forest_stays_public_welfare(scene):
    for p in scene.parcels:
        p.land_class, p.forest_class = "forest_land", "public_welfare"
        p.save()
    with pytest.raises(Invalid):
        scene.file(permitted_use="forestry")
    assert scene.file(permitted_use="under_forest").permitted_use == "under_forest"


def test_r_right_3_it_refuses_a_mortgaged_parcel_without_consent(scene):
    f.EncumbranceFactory(parcel=scene.parcels[0])
    with pytest.raises(Invalid) as exc:
        scene.file()
    assert exc.value.field == "parcels"
    assert "R-RIGHT-3" in str(exc.value.message)


def test_r_right_3_a_mortgage_with_written_consent_may_be_listed(scene):
    from django.core.files.base import ContentFile

    f.EncumbranceFactory(
        parcel=scene.parcels[0], consent_document=ContentFile(b"%PDF-1.4", name="c.pdf")
    )
    assert scene.file().state == Listing.State.DRAFT


def test_r_right_3_a_released_mortgage_does_not_block(scene):
    f.EncumbranceFactory(parcel=scene.parcels[0], released_on=dt.date(2025, 1, 1))
    assert scene.file().state == Listing.State.DRAFT


def test_r_list_1_an_operator_cannot_file_a_parcel_of_another_township(scene):
    # given a parcel of another township in the household's right
    other = f.ParcelFactory()
    scene.right.parcels.add(other)
    # when the operator files it
    with pytest.raises(Invalid) as exc:
        scene.file(parcels=[other])
    # then the refusal names the parcels and the township rule
    assert exc.value.field == "parcels"
    assert "R-RIGHT-6" in str(exc.value.message)


def test_r_right_6_a_relocated_household_is_filed_at_its_origin_township(scene):
    # given a relocated household whose land is in the station's township
    scene.household.is_relocated = True
    scene.household.current_address = "古丈县古阳镇安置小区"
    scene.household.save()
    # then its origin station files for it
    assert scene.file().station == scene.station
    # and an operator of the township where it lives now cannot
    elsewhere = kernel.OperatorFactory()
    with pytest.raises(Invalid):
        scene.file(actor=elsewhere)


def test_r_list_1_the_operator_needs_the_entrustment(scene):
    with pytest.raises(Invalid) as exc:
        scene.file(entrustment=None)
    assert exc.value.field == "entrustment"


def test_a_parcel_in_an_open_listing_cannot_be_listed_twice(scene):
    scene.file()
    with pytest.raises(Invalid) as exc:
        scene.file()
    assert exc.value.field == "parcels"


def test_the_household_must_hold_the_right(scene):
    stranger = kernel.HouseholdFactory(village=scene.village)
    with pytest.raises(Invalid) as exc:
        scene.file(household=stranger)
    assert exc.value.field == "right"


def test_a_failed_filing_writes_nothing(scene):
    with pytest.raises(Invalid):
        scene.file(term_end=dt.date(2050, 1, 1))
    assert Listing.objects.count() == 0


def test_it_refuses_a_listing_without_parcels(scene):
    with pytest.raises(Invalid) as exc:
        scene.file(parcels=[])
    assert exc.value.field == "parcels"


def test_r_right_3_an_encumbrance_starting_after_the_term_ends_does_not_block(scene):
    # given a mortgage registered to start the day after the term (2027-01-01..2036-12-31) ends
    f.EncumbranceFactory(parcel=scene.parcels[0], starts_on=dt.date(2037, 1, 1))
    # then the listing may be filed: the parcel is not mortgaged while it is let
    assert scene.file().state == Listing.State.DRAFT


def test_r_right_3_an_encumbrance_starting_before_the_term_ends_blocks(scene):
    # given a lease that starts on the last day of the term
    f.EncumbranceFactory(parcel=scene.parcels[0], kind="lease", starts_on=dt.date(2036, 12, 31))
    # then the filing is refused on the parcels
    with pytest.raises(Invalid) as exc:
        scene.file()
    assert exc.value.field == "parcels"
    assert "R-RIGHT-3" in str(exc.value.message)


def test_r_right_3_an_encumbrance_ending_before_the_term_starts_does_not_block(scene):
    # given a lease in force today that ends the day before the term starts
    f.EncumbranceFactory(
        parcel=scene.parcels[0],
        kind="lease",
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    # then the listing may be filed
    assert scene.file().state == Listing.State.DRAFT


def test_r_right_3_review_checks_the_encumbrance_over_the_term(scene):
    # given a filed listing and, after filing, a seizure starting after the term ends
    from listings.checks import review_checks

    listing = scene.file()
    f.EncumbranceFactory(parcel=scene.parcels[0], kind="seizure", starts_on=dt.date(2037, 1, 1))
    # then the review check passes; a seizure starting within the term fails it
    assert {c.rule: c for c in review_checks(listing)}["R-RIGHT-3"].ok
    f.EncumbranceFactory(parcel=scene.parcels[1], kind="seizure", starts_on=dt.date(2030, 6, 1))
    assert not {c.rule: c for c in review_checks(listing)}["R-RIGHT-3"].ok
