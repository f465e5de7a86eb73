"""Demo floor-price storage in 古丈县, through the real services (idempotent):

* the relocated household of the failed listing GP-433126-2026-D0004 (contracts.demo) accepted the
  storage offer made after the failure (R-FAIL-2): contract signed, first year paid out;
* two relocated households of a 默戎镇 village (a second village after the failed deal's) stored
  adjacent parcels directly (R-STORE-2): stored parcels still to be formed into a block
  (R-STORE-4), suggested on the storage operator's block map;
* a third relocated household there has an offer awaiting its decision at the station;
* blocks (R-STORE-4/5/6): 一号连片 of the first two households' parcels, listed as stored land by
  the storage centre, reviewed, announced, won by the agribusiness `bidder1` (negotiated), signed,
  paid and completed: its first year's rent above the floors is shared with the households and
  paid with their next guarantee (the demo pays that 2028 instalment ahead: it cannot wait);
  二号连片 listed and announced (public, right type stored_land); a relocated household of another
  village stored a parcel, and the failed deal's parcels are not in a block yet.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import Deal
from listings.models import Parcel, Right, RightHolder
from marketplace.models import Household, User

from . import services
from .models import Block, GuaranteeInstalment, StorageContract, StorageOffer, StoredParcel

FAILED_LISTING = "GP-433126-2026-D0004"
TERM = (dt.date(2027, 1, 1), dt.date(2036, 12, 31))
SIZE = 0.0005  # ≈ 49 m × 55 m, about 4 mu


def _scan():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 300), "white")
    ImageDraw.Draw(image).text((40, 40), "storage contract signed (demo)", fill="black")
    out = BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


def _witness(household):
    return User.objects.filter(
        role=User.Role.STATION_OPERATOR, station__township=household.village.township
    ).first() or User.objects.get(username="station")


def _sign(offer):
    storage = User.objects.get(username="storage")
    witness = _witness(offer.household)
    contract = services.storage_offer_accept(offer=offer, actor=witness)
    services.storage_contract_render(contract_id=contract.pk)  # the task, run now
    contract = StorageContract.objects.get(pk=contract.pk)
    services.storage_contract_sign_household(
        contract=contract,
        operator=witness,
        scan=_scan(),
        mark="fingerprint",
        pdf_sha256=contract.pdf_sha256,
        confirmed=True,
    )
    services.storage_contract_sign_centre(
        contract=contract, user=storage, pdf_sha256=contract.pdf_sha256
    )
    return StorageContract.objects.get(pk=contract.pk)


def _square(col, row, base):
    lon, lat = base[0] + SIZE * col, base[1] + SIZE * row
    ring = [[lon, lat], [lon + SIZE, lat], [lon + SIZE, lat + SIZE], [lon, lat + SIZE], [lon, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _household_land(household, cells, *, base, serial, land_class="paddy"):
    """A contract right over parcels at grid `cells` (adjacent squares share edges)."""
    village = household.village
    parcels = []
    for k, (col, row) in enumerate(cells):
        code = f"{village.full_code}97{serial * 10 + k:05d}"
        parcel, _ = Parcel.objects.get_or_create(
            code=code,
            defaults={
                "village": village,
                "group_code": "97",
                "name": f"{household.name}搬迁户{k + 1}号田",
                "area_mu": Decimal("4.0000"),
                "land_class": land_class,
                "boundary_east": "田埂",
                "boundary_south": "水渠",
                "boundary_west": "田埂",
                "boundary_north": "机耕路",
                "geometry": _square(col, row, base),
            },
        )
        parcels.append(parcel)
    right = Right.objects.filter(certificate_number=f"J{village.full_code}S{serial}").first()
    if right is None:
        right = Right.objects.create(
            right_type="contract",
            certificate_number=f"J{village.full_code}S{serial}",
            starts_on=dt.date(2018, 1, 1),
            ends_on=dt.date(2047, 12, 31),
        )
        right.parcels.set(parcels)
        RightHolder.objects.create(right=right, household=household)
    return right, parcels


def _relocated(township_name):
    """Relocated households of the township grouped by village (two villages at least)."""
    by_village = {}
    for household in Household.objects.filter(
        is_relocated=True,
        village__township__county__code="433126",
        village__township__name=township_name,
    ).order_by("village__code", "pk"):
        by_village.setdefault(household.village_id, []).append(household)
    return list(by_village.values())


def seed_failed_deal(log):
    deal = Deal.objects.filter(listing__number=FAILED_LISTING).first()
    if deal is None:
        log("storage: no failed demo deal to take into storage")
        return
    offer = StorageOffer.objects.filter(deal=deal).first()
    if offer is None:
        offer = services.storage_offer_for_failed_deal(deal_id=deal.pk)
    if offer is None:
        log("storage: the failed demo deal's household is not relocated: no offer")
        return
    if offer.state == StorageOffer.State.OFFERED:
        contract = _sign(offer)
        log(f"storage: {contract.number} signed after the failed listing {FAILED_LISTING}")


def seed_direct(log):
    groups = sorted(_relocated("默戎镇"), key=len, reverse=True)
    if not groups or len(groups[0]) < 3:
        log("storage: not enough relocated households in 默戎镇 for the demo")
        return
    first, second, third = groups[0][:3]
    base = (109.9100, 28.5600)
    plans = [
        (first, [(0, 0), (1, 0), (0, 1)], 1, True),  # an L of three paddies
        (second, [(1, 1), (2, 1)], 2, True),  # touching the L: one block to form
        (third, [(5, 5), (6, 5)], 3, False),  # an offer awaiting the household's decision
    ]
    for household, cells, serial, sign in plans:
        right, parcels = _household_land(household, cells, base=base, serial=serial)
        if StorageOffer.objects.filter(right=right).exists():
            continue
        offer = services.storage_offer_create(
            household=household,
            right=right,
            parcels=parcels,
            term_start=TERM[0],
            term_end=TERM[1],
            actor=User.objects.get(username="storage"),
        )
        if sign:
            contract = _sign(offer)
            log(f"storage: {contract.number} signed for {household} ({len(parcels)} parcels)")
        else:
            log(f"storage: offer to {household} awaits the household's decision")


def _store(household, cells, *, serial, base=(109.9100, 28.5600)):
    """Store a household's parcels at `cells` directly (idempotent): the signed contract."""
    right, parcels = _household_land(household, cells, base=base, serial=serial)
    offer = StorageOffer.objects.filter(right=right).first()
    if offer is None:
        offer = services.storage_offer_create(
            household=household,
            right=right,
            parcels=parcels,
            term_start=TERM[0],
            term_end=TERM[1],
            actor=User.objects.get(username="storage"),
        )
    if offer.state == StorageOffer.State.OFFERED:
        _sign(offer)
    return StoredParcel.objects.filter(parcel__in=parcels)


