"""Demo deals: a live auction (bidder1..3), one in its announcement period, one awarded, one
failed, one negotiated. Idempotent: listings are keyed by number; a live auction that has ended
is replaced by a fresh one so the demo always has a live auction.

Listings are made approved here and published through `listings.services.listing_publish`
(public page and deal follow its signal); deposits are paid through the payments webhook path.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from listings.grams import normalise, text_grams
from listings.models import Listing, Parcel, Right, RightHolder
from listings.services import listing_publish
from marketplace.models import Household, User
from marketplace.payments.testing import simulate_payment_succeeded

from . import services
from .models import Auction, Deal, Deposit, Registration

PREFIX = "GP-433126-2026-D"
SCENARIOS = {
    # key: (number suffix, title, area mu, price fen per mu-year, household index)
    "announced": ("0002", "默戎镇旱地50亩（竞买登记中，演示）", "50", 45_000, 1),
    "awarded": ("0003", "默戎镇茶园80亩（已成交，演示）", "80", 60_000, 2),
    "failed": ("0004", "默戎镇水田30亩（流拍，演示）", "30", 55_000, 3),
    "negotiated": ("0005", "默戎镇园地40亩（协议转让，演示）", "40", 50_000, 4),
}
LIVE_TITLE = "默戎镇茶园120亩（网络竞价进行中，演示）"


def _household(index, title="") -> Household:
    """A household of the township the title is named after (a 古阳镇 listing lies in 古阳镇)."""
    county = Household.objects.filter(village__township__county__code="433126").order_by("pk")
    township = title.split("镇")[0] + "镇" if "镇" in title else ""
    local = list(county.filter(village__township__name=township)) if township else []
    return local[index % len(local)] if local else county[index]


# The land class and use a title names (a 水田 listing is paddy land, not dry land).
LAND = {"水田": ("paddy", "grain"), "茶园": ("garden", "tea"), "园地": ("garden", "tea")}


def _land(title) -> tuple[str, str]:
    for word, found in LAND.items():
        if word in title:
            return found
    return "dry_land", "cash_crops"


def _location(village) -> str:
    """坐落, as listings.services writes it for listings filed through the services."""
    return f"{village.township.county.name}{village.township.name}{village.name}"


def _listing(*, number, title, area, price_fen, household) -> Listing:
    village = household.village
    land_class, use = _land(title)
    code = f"{village.full_code}99{int(number[-4:]):05d}"
    parcel, _ = Parcel.objects.get_or_create(
        code=code,
        defaults={
            "village": village,
            "group_code": "99",
            "name": f"{title.split('（')[0]}地块",
            "area_mu": Decimal(area),
            "land_class": land_class,
            "boundary_east": "村道",
            "boundary_south": "小溪",
            "boundary_west": "山林",
            "boundary_north": "茶园",
        },
    )
    right = Right.objects.create(
        right_type="contract",
        certificate_number=f"J{code[:12]}D",
        starts_on=dt.date(2018, 1, 1),
        ends_on=dt.date(2047, 12, 31),
    )
    right.parcels.set([parcel])
    RightHolder.objects.create(right=right, household=household)
    staff = User.objects.get(username="staff")
    listing = Listing.objects.create(
        number=number,
        title=title,
        description="演示挂牌项目：用于展示竞买登记、网络竞价与成交公示。",
        right=right,
        transferor_household=household,
        county=village.township.county,
        township=village.township,
        village=village,
        location=_location(village),
        search_text=normalise(f"{title} {_location(village)}"),
        search_grams=text_grams(normalise(f"{title} {_location(village)}")),
        area_mu=Decimal(area),
        land_class=land_class,
        transfer_mode="lease",
        term_start=dt.date(2027, 1, 1),
        term_end=dt.date(2037, 1, 1),
        permitted_use=use,
        price_unit="per_mu_year",
        listing_price_fen=price_fen,
        increment_fen=1_000,
        deposit_fen=max(100_000, price_fen * int(Decimal(area)) * 3 // 10 // 100 * 100),
        filed_by=staff,
        reviewed_by=staff,
        state=Listing.State.APPROVED,
        right_type="land_management",
    )
    listing.parcels.set([parcel])
    return listing_publish(listing=listing, actor=staff)


def _qualify(listing, username) -> Registration:
    user = User.objects.get(username=username)
    registration = services.registration_create(listing=listing, user=user)
    deposit = Deposit.objects.get(registration=registration)
    if deposit.payable_id:
        simulate_payment_succeeded(deposit.payable)
    return Registration.objects.get(pk=registration.pk)


def _end_announcement(listing):
    Listing.objects.filter(pk=listing.pk).update(
        announcement_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    return Listing.objects.get(pk=listing.pk)


def _bid(registration, amount):
    registration = Registration.objects.select_related("deal__auction").get(pk=registration.pk)
    return services.bid_place(
        registration=registration, amount=amount, idempotency_key=f"demo-{amount}"
    )[0]


def seed_live(log):
    """An auction live from now for 60 minutes with bidder1, bidder2 and bidder3 qualified."""
    now = timezone.now()
    live = Auction.objects.filter(
        deal__listing__title=LIVE_TITLE, state=Auction.State.SCHEDULED, close_at__gt=now
    ).first()
    if live is not None:
        log(
            f"deals: live auction {live.deal.number} runs until {timezone.localtime(live.close_at)}"
        )
        return
    serial = Listing.objects.filter(number__startswith=f"{PREFIX}1").count() + 1
    listing = _listing(
        number=f"{PREFIX}1{serial:03d}",
        title=LIVE_TITLE,
        area="120",
        price_fen=58_000,
        household=_household(0, LIVE_TITLE),
    )
    for username in ("bidder1", "bidder2", "bidder3"):
        _qualify(listing, username)
    listing = _end_announcement(listing)
    deal = services.deal_select_mode(deal=services.deal_for_listing(listing), auction_start_at=now)
    log(f"deals: live auction {deal.number} (listing {listing.number}) for 60 minutes")


def seed_announced(listing, log):
    log(f"deals: {listing.number} in its announcement period (register as bidder1..3)")


def seed_awarded(listing, log):
    first, second = _qualify(listing, "bidder1"), _qualify(listing, "bidder2")
    listing = _end_announcement(listing)
    start = timezone.now() - dt.timedelta(minutes=1)
    deal = services.deal_select_mode(deal=first.deal, auction_start_at=start)
    _bid(first, "600.00")
    last = _bid(second, "610.00")
    close_at = last.placed_at + dt.timedelta(milliseconds=1)
    Auction.objects.filter(deal=deal).update(
        start_at=close_at - dt.timedelta(minutes=60),
        scheduled_close_at=close_at,
        close_at=close_at,
    )
    auction = Auction.objects.get(deal=deal)
    services.auction_close(auction_id=auction.pk, closer="demo", now=close_at)
    log(f"deals: {deal.number} awarded to bidder2 at 610 yuan/mu/year")


def seed_failed(listing, log):
    listing = _end_announcement(listing)
    deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    log(f"deals: {deal.number} failed (no qualified bidder), 流拍公告 published")


def seed_negotiated(listing, log):
    registration = _qualify(listing, "bidder3")
    _end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    log(f"deals: {deal.number} negotiated: bidder3 confirms the price within 3 working days")


def seed(log):
    if not User.objects.filter(username="bidder1").exists():
        log("deals: skipped (the kernel demo logins are missing)")
        return
    steps = {
        "announced": seed_announced,
        "awarded": seed_awarded,
        "failed": seed_failed,
        "negotiated": seed_negotiated,
    }
    for key, (suffix, title, area, price_fen, household) in SCENARIOS.items():
        number = f"{PREFIX}{suffix}"
        if Listing.objects.filter(number=number).exists():
            continue
        listing = _listing(
            number=number,
            title=title,
            area=area,
            price_fen=price_fen,
            household=_household(household, title),
        )
        steps[key](listing, log)
    seed_live(log)
    log(f"deals: {Deal.objects.count()} in all")
