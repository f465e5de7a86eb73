"""Block listings (R-STORE-5): a block listed as stored land by the storage centre, through the
normal review; its start price never below the sum of its parcels' fixed floors for the term (at
filing, in review, at a relisting); the centre's own lease does not block it (R-RIGHT-3 exception),
anything else does. Rent from the block's deal is recorded against its years (R-STORE-6/7)."""

import datetime as dt

import pytest

from contracts.models import Deal
from contracts.storage import block_listings, services
from contracts.storage.errors import StorageRefused
from contracts.storage.models import BlockRent, GuaranteeInstalment, StoredParcel
from listings import checks
from listings import services as listing_services
from listings.models import Encumbrance, Listing
from listings.services import ListingInvalid
from marketplace.errors import NotAllowed
from marketplace.payments.models import Payout
from marketplace.payments.verify import verify_ledger
from tests import factories as kernel
from tests.listings.factories import valuation_report
from tests.storage.factories import signed_contract, storage_scene, store_more

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_pdf(monkeypatch):
    """The contract PDF's content is tested in test_offers; here any bytes will do (fast)."""
    monkeypatch.setattr(
        "contracts.storage.pdf.render_storage_contract_pdf",
        lambda contract: b"%PDF-1.4 " + contract.number.encode(),
    )


START, END = dt.date(2027, 1, 1), dt.date(2036, 12, 31)


def _block():
    """Two households' stored parcels, 5.75 mu, floors 1,600 yuan a year for 2027–2036."""
    scene = storage_scene()
    first = signed_contract(scene)  # 2.5 mu paddy (300) + 1.25 mu dry land (200): 1,000 a year
    second = store_more(scene, lon="109.9510").contract  # 2 mu paddy: 600 a year
    ids = list(StoredParcel.objects.values_list("pk", flat=True))
    block = services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="一号")
    return scene, block, first, second


def _list(scene, block, yuan_per_mu_year, **kw):
    return block_listings.block_list(
        block=block,
        actor=scene.storage_operator,
        listing_price_fen=yuan_per_mu_year * 100,
        term_start=kw.pop("term_start", START),
        term_end=kw.pop("term_end", END),
        permitted_use="grain",
        increment_fen=1_000,
        **kw,
    )


def test_r_store_5_a_block_is_listed_as_stored_land_by_the_centre_and_submitted_for_review():
    scene, block, *_ = _block()
    listing = _list(scene, block, 300)
    assert listing.state == Listing.State.SUBMITTED
    assert listing.right_type == "stored_land"
    assert listing.transferor_storage_center == scene.centre
    assert listing.transferor_household is None
    assert set(listing.parcels.values_list("pk", flat=True)) == set(
        StoredParcel.objects.values_list("parcel_id", flat=True)
    )
    block.refresh_from_db()
    assert block.right.holders.get().storage_center == scene.centre
    assert (block.right.starts_on, block.right.ends_on) == (START, END)
    # the review: the centre's own leases do not block it (R-RIGHT-3 exception), the price
    # is checked against the fixed floors (R-STORE-5)
    results = {c.rule: c for c in checks.review_checks(listing)}
    assert results["R-RIGHT-3"].ok, results["R-RIGHT-3"].problems
    assert results["R-STORE-5"].ok


def test_r_store_5_a_start_price_below_the_fixed_floors_for_the_term_is_refused_naming_them():
    scene, block, *_ = _block()
    # floors: 1,600 yuan a year × 10 years = 16,000 yuan; 278 × 5.75 mu × 10 = 15,985 yuan
    with pytest.raises(StorageRefused) as exc:
        _list(scene, block, 278)
    assert "16,000.00" in str(exc.value.message)
    assert "R-STORE-5" in str(exc.value.message)
    assert exc.value.field == "listing_price_fen"
    assert not Listing.objects.exists()
    block.refresh_from_db()
    assert block.right_id is None  # nothing half-written
    # for a shorter term the floor total is shorter too: 5 years, 8,000 yuan
    assert block_listings.floor_total_for_term(block, START, dt.date(2031, 12, 31)) == 8_000_00
    assert _list(scene, block, 279).listing_price_fen == 279_00  # 16,042.50 yuan


