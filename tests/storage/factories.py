"""A county with a storage centre, floor prices (R-STORE-1) and a relocated household's right."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.storage import services
from tests import factories as kernel
from tests.listings import factories as lf
from valuation.models import FloorPrice

FLOORS = {"paddy": 300_00, "dry_land": 200_00, "garden": 250_00, "forest_land": 30_00}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\x0bIDATx\x9cc\xf8\x0f\x04\x00\t\xfb\x03\xfd\xfb^k+"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def floors(county, *, effective_from=dt.date(2020, 1, 1), **overrides):
    for land_class, fen in {**FLOORS, **overrides}.items():
        FloorPrice.objects.create(
            county=county,
            land_class=land_class,
            floor_per_mu_year_fen=fen,
            effective_from=effective_from,
            source="古政发〔2020〕1号",
        )


@dataclass
class StorageScene:
    county: object
    centre: object
    township: object
    village: object
    station_operator: object
    storage_operator: object
    household: object
    right: object
    parcels: list


def storage_scene(
    *, relocated=True, with_floors=True, village=None, station_operator=None, storage_operator=None
):
    """Defaults: 古丈县 默戎镇 龙坪村; or the given village with its station's operator."""
    if village is None:
        county = kernel.CountyFactory(code="433126", name="古丈县")
        township = kernel.TownshipFactory(county=county, name="默戎镇", code="003")
        village = kernel.VillageFactory(township=township, name="龙坪村", code="001")
    township, county = village.township, village.township.county
    centre = (
        storage_operator.storage_center
        if storage_operator
        else kernel.StorageCenterFactory(county=county)
    )
    if station_operator is None:
        station = kernel.ServiceStationFactory(township=township)
        station_operator = kernel.OperatorFactory(station=station)
    storage_operator = storage_operator or kernel.StorageOperatorFactory(storage_center=centre)
    household = kernel.HouseholdFactory(village=village, is_relocated=relocated, name="张三丰")
    parcels = [
        lf.ParcelFactory(
            village=village, land_class="paddy", area_mu=Decimal("2.5"), geometry=lf.square()
        ),
        lf.ParcelFactory(
            village=village,
            land_class="dry_land",
            area_mu=Decimal("1.25"),
            geometry=lf.square(lon=Decimal("109.9505")),
        ),
    ]
    right = lf.RightFactory(parcels=parcels, ends_on=dt.date(2047, 12, 31))
    lf.RightHolderFactory(right=right, household=household)
    if with_floors:
        floors(county)
    return StorageScene(
        county=county,
        centre=centre,
        township=township,
        village=village,
        station_operator=station_operator,
        storage_operator=storage_operator,
        household=household,
        right=right,
        parcels=parcels,
    )


def offer(scene, *, term_start=dt.date(2027, 1, 1), term_end=dt.date(2036, 12, 31), **kw):
    return services.storage_offer_create(
        household=scene.household,
        right=scene.right,
        parcels=kw.pop("parcels", scene.parcels),
        term_start=term_start,
        term_end=term_end,
        actor=kw.pop("actor", scene.station_operator),
        **kw,
    )


def scan():
    return SimpleUploadedFile("scan.png", PNG, content_type="image/png")


def signed_contract(scene, **offer_kw):
    """An offer accepted, its PDF rendered (eagerly) and signed by household and centre."""
    from contracts.storage.models import StorageContract

    o = offer(scene, **offer_kw)
    contract = services.storage_offer_accept(offer=o, actor=scene.station_operator)
    services.storage_contract_render(contract_id=contract.pk)
    contract = StorageContract.objects.get(pk=contract.pk)
    services.storage_contract_sign_household(
        contract=contract,
        operator=scene.station_operator,
        scan=scan(),
        mark="fingerprint",
        pdf_sha256=contract.pdf_sha256,
        confirmed=True,
    )
    services.storage_contract_sign_centre(
        contract=contract, user=scene.storage_operator, pdf_sha256=contract.pdf_sha256
    )
    return StorageContract.objects.get(pk=contract.pk)


def store_more(scene, *, lon, village=None, area_mu="2"):
    """Another relocated household's paddy at `lon` (same latitude), stored and signed."""
    from contracts.storage.models import StoredParcel
    from tests import factories as kernel

    village = village or scene.village
    household = kernel.HouseholdFactory(village=village, is_relocated=True)
    parcel = lf.ParcelFactory(
        village=village,
        land_class="paddy",
        area_mu=Decimal(area_mu),
        geometry=lf.square(lon=Decimal(lon)),
    )
    right = lf.RightFactory(parcels=[parcel])
    lf.RightHolderFactory(right=right, household=household)
    scene.household, scene.right, scene.parcels = household, right, [parcel]
    return StoredParcel.objects.get(contract=signed_contract(scene))


@dataclass
class LetBlock:
    """A block of stored land listed by the centre and awarded: its lease contract is ready,
    the storage centre is Party A (R-STORE-5)."""

    scene: StorageScene
    block: object
    listing: object
    deal: object
    buyer: object  # the transferee's agribusiness user

    @property
    def contract(self):
        from contracts.documents.models import Contract

        return Contract.objects.exclude(state="void").get(deal=self.deal)


def let_block(capture, *, scene=None, price_yuan=300):
    """Two households' stored parcels (5.75 mu) formed into a block, listed by the centre at
    `price_yuan` per mu per year for 2027–2036, announced (the review is not what is tested
    here), one bidder qualified, negotiated and awarded: the lease contract is generated by the
    `deal_awarded` receiver (Celery eager). `capture` is django_capture_on_commit_callbacks."""
    from django.utils import timezone

    from contracts import services as deal_services
    from contracts.models import Deal
    from contracts.storage import block_listings
    from contracts.storage.models import StoredParcel
    from listings.models import Listing
    from marketplace.models import StorageCenter
    from tests.contracts.factories import end_announcement, qualify
    from tests.documents.factories import bidder_user

    scene = scene or storage_scene()
    # art.19: the contract names Party A with its address and phone
    StorageCenter.objects.filter(pk=scene.centre.pk).update(
        address="古丈县古阳镇农村土地收储中心大楼", phone="0743-4620001"
    )
    signed_contract(scene)
    store_more(scene, lon="109.9510")
    ids = list(
        StoredParcel.objects.filter(contract__storage_center=scene.centre).values_list(
            "pk", flat=True
        )
    )
    block = services.block_form(storage_center=scene.centre, stored_parcel_ids=ids, name="一号连片")
    listing = block_listings.block_list(
        block=block,
        actor=scene.storage_operator,
        listing_price_fen=price_yuan * 100,
        increment_fen=1_000,
        term_start=dt.date(2027, 1, 1),
        term_end=dt.date(2036, 12, 31),
        permitted_use="grain",
        deposit_fen=100_000,
    )
    now = timezone.now()
    Listing.objects.filter(pk=listing.pk).update(
        state=Listing.State.ANNOUNCED,
        published_at=now - dt.timedelta(days=7),
        announcement_ends_at=now + dt.timedelta(days=3),
    )
    listing = Listing.objects.get(pk=listing.pk)
    buyer = bidder_user()
    with capture(execute=True):
        qualify(listing, buyer)
        end_announcement(listing)
        deal = deal_services.deal_select_mode(deal=deal_services.deal_for_listing(listing))
        deal_services.negotiated_price_confirm(
            deal=deal, user=buyer, price_fen=listing.listing_price_fen
        )
    return LetBlock(
        scene, block, Listing.objects.get(pk=listing.pk), Deal.objects.get(pk=deal.pk), buyer
    )
