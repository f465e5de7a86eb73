"""Block listings (R-STORE-5) and the block's rent from its deal (R-STORE-6), beside the listing
services: a formed block is listed as stored land (right type `stored_land`) with the county
storage centre as transferor, through the normal review, announcement and deal flow
(`listings.services`); its start price is never below the sum of its parcels' fixed floors for the
listing term, at filing, in review and at a relisting (hooks registered in `listings.checks`).

The block's stored-land right is recorded when it is first listed: held by the centre, its term
the common part of the parcels' storage terms. The centre's own lease on the households' parcels
(recorded at signing) does not block listing it (an exception to R-RIGHT-3 for the holder of the
stored-land right); any other encumbrance, an open listing or a lease to an agribusiness does.

When the block's deal is settled, and at each rent instalment paid, the rent received is recorded
against the block's years (`BlockRent`), so exposure and the surplus share use it.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.models import Listing, PaymentSchedule, PriceUnit, Right, RightHolder
from marketplace import audit
from marketplace.choices import RightType, TransferMode
from marketplace.errors import NotAllowed
from marketplace.money import split_fen

from .errors import StorageRefused, WrongState
from .models import Block, BlockRent, StoredParcel
from .money import storage_years, total_value_fen

LET_DEAL_STATES = ("awarded", "signing", "payment", "settled", "complete")


def _refuse(message, field=None):
    raise StorageRefused(message, field=field)


def _yuan(fen) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


# ---------------------------------------------------------------- hooks for listings.checks


def _block_of(right):
    if right is None or right.right_type != RightType.STORED_LAND or right.pk is None:
        return None
    return Block.objects.filter(right=right).first()


def excused_leases(right, parcels, term_start, term_end) -> set:
    """The centre's own leases on the block's parcels: they do not block listing the
    stored-land right the centre holds (R-STORE-5; R-RIGHT-3 still applies to all else)."""
    block = _block_of(right)
    if block is None:
        return set()
    holders = set(
        RightHolder.objects.filter(right=right, storage_center__isnull=False).values_list(
            "storage_center_id", flat=True
        )
    )
    return set(
        StoredParcel.objects.filter(
            block=block, storage_center_id__in=holders, lease__isnull=False
        ).values_list("lease_id", flat=True)
    )


def floor_total_for_term(block, term_start: dt.date, term_end: dt.date, parcel_ids=None) -> int:
    """Σ over the block's parcels of fixed floor × area over the term (end-inclusive years),
    each parcel to the fen (R-STORE-5)."""
    stored = block.stored_parcels.all()
    if parcel_ids is not None:
        stored = stored.filter(parcel_id__in=parcel_ids)
    return sum(
        total_value_fen(
            price_fen_per_mu_year=s.floor_per_mu_year_fen,
            area_mu=s.area_mu,
            term_start=term_start,
            term_end=term_end,
        )
        for s in stored
    )


def fixed_floor_total(right, parcels, term_start, term_end) -> int | None:
    block = _block_of(right)
    if block is None:
        return None
    return floor_total_for_term(block, term_start, term_end, [p.pk for p in parcels])


# ---------------------------------------------------------------- listing a block


def block_listings(block):
    """The block's listings, newest first (a relisting is a new listing of the same right)."""
    if block.right_id is None:
        return Listing.objects.none()
    return Listing.objects.filter(right_id=block.right_id).order_by("-created_at", "-pk")


def block_busy(block, *, on=None) -> str | None:
    """Why the block cannot be listed now: an open listing, or a deal letting it (R-RIGHT-3)."""
    on = on or timezone.localdate()
    listings = block_listings(block)
    open_listing = listings.filter(state__in=Listing.OPEN_STATES).first()
    if open_listing is not None:
        return _("Block: %(block)s is already listed (listing %(number)s, %(state)s).") % {
            "block": block.name,
            "number": open_listing.number,
            "state": open_listing.get_state_display(),
        }
    let = (
        listings.filter(deal__state__in=LET_DEAL_STATES, term_end__gte=on)
        .select_related("deal")
        .first()
    )
    if let is not None:
        return _("Block: %(block)s is already let (deal %(deal)s until %(end)s) (R-RIGHT-3).") % {
            "block": block.name,
            "deal": let.deal.number,
            "end": let.term_end.isoformat(),
        }
    return None


def block_term(block) -> tuple[dt.date, dt.date]:
    """The common part of the parcels' storage terms: the most a block listing may run."""
    terms = list(block.stored_parcels.values_list("term_start", "term_end"))
    return max(t[0] for t in terms), min(t[1] for t in terms)


def _block_right(block) -> Right:
    """The block's stored-land right held by the centre (recorded once, inside the caller's
    transaction)."""
    if block.right_id:
        return block.right
    start, end = block_term(block)
    right = Right.objects.create(
        right_type=RightType.STORED_LAND,
        certificate_number=f"BLOCK-{block.county.code}-{block.pk:06d}",
        starts_on=start,
        ends_on=end,
    )
    right.parcels.set([s.parcel_id for s in block.stored_parcels.all()])
    RightHolder.objects.create(right=right, storage_center=block.storage_center, share=Decimal(1))
    block.right = right
    block.save(update_fields=["right"])
    audit.record(
        action="block.right_recorded",
        obj=block,
        payload={"right": right.pk, "starts_on": start, "ends_on": end, "rule": "R-STORE-5"},
    )
    return right