def test_r_store_5_the_fixed_floors_count_not_the_floor_table_in_force():
    scene, block, *_ = _block()
    from valuation.models import FloorPrice

    # the county raises its floors later: the block's fixed floors stay those signed
    FloorPrice.objects.filter(county=scene.county).update(floor_per_mu_year_fen=900_00)
    assert _list(scene, block, 280).state == Listing.State.SUBMITTED


def test_r_store_5_review_refuses_a_price_lowered_below_the_floors_after_return():
    scene, block, *_ = _block()
    listing = _list(scene, block, 300)
    staff = kernel.UserFactory(role="exchange_staff", is_staff=True, county=scene.county)
    listing_services.listing_attach_valuation_report(
        listing=listing, report=valuation_report(listing=listing, reference_yuan=250), actor=staff
    )
    listing_services.listing_return(listing=listing, actor=staff, reasons="请核对价格")
    listing = listing_services.listing_update_terms(
        listing=listing, actor=scene.storage_operator, listing_price_fen=270_00
    )
    listing_services.listing_submit(listing=listing, actor=scene.storage_operator)
    with pytest.raises(ListingInvalid) as exc:
        listing_services.listing_approve(listing=Listing.objects.get(pk=listing.pk), actor=staff)
    assert "R-STORE-5" in str(exc.value.message)
    assert "16,000" in str(exc.value.message).replace(",", ",") or "16000" in str(exc.value.message)
    assert Listing.objects.get(pk=listing.pk).state == Listing.State.SUBMITTED


def test_r_store_5_a_relisting_never_goes_below_the_fixed_floors():
    scene, block, *_ = _block()
    listing = _list(scene, block, 290)
    Listing.objects.filter(pk=listing.pk).update(state=Listing.State.CLOSED)
    old = Listing.objects.get(pk=listing.pk)
    # R-FAIL-1 would allow 10 % off (261 yuan), R-STORE-5 not below 16,000 yuan over the term
    with pytest.raises(ListingInvalid) as exc:
        listing_services.listing_relist(
            listing=old, listing_price_fen=270_00, actor=scene.storage_operator
        )
    assert exc.value.code == "below_floor_price"
    assert "R-STORE-5" in str(exc.value.message)
    new = listing_services.listing_relist(
        listing=old, listing_price_fen=279_00, actor=scene.storage_operator
    )
    assert new.state == Listing.State.SUBMITTED and new.right_type == "stored_land"
    assert {c.rule: c.ok for c in checks.review_checks(new)}["R-RIGHT-3"]


def test_r_right_3_the_households_own_rights_stay_blocked_and_other_encumbrances_block_the_block():
    scene, block, first, _second = _block()
    household_right = first.offer.right
    parcels = list(household_right.parcels.all())
    assert checks.encumbrance_problems(parcels, START, END, right=household_right)
    block.refresh_from_db()
    mortgaged = parcels[0]
    Encumbrance.objects.create(
        parcel=mortgaged, kind="mortgage", counterparty="农商银行", starts_on=dt.date(2026, 1, 1)
    )
    with pytest.raises(ListingInvalid) as exc:
        _list(scene, block, 300)
    assert "R-RIGHT-3" in str(exc.value.message) and "农商银行" in str(exc.value.message)


def test_r_store_5_a_block_already_listed_or_let_is_refused():
    scene, block, *_ = _block()
    listing = _list(scene, block, 300)
    with pytest.raises(StorageRefused) as exc:
        _list(scene, block, 300)
    assert listing.number in str(exc.value.message)
    # let: its deal awarded and running
    Listing.objects.filter(pk=listing.pk).update(state=Listing.State.CLOSED)
    Deal.objects.create(listing=listing, number="JY-433126-2027-000001", state="settled")
    with pytest.raises(StorageRefused) as exc:
        _list(scene, block, 300)
    assert "JY-433126-2027-000001" in str(exc.value.message)


