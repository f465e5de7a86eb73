"""Storage offers (R-FAIL-2, R-STORE-1/2) and the storage contract (R-STORE-2/3)."""

import datetime as dt
from decimal import Decimal

import pytest

from contracts import services as deal_services
from contracts.models import Deal
from contracts.storage import services
from contracts.storage.errors import StorageRefused, WrongState
from contracts.storage.models import (
    GuaranteeInstalment,
    StorageContract,
    StorageOffer,
    StoredParcel,
)
from listings.models import Encumbrance, RightHolder
from marketplace.notifications import notifications_for
from tests.contracts.factories import announced_listing, end_announcement
from tests.listings import factories as lf
from tests.storage.factories import floors, offer, signed_contract, storage_scene

pytestmark = pytest.mark.django_db


def test_the_offer_shows_the_floor_in_force_that_day_area_term_yearly_guarantee_and_total():
    # given paddy at 300 and dry land at 200 yuan per mu per year (R-STORE-1), 2.5 + 1.25 mu
    scene = storage_scene()
    # when storage is offered for 10 years (2027-01-01 to 2036-12-31, end-inclusive)
    o = offer(scene)
    # then the yearly guarantee is 2.5 × 300 + 1.25 × 200 = 1,000 yuan, 10,000 in total
    lines = {line.land_class: line for line in o.lines.all()}
    assert lines["paddy"].floor_per_mu_year_fen == 300_00
    assert lines["dry_land"].floor_per_mu_year_fen == 200_00
    assert o.area_mu == Decimal("3.75")
    assert o.annual_guarantee_fen == 1_000_00
    assert o.total_fen == 10_000_00
    assert o.state == StorageOffer.State.OFFERED


def test_a_newer_floor_in_force_later_does_not_change_todays_offer():
    scene = storage_scene()
    floors(scene.county, effective_from=dt.date(2099, 1, 1), paddy=900_00)
    assert offer(scene).lines.get(land_class="paddy").floor_per_mu_year_fen == 300_00


def test_it_refuses_a_household_not_relocated_naming_r_store_2():
    scene = storage_scene(relocated=False)
    with pytest.raises(StorageRefused) as exc:
        offer(scene)
    assert "R-STORE-2" in str(exc.value.message)
    assert exc.value.field == "household"
    assert not StorageOffer.objects.exists()


def test_it_refuses_a_term_beyond_the_contract_right_r_right_4():
    scene = storage_scene()
    with pytest.raises(StorageRefused) as exc:
        offer(scene, term_end=dt.date(2048, 1, 1))
    assert "R-RIGHT-4" in str(exc.value.message)
    assert "2047年12月31日" in str(exc.value.message)
    assert exc.value.field == "term_end"


def test_it_refuses_an_encumbered_parcel_naming_it_r_right_3():
    scene = storage_scene()
    lf.EncumbranceFactory(parcel=scene.parcels[1], kind=Encumbrance.Kind.MORTGAGE)
    with pytest.raises(StorageRefused) as exc:
        offer(scene)
    assert scene.parcels[1].code in str(exc.value.message)
    assert "R-RIGHT-3" in str(exc.value.message)


def test_it_refuses_a_let_parcel_r_right_3():
    scene = storage_scene()
    lf.EncumbranceFactory(
        parcel=scene.parcels[0], kind=Encumbrance.Kind.LEASE, counterparty="湘西茶业公司"
    )
    with pytest.raises(StorageRefused) as exc:
        offer(scene)
    assert "湘西茶业公司" in str(exc.value.message)


def test_it_refuses_a_parcel_already_offered_or_stored():
    scene = storage_scene()
    offer(scene, parcels=scene.parcels[:1])
    with pytest.raises(StorageRefused) as exc:
        offer(scene)
    assert scene.parcels[0].code in str(exc.value.message)
    assert StorageOffer.objects.count() == 1


def test_it_refuses_a_land_class_without_a_floor_price_r_store_1():
    scene = storage_scene(with_floors=False)
    with pytest.raises(StorageRefused) as exc:
        offer(scene)
    assert "R-STORE-1" in str(exc.value.message)


def test_the_offer_is_sent_to_the_station_and_the_storage_operator(
    django_capture_on_commit_callbacks,
):
    scene = storage_scene()
    with django_capture_on_commit_callbacks(execute=True):
        offer(scene)
    assert notifications_for(scene.station_operator).count() == 1
    assert notifications_for(scene.storage_operator).count() == 1