def _block(name, stored, log):
    block = Block.objects.filter(name=name).first()
    if block is None:
        block = services.block_form(
            storage_center=User.objects.get(username="storage").storage_center,
            stored_parcel_ids=[s.pk for s in stored],
            name=name,
            actor=User.objects.get(username="storage"),
        )
        log(f"storage: block {name} formed ({block.area_mu:.2f} mu)")
    return block


def _list_and_announce(block, *, markup):
    """File the block, attach a valuation report, approve and announce it (R-STORE-5, R-LIST-3)."""
    from listings import services as listing_services
    from listings.models import Listing
    from marketplace.money import ceil_yuan
    from valuation.services import valuation_report_create, valuation_suggest

    from . import block_listings

    listing = block_listings.block_listings(block).first()
    if listing is not None:
        return listing
    staff = User.objects.get(username="staff")
    subject = {
        "county": block.county,
        "township": block.township,
        "land_class": "paddy",
        "area_mu": block.area_mu,
        "term_years": Decimal(10),
    }
    suggestion = valuation_suggest(
        right_type="land_management", method="income_capitalisation", **subject
    )
    report = valuation_report_create(
        valuer=staff,
        subject_label=f"{block.township.name}{block.name}（收储连片）",
        method=suggestion["method"],
        inputs=suggestion["inputs"],
        **subject,
    )
    floor_per_mu = Decimal(block.floor_total_fen) / block.area_mu
    base = max(Decimal(report.reference_price_per_mu_year_fen), floor_per_mu)
    price = int(ceil_yuan(base * markup / 100)) * 100
    listing = block_listings.block_list(
        block=block,
        actor=User.objects.get(username="storage"),
        listing_price_fen=price,
        increment_fen=1_000,
        term_start=TERM[0],
        term_end=TERM[1],
        permitted_use="grain",
        title=f"古丈县{block.township.name}收储连片{block.name}{block.area_mu:.2f}亩",
        description="县农村土地收储中心收储的易地搬迁户承包地，集中连片，整体流转（演示）。",
    )
    listing = listing_services.listing_attach_valuation_report(
        listing=listing, report=report, actor=staff
    )
    listing = listing_services.listing_approve(listing=listing, actor=staff)
    listing = listing_services.listing_publish(listing=listing, actor=staff)
    return Listing.objects.get(pk=listing.pk)