def test_only_the_blocks_own_storage_operator_lists_it_and_within_the_storage_term():
    scene, block, *_ = _block()
    elsewhere = kernel.CountyFactory(code="433125", name="保靖县")
    other = kernel.StorageOperatorFactory(
        storage_center=kernel.StorageCenterFactory(county=elsewhere, name="保靖县收储中心")
    )
    with pytest.raises(NotAllowed):
        block_listings.block_list(
            block=block,
            actor=other,
            listing_price_fen=300_00,
            term_start=START,
            term_end=END,
            permitted_use="grain",
            increment_fen=1_000,
        )
    with pytest.raises(StorageRefused) as exc:
        _list(scene, block, 300, term_end=dt.date(2040, 12, 31))
    assert "2036-12-31" in str(exc.value.message)


# ---------------------------------------------------------------- rent from the deal


def _let(scene, block, yuan, schedule="yearly_in_advance"):
    listing = _list(scene, block, yuan, payment_schedule=schedule)
    Listing.objects.filter(pk=listing.pk).update(state=Listing.State.CLOSED)
    annual = yuan * 100 * 575 // 100  # 5.75 mu
    return Deal.objects.create(
        listing=Listing.objects.get(pk=listing.pk),
        number="JY-433126-2027-000009",
        state="settled",
        price_fen=yuan * 100,
        annual_rent_fen=annual,
        total_value_fen=annual * 10,
    )


def test_r_store_6_the_first_years_rent_of_the_blocks_deal_is_shared_with_the_next_guarantee():
    scene, block, first, second = _block()
    deal = _let(scene, block, 400)  # 400 × 5.75 = 2,300 yuan a year
    rents = block_listings.block_rent_from_deal(deal=deal, amount_fen=2_300_00, sequence=1)
    assert [(r.year, r.rent_fen, r.surplus_fen, r.households_fen) for r in rents] == [
        (2027, 2_300_00, 700_00, 350_00)
    ]
    assert rents[0].source == "JY-433126-2027-000009#1"
    # 350 yuan split 3.75 : 2 mu → 228.26 + 121.74 yuan, exactly 350
    year2 = {i.contract_id: i.surplus_fen for i in GuaranteeInstalment.objects.filter(year_index=2)}
    assert year2 == {first.pk: 228_26, second.pk: 121_74}
    # a repeated call (a later save of the settlement) records nothing new
    assert block_listings.block_rent_from_deal(deal=deal, amount_fen=2_300_00, sequence=1) == []
    services.guarantees_instruct_due(today=dt.date(2028, 1, 1))
    payouts = Payout.objects.filter(guarantee_instalment__year_index=2)
    assert sorted(p.amount_fen for p in payouts) == sorted([1_000_00 + 228_26, 600_00 + 121_74])
    assert verify_ledger().ok


def test_r_store_6_a_three_year_payment_is_recorded_year_by_year_to_the_fen():
    scene, block, *_ = _block()
    deal = _let(scene, block, 333, schedule="every_three_years")  # 1,914.75 a year
    rents = block_listings.block_rent_from_deal(deal=deal, amount_fen=5_744_25, sequence=1)
    assert [r.year for r in rents] == [2027, 2028, 2029]
    assert sum(r.rent_fen for r in rents) == 5_744_25
    assert [r.rent_fen for r in rents] == [1_914_75, 1_914_75, 1_914_75]
    # instalment 2 covers years 4–6
    assert block_listings.covered_years(deal.listing, sequence=2, everything=False) == [4, 5, 6]
    assert BlockRent.objects.filter(block=block).count() == 3


def test_the_block_page_shows_the_block_and_its_storage_operator_lists_it(client):
    from django.urls import reverse

    scene, block, *_ = _block()
    client.force_login(scene.storage_operator)
    page = client.get(reverse("storage:block", args=[block.pk])).content.decode()
    assert "一号" in page and "¥1,600.00" in page and 'data-testid="block-list-form"' in page
    response = client.post(
        reverse("storage:block_list_it", args=[block.pk]),
        {
            "term_start": "2027-01-01",
            "term_end": "2036-12-31",
            "price_yuan": "300",
            "increment_yuan": "10",
            "permitted_use": "grain",
        },
    )
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert (listing.state, listing.listing_price_fen) == (Listing.State.SUBMITTED, 300_00)
    page = client.get(reverse("storage:block", args=[block.pk])).content.decode()
    assert listing.number in page and 'data-testid="block-list-form"' not in page
