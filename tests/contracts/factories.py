"""Builders for deal tests: announced listings, qualified bidders and live auctions.

`announced_listing` makes a listing as the listings services leave it after publication.
`qualify` goes the real way (registration service, deposit payable, payment webhook).
`live_auction` builds a running auction directly (engine tests need many, fast).
"""

import datetime as dt
from decimal import Decimal
from itertools import count

from django.utils import timezone

from contracts import services
from contracts.models import Auction, Deal, Deposit, Registration
from listings.models import Listing
from marketplace.payments.testing import simulate_payment_succeeded
from tests import factories as kernel
from tests.listings.factories import ParcelFactory, RightFactory

_numbers = count(1)


def announced_listing(
    *,
    price_fen=50_000,
    increment_fen=1_000,
    deposit_fen=100_000,
    area_mu="20",
    ends_in=dt.timedelta(days=3),
    reserve_price_fen=None,
    household=None,
    right_type="land_management",
    price_unit="per_mu_year",
    **extra,
) -> Listing:
    village = household.village if household else kernel.VillageFactory()
    household = household or kernel.HouseholdFactory(village=village)
    parcel = ParcelFactory(village=village, area_mu=Decimal(area_mu))
    right = RightFactory(parcels=[parcel], right_type="contract")
    now = timezone.now()
    listing = Listing.objects.create(
        number=f"GP-{village.township.county.code}-2026-T{next(_numbers):05d}",
        title=f"测试挂牌{village.name}",
        right=right,
        transferor_household=household,
        county=village.township.county,
        township=village.township,
        village=village,
        area_mu=Decimal(area_mu),
        land_class="dry_land",
        transfer_mode="lease",
        term_start=dt.date(2027, 1, 1),
        term_end=dt.date(2036, 12, 31),  # ten years, end date included (R-DEAL-7)
        permitted_use="grain",
        price_unit=price_unit,
        listing_price_fen=price_fen,
        increment_fen=increment_fen,
        deposit_fen=deposit_fen,
        reserve_price_fen=reserve_price_fen,
        filed_by=kernel.UserFactory(),
        state=Listing.State.ANNOUNCED,
        published_at=now - dt.timedelta(days=7),
        announcement_ends_at=now + ends_in,
        right_type=right_type,
        **extra,
    )
    listing.parcels.set([parcel])
    return listing


def bidder(**enterprise):
    return kernel.AgribusinessUserFactory(enterprise=kernel.EnterpriseFactory(**enterprise))


def qualify(listing, user=None) -> Registration:
    """Register and pay the deposit through payments' webhook path (R-REG-2)."""
    user = user or bidder()
    registration = services.registration_create(listing=listing, user=user)
    deposit = Deposit.objects.get(registration=registration)
    if deposit.payable_id:
        simulate_payment_succeeded(deposit.payable)
    return Registration.objects.get(pk=registration.pk)


def end_announcement(listing, *, ago=dt.timedelta(seconds=1)):
    Listing.objects.filter(pk=listing.pk).update(announcement_ends_at=timezone.now() - ago)
    return Listing.objects.get(pk=listing.pk)  # protected FSM field: no refresh_from_db


def live_auction(
    *,
    bidders=2,
    start_price_fen=50_000,
    increment_fen=1_000,
    start_at=None,
    close_in=dt.timedelta(minutes=60),
    reserve_price_fen=None,
    members=0,
    **listing_kw,
):
    """(auction, [registrations]) of a running auction built directly (no deposits)."""
    listing = announced_listing(
        price_fen=start_price_fen,
        increment_fen=increment_fen,
        reserve_price_fen=reserve_price_fen,
        deposit_fen=0,
        **listing_kw,
    )
    Listing.objects.filter(pk=listing.pk).update(state=Listing.State.CLOSED)
    now = timezone.now()
    deal = Deal.objects.create(
        listing=listing,
        number=f"JY-433126-2026-T{next(_numbers):05d}",
        state=Deal.State.AUCTION,
        trading_mode="auction",
    )
    registrations = []
    for i in range(bidders):
        user = bidder(collective_village=listing.village if i < members else None)
        registration = Registration.objects.create(
            deal=deal,
            enterprise=user.enterprise,
            user=user,
            state=Registration.State.QUALIFIED,
            bidder_number=f"{1000 + 7 * i + 3}",
            is_collective_member=i < members,
        )
        # As registration_create leaves a listing without a deposit: held at once (R-BID-1).
        Deposit.objects.create(
            registration=registration, amount_fen=0, state=Deposit.State.HELD, received_at=now
        )
        registrations.append(registration)
    start_at = start_at or now - dt.timedelta(minutes=1)
    auction = Auction.objects.create(
        deal=deal,
        start_at=start_at,
        scheduled_close_at=now + close_in,
        close_at=now + close_in,
        start_price_fen=start_price_fen,
        increment_fen=increment_fen,
    )
    return auction, registrations