def test_a_relocated_households_failed_listing_becomes_a_storage_offer_r_fail_2(
    django_capture_on_commit_callbacks,
):
    # given a relocated household's listing (its own right) that nobody bid for
    scene = storage_scene()
    listing = announced_listing(household=scene.household)
    RightHolder.objects.create(right=listing.right, household=scene.household)
    end_announcement(listing)
    # when the deal fails
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_services.deal_select_mode(deal=deal_services.deal_for_listing(listing))
    # then an offer over the listing's parcels and term is made
    assert deal.state == Deal.State.FAILED
    made = StorageOffer.objects.get(deal=deal)
    assert set(made.parcels.all()) == set(listing.parcels.all())
    assert made.term_end == listing.term_end
    assert made.annual_guarantee_fen == 20 * 200_00  # 20 mu of dry land at 200 yuan


def test_signing_fixes_floors_records_the_stored_right_and_the_lease_and_pays_year_one():
    scene = storage_scene()
    contract = signed_contract(scene)
    # numbered SC-<county>-<year>-<6 digits>
    assert contract.number.startswith("SC-433126-")
    assert len(contract.number.rsplit("-", 1)[1]) == 6
    assert contract.state == StorageContract.State.SIGNED
    # floors fixed per parcel for the term
    stored = StoredParcel.objects.filter(contract=contract)
    assert {(s.land_class, s.floor_per_mu_year_fen) for s in stored} == {
        ("paddy", 300_00),
        ("dry_land", 200_00),
    }
    # the stored-land right is held by the storage centre for the term
    right = contract.stored_right
    assert right.right_type == "stored_land"
    assert (right.starts_on, right.ends_on) == (contract.term_start, contract.term_end)
    assert right.holders.get().storage_center == scene.centre
    # each parcel carries a lease to the centre for the term (R-RIGHT-3 blocks listing it)
    leases = Encumbrance.objects.filter(kind="lease", parcel__in=scene.parcels)
    assert leases.count() == 2
    assert {lease.ends_on for lease in leases} == {contract.term_end}
    # ten yearly instalments adding up to the total, the first instructed at signing
    instalments = list(contract.instalments.order_by("year_index"))
    assert len(instalments) == 10
    assert sum(i.amount_fen for i in instalments) == contract.total_fen
    assert instalments[0].state == GuaranteeInstalment.State.INSTRUCTED
    assert instalments[0].payout.amount_fen == 1_000_00
    assert instalments[1].due_on == dt.date(2028, 1, 1)
    # the parcels cannot be offered again
    with pytest.raises(StorageRefused):
        offer(scene)


def test_a_deal_offer_signed_marks_the_failed_deal_stored(django_capture_on_commit_callbacks):
    scene = storage_scene()
    listing = announced_listing(household=scene.household)
    RightHolder.objects.create(right=listing.right, household=scene.household)
    end_announcement(listing)
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_services.deal_select_mode(deal=deal_services.deal_for_listing(listing))
    made = StorageOffer.objects.get(deal=deal)
    contract = services.storage_offer_accept(offer=made, actor=scene.station_operator)
    services.storage_contract_render(contract_id=contract.pk)
    contract = StorageContract.objects.get(pk=contract.pk)
    services.storage_contract_sign_centre(
        contract=contract, user=scene.storage_operator, pdf_sha256=contract.pdf_sha256
    )
    from tests.storage.factories import scan

    services.storage_contract_sign_household(
        contract=contract,
        operator=scene.station_operator,
        scan=scan(),
        mark="signature",
        pdf_sha256=contract.pdf_sha256,
        confirmed=True,
    )
    assert Deal.objects.get(pk=deal.pk).state == Deal.State.STORED


def test_a_signature_of_another_version_is_refused():
    scene = storage_scene()
    contract = services.storage_offer_accept(offer=offer(scene), actor=scene.station_operator)
    services.storage_contract_render(contract_id=contract.pk)
    with pytest.raises(WrongState):
        services.storage_contract_sign_centre(
            contract=contract, user=scene.storage_operator, pdf_sha256="0" * 64
        )


def test_the_contract_pdf_is_a_pdf_with_its_number():
    scene = storage_scene()
    contract = services.storage_offer_accept(offer=offer(scene), actor=scene.station_operator)
    contract = services.storage_contract_render(contract_id=contract.pk)
    assert contract.state == StorageContract.State.READY
    data = contract.pdf.open("rb").read()
    assert data.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(data).hexdigest() == contract.pdf_sha256