def block_list(
    *,
    block,
    actor,
    listing_price_fen: int,
    term_start: dt.date,
    term_end: dt.date,
    permitted_use: str,
    increment_fen: int,
    price_unit: str = PriceUnit.PER_MU_YEAR,
    title: str = "",
    description: str = "",
    transfer_mode: str = TransferMode.LEASE,
    payment_schedule: str = PaymentSchedule.YEARLY_IN_ADVANCE,
    bidder_qualifications: str = "",
    deposit_fen: int | None = None,
) -> Listing:
    """File the block as a stored-land listing of the centre and submit it for review
    (R-STORE-5, R-LIST-3). Refused, naming the rule: a block dissolved, already listed or let,
    a term outside the parcels' storage, a start price below the fixed floors for the term."""
    from listings import services as listing_services

    if actor is None or not actor.is_authenticated or actor.storage_center_id is None:
        raise NotAllowed()
    if actor.storage_center_id != block.storage_center_id:
        raise NotAllowed()
    if price_unit not in PriceUnit.values:
        _refuse(_("Price unit: choose yuan per mu per year or a total."), "price_unit")
    for name, value in (("listing_price_fen", listing_price_fen), ("increment_fen", increment_fen)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            _refuse(_("Amount: must be greater than 0."), name)
    with transaction.atomic():
        block = Block.objects.select_for_update().select_related("county").get(pk=block.pk)
        if block.state != Block.State.FORMED:
            raise WrongState(_("This block is dissolved."))
        busy = block_busy(block)
        if busy:
            _refuse(busy, "block")
        start, end = block_term(block)
        if term_end <= term_start:
            _refuse(_("Term ends: must be after the start (R-LIST-2)."), "term_end")
        if term_start < start or term_end > end:
            _refuse(
                _(
                    "Term: the block is stored from %(start)s to %(end)s; a listing of it runs "
                    "within that term (R-RIGHT-4)."
                )
                % {"start": start.isoformat(), "end": end.isoformat()},
                "term_end",
            )
        floor = floor_total_for_term(block, term_start, term_end)
        draft = Listing(
            price_unit=price_unit,
            listing_price_fen=listing_price_fen,
            area_mu=block.area_mu,
            term_start=term_start,
            term_end=term_end,
        )
        from listings.checks import total_value_fen as listing_total

        if listing_total(draft) < floor:
            _refuse(
                _(
                    "Listing price: %(actual)s yuan over the term is below the sum of the "
                    "parcels' fixed floor prices for the term, %(floor)s yuan (R-STORE-5)."
                )
                % {"actual": _yuan(listing_total(draft)), "floor": _yuan(floor)},
                "listing_price_fen",
            )
        right = _block_right(block)
        parcels = list(right.parcels.select_related("village__township__county").order_by("code"))
        listing = listing_services.listing_create(
            actor=actor,
            right=right,
            parcels=parcels,
            storage_center=block.storage_center,
            title=(title or "").strip()
            or _("%(township)s stored land block %(block)s, %(area)s mu")
            % {
                "township": block.township.name,
                "block": block.name,
                "area": f"{block.area_mu:.2f}",
            },
            description=description,
            transfer_mode=transfer_mode,
            term_start=term_start,
            term_end=term_end,
            permitted_use=permitted_use,
            price_unit=price_unit,
            listing_price_fen=listing_price_fen,
            increment_fen=increment_fen,
            deposit_fen=deposit_fen,
            bidder_qualifications=bidder_qualifications
            or _("Agribusinesses (legal persons) registered with the exchange."),
            payment_schedule=payment_schedule,
        )
        listing = listing_services.listing_submit(listing=listing, actor=actor)
        audit.record(
            action="block.listed",
            obj=block,
            actor=actor,
            payload={
                "listing": listing.number,
                "listing_price_fen": listing_price_fen,
                "floor_total_fen": floor,
                "rule": "R-STORE-5",
            },
        )
    return listing


# ---------------------------------------------------------------- rent from the block's deal


def block_for_deal(deal):
    return Block.objects.filter(right_id=deal.listing.right_id).first()


def covered_years(listing, *, sequence: int, everything: bool) -> list[int]:
    """Lease-year indices (from 1) a payment covers: the first payment (sequence 1) the first
    year, three years or the whole term; instalment k the years of its step (R-DEAL-3)."""
    n = len(storage_years(listing.term_start, listing.term_end))
    if everything or listing.payment_schedule == PaymentSchedule.LUMP_SUM:
        return list(range(1, n + 1)) if sequence == 1 else []
    step = 3 if listing.payment_schedule == PaymentSchedule.EVERY_THREE_YEARS else 1
    first = (sequence - 1) * step + 1
    return [k for k in range(first, first + step) if k <= n]


def block_rent_from_deal(*, deal, amount_fen: int, sequence: int, everything=False) -> list:
    """Record the rent a block's deal brought against the block's years (R-STORE-6, R-STORE-7):
    split over the lease years it covers by their length (`split_fen`, to the fen), each year
    recorded once (a repeated call records nothing new). Runs inside the payment's transaction;
    a share that cannot be carried is audited, never undoes the payment."""
    from . import services

    block = block_for_deal(deal)
    if block is None or amount_fen <= 0:
        return []
    listing = deal.listing
    years = {
        index: (first, fraction)
        for index, first, fraction in storage_years(listing.term_start, listing.term_end)
    }
    indices = covered_years(listing, sequence=sequence, everything=everything)
    if not indices:
        return []
    parts = split_fen(amount_fen, {k: years[k][1] for k in indices})
    recorded = []
    for k in indices:
        year = years[k][0].year
        if BlockRent.objects.filter(block=block, year=year).exists():
            continue
        source = f"{deal.number}#{sequence}"
        try:
            recorded.append(
                services.block_rent_record(block=block, year=year, rent_fen=parts[k], source=source)
            )
        except StorageRefused as exc:
            audit.record(
                action="block.rent_not_recorded",
                obj=block,
                payload={"deal": deal.number, "year": year, "reason": str(exc.message)},
            )
    return recorded