def seed_blocks(log):
    """一号连片 let with a surplus paid, 二号连片 listed and announced, a parcel left unformed."""
    from contracts.documents import demo as documents_demo

    groups = sorted(_relocated("默戎镇"), key=len, reverse=True)
    if not groups or len(groups[0]) < 3:
        return
    first, second = groups[0][:2]
    one = StoredParcel.objects.filter(
        parcel__code__in=[
            f"{h.village.full_code}97{serial * 10 + k:05d}"
            for h, serial, n in ((first, 1, 3), (second, 2, 2))
            for k in range(n)
        ]
    )
    if one.count() == 5:
        block = _block("一号连片", one, log)
        listing = _list_and_announce(block, markup=Decimal("1.3"))
        deal = Deal.objects.filter(listing=listing).first()
        if deal is None or deal.state == Deal.State.REGISTRATION:
            deal = documents_demo._award(listing, "bidder1")
            documents_demo._sign(deal, "bidder1")
            documents_demo._complete(deal)
            deal = Deal.objects.get(pk=deal.pk)
            log(f"storage: {block.name} let through {deal.number} ({deal.get_state_display()})")
        for instalment in GuaranteeInstalment.objects.filter(
            contract__stored_parcels__block=block,
            surplus_fen__gt=0,
            state=GuaranteeInstalment.State.SCHEDULED,
        ).distinct():
            # the demo cannot wait for 2028: the next guarantee, with the surplus, is paid now
            services.guarantee_instalment_pay(
                instalment=instalment,
                actor=User.objects.get(username="storage"),
                today=instalment.due_on,
            )
            log(f"storage: {instalment} paid with a surplus share of {instalment.surplus_fen} fen")
    two = list(_store(first, [(10, 0), (11, 0)], serial=4)) + list(
        _store(second, [(10, 1), (11, 1)], serial=5)
    )
    block = _block("二号连片", two, log)
    listing = _list_and_announce(block, markup=Decimal("1.2"))
    log(f"storage: {block.name} listed as {listing.number} ({listing.get_state_display()})")
    # stored, still to be formed into a block: a relocated household of another village
    elsewhere = (
        Household.objects.filter(is_relocated=True, village__township__county__code="433126")
        .exclude(village=first.village)
        .order_by("pk")
        .first()
    )
    _store(elsewhere or second, [(0, 0)], serial=6, base=(109.9600, 28.6000))


def seed(log):
    if not User.objects.filter(username="storage").exists():
        log("storage: skipped (the kernel demo logins are missing)")
        return
    seed_failed_deal(log)
    seed_direct(log)
    seed_blocks(log)
    log(
        f"storage: {StorageContract.objects.filter(state='signed').count()} signed contracts, "
        f"{StorageOffer.objects.filter(state='offered').count()} open offers"
    )
