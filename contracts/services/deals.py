"""The deal from the listing's announcement to award or failure (R-MODE-1, R-DEAL-1/7, R-FAIL-1/2)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.models import Listing, PriceUnit
from marketplace import audit, workdays
from marketplace.choices import RightType
from marketplace.money import fen_to_yuan, round_fen
from valuation.formulas import total_value_fen

from .. import conf, notify, signals
from ..errors import ObjectionInvalid, TooManyObjections, WrongState
from ..models import Auction, Deal, NegotiatedOffer, Objection, Registration
from .common import deal_number_allocate, lock_deal, send_on_commit, transition

# ---------------------------------------------------------------- opening


def deal_for_listing(listing) -> Deal:
    """The listing's deal, opened on first use (normally when the listing is published)."""
    deal = Deal.objects.filter(listing_id=listing.pk).first()
    if deal is not None:
        return deal
    try:
        with transaction.atomic():
            number = deal_number_allocate(
                county_code=listing.county.code,
                year=timezone.localdate(listing.published_at or timezone.now()).year,
            )
            deal = Deal.objects.create(
                listing=listing, number=number, price_unit=listing.price_unit
            )
            audit.record(
                action="deal.opened",
                obj=deal,
                payload={"listing": listing.number, "number": number},
            )
    except IntegrityError:  # opened concurrently
        deal = Deal.objects.get(listing_id=listing.pk)
    return deal


def deal_withdraw(*, listing, actor=None) -> Deal | None:
    """The listing was withdrawn: an open deal is withdrawn and held deposits refunded."""
    from .registrations import _deposit_release

    deal = Deal.objects.filter(listing_id=listing.pk).first()
    if deal is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal)
        if not deal.is_open:
            return deal
        auction = Auction.objects.select_for_update().filter(deal=deal).first()
        if auction is not None and auction.state == Auction.State.SCHEDULED:
            # As a normal close does: the audit log anchors the auction's bid chain (R-BID-8).
            transition(
                auction,
                "close_on_withdrawal",
                at=now,
                actor=actor,
                action="auction.closed",
                payload={
                    "close_at": auction.close_at,
                    "closed_at": now,
                    "closer": "withdrawn",
                    "outcome": auction.outcome,
                    "bids": auction.bid_count,
                    "bids_hash": auction.bids_hash,
                    "price_fen": auction.current_price_fen,
                },
            )
        transition(deal, "withdraw", actor=actor, at=now)
        for registration in deal.registrations.all():
            _deposit_release(registration, at=now, reason="listing withdrawn")
    return deal


# ---------------------------------------------------------------- values (R-DEAL-7)


def deal_values(*, listing, price_fen: int) -> tuple[int | None, int]:
    """(annual rent, total value) in fen for an awarded price in the listing's unit."""
    if listing.price_unit == PriceUnit.TOTAL:
        return None, price_fen
    area = Decimal(str(listing.area_mu))
    annual = round_fen(Decimal(price_fen) * area)
    # R-DEAL-7: price × area × term rounded once, not the rounded annual rent × term.
    total = total_value_fen(
        price_fen_per_mu_year=price_fen,
        area_mu=area,
        term_start=listing.term_start,
        term_end=listing.term_end,
    )
    return annual, total


# ---------------------------------------------------------------- mode selection (R-MODE-1)


def auction_default_start(now, *, county=None) -> dt.datetime:
    """The next working day at 10:00 Beijing time (the county's rulebook hour)."""
    day = workdays.add_workdays(timezone.localdate(now), 1)
    return workdays.deadline_at(day, hour=conf.get("AUCTION_START_HOUR", county=county))


def deal_select_mode(*, deal, actor=None, now=None, auction_start_at=None) -> Deal:
    """R-MODE-1 at the end of the announcement: q = 0 failed, 1 negotiated, ≥ 2 auction."""
    from listings.services import listing_close

    from .registrations import registrations_disqualify_unfinished

    now = now or timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal)
        listing = deal.listing
        if deal.state != Deal.State.REGISTRATION:
            return deal  # already chosen (the beat job and the staff button may race)
        if listing.announcement_ends_at is None or now < listing.announcement_ends_at:
            raise WrongState(_("The announcement period has not ended yet."))
        registrations_disqualify_unfinished(deal, at=now)
        qualified = list(deal.registrations.filter(state=Registration.State.QUALIFIED))
        listing_close(listing=listing, actor=actor)
        payload = {"qualified": len(qualified), "rule": "R-MODE-1"}
        if not qualified:
            transition(deal, "fail_without_bidders", actor=actor, at=now, payload=payload)
            _after_failure(deal, now=now, actor=actor)
        elif len(qualified) == 1:
            transition(deal, "start_negotiation", actor=actor, at=now, payload=payload)
            _offer_create(deal, qualified[0], now=now)
        else:
            transition(deal, "start_auction", actor=actor, at=now, payload=payload)
            _auction_create(
                deal,
                start_at=auction_start_at
                or auction_default_start(now, county=deal.listing.county_id),
            )
    return deal


def deals_due_for_mode_selection(now=None):
    now = now or timezone.now()
    return Deal.objects.filter(
        state=Deal.State.REGISTRATION,
        listing__state=Listing.State.ANNOUNCED,
        listing__announcement_ends_at__lte=now,
    )


def deals_select_mode_due(*, now=None, actor=None, county_id=None) -> int:
    """The beat job (and the staff button): select the mode of every deal whose period ended
    (the button of county staff: only their county's, `county_id`)."""
    count = 0
    due = deals_due_for_mode_selection(now)
    if county_id is not None:
        due = due.filter(listing__county_id=county_id)
    for deal in due:
        deal_select_mode(deal=deal, actor=actor, now=now)
        count += 1
    return count


def _auction_create(deal, *, start_at) -> Auction:
    from .bidding import schedule_close

    listing = deal.listing
    county = listing.county_id
    close_at = start_at + dt.timedelta(minutes=conf.get("AUCTION_DURATION_MINUTES", county=county))
    auction = Auction.objects.create(
        deal=deal,
        start_at=start_at,
        scheduled_close_at=close_at,
        close_at=close_at,
        extension_window=dt.timedelta(minutes=conf.get("EXTENSION_MINUTES", county=county)),
        start_price_fen=listing.listing_price_fen,
        increment_fen=listing.increment_fen,
    )
    audit.record(
        action="auction.scheduled",
        obj=deal,
        payload={"auction": auction.pk, "start_at": start_at, "close_at": close_at},
    )
    schedule_close(auction)
    notify.tell_auction(auction, "auction.scheduled")
    return auction


def _offer_create(deal, registration, *, now) -> NegotiatedOffer:
    confirm_by = workdays.period_end(
        timezone.localdate(now),
        conf.get("NEGOTIATION_WORKDAYS", county=deal.listing.county_id),
    )
    offer = NegotiatedOffer.objects.create(
        deal=deal,
        registration=registration,
        minimum_price_fen=deal.listing.listing_price_fen,
        confirm_by=confirm_by,
    )
    audit.record(
        action="negotiated_offer.created",
        obj=deal,
        payload={"offer": offer.pk, "confirm_by": confirm_by},
    )
    return offer


# ---------------------------------------------------------------- negotiated deal


def negotiated_price_confirm(*, deal, user, price_fen: int) -> Deal:
    """The single qualified bidder confirms a price ≥ the listing price within 3 working days."""
    from ..errors import BidTooLow, NotQualified

    now = timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal)
        offer = (
            NegotiatedOffer.objects.select_for_update()
            .select_related("registration")
            .get(deal=deal)
        )
        if offer.registration.enterprise_id != getattr(user, "enterprise_id", None):
            raise NotQualified()
        if offer.state != NegotiatedOffer.State.PENDING or now >= offer.confirm_by:
            raise WrongState(_("The time to confirm the price has passed."))
        if not isinstance(price_fen, int) or price_fen < offer.minimum_price_fen:
            raise BidTooLow(
                _("The price must be at least the listing price %(price)s yuan.")
                % {"price": fen_to_yuan(offer.minimum_price_fen)}
            )
        transition(offer, "confirm", actor=user, price_fen=price_fen, at=now)
        deal_award(deal, winner=offer.registration, price_fen=price_fen, at=now, actor=user)
    return deal


def negotiations_lapse_due(*, now=None) -> int:
    """Offers not confirmed in time lapse: the deal fails (beat job)."""
    now = now or timezone.now()
    count = 0
    for offer in NegotiatedOffer.objects.filter(
        state=NegotiatedOffer.State.PENDING, confirm_by__lte=now
    ):
        with transaction.atomic():
            deal = lock_deal(offer.deal_id)
            offer = NegotiatedOffer.objects.select_for_update().get(pk=offer.pk)
            if offer.state != NegotiatedOffer.State.PENDING:
                continue
            transition(offer, "lapse")
            transition(deal, "fail", at=now, reason=Deal.FailureReason.NOT_CONFIRMED)
            _after_failure(deal, now=now)
            count += 1
    return count


# ---------------------------------------------------------------- award and failure


def award_terms(deal, *, price_fen, at) -> dict:
    """What an award (the first, or the runner-up's) fixes besides the winner: the deal's values
    (R-DEAL-7) and the end of its result announcement in the county's working days (R-DEAL-1)."""
    annual, total = deal_values(listing=deal.listing, price_fen=price_fen)
    ends_at = workdays.period_end(
        timezone.localdate(at),
        conf.get("RESULT_ANNOUNCEMENT_WORKDAYS", county=deal.listing.county_id),
    )
    return {
        "price_fen": price_fen,
        "annual_rent_fen": annual,
        "total_value_fen": total,
        "at": at,
        "announcement_ends_at": ends_at,
    }


def county_media_follow(deal, *, actor=None):
    """R-LIST-6: after an award the county-media flag follows the total deal value."""
    from listings.services import listing_county_media_follow

    listing_county_media_follow(
        listing=deal.listing, total_value_fen=deal.total_value_fen, actor=actor
    )


def deal_award(deal, *, winner, price_fen, at, actor=None):
    """Inside a transaction holding the deal lock: award, refund the losers, announce (R-DEAL-1/4)."""
    from .registrations import _deposit_release

    transition(
        deal,
        "award",
        actor=actor,
        winner=winner,
        **award_terms(deal, price_fen=price_fen, at=at),
        payload={"price_fen": price_fen, "bidder_number": winner.bidder_number},
    )
    county_media_follow(deal, actor=actor)
    notify.tell(winner, "auction.won", obj=deal, price=notify.yuan(price_fen))
    for registration in deal.registrations.exclude(pk=winner.pk):
        if registration.state == registration.State.QUALIFIED:
            notify.tell(registration, "auction.lost", obj=deal)
        _deposit_release(registration, at=timezone.now(), reason="R-DEAL-4 losing bidder")
    send_on_commit(signals.deal_awarded, deal=deal)


def deal_fail(deal, *, at, reason, actor=None):
    """Inside a transaction holding the deal lock: fail, refund every deposit, announce."""
    transition(deal, "fail", actor=actor, at=at, reason=reason)
    _after_failure(deal, now=at, actor=actor)


def _after_failure(deal, *, now, actor=None):
    """流拍: refund deposits, publish the 流拍公告, record the storage offer (R-FAIL-2)."""
    from .registrations import _deposit_release

    for registration in deal.registrations.all():
        _deposit_release(registration, at=timezone.now(), reason="deal failed")
    household = deal.listing.transferor_household
    if (
        household is not None
        and household.is_relocated
        and deal.listing.right_type in (RightType.LAND_MANAGEMENT, RightType.FOREST)
    ):
        deal.storage_offered_at = now
        deal.save(update_fields=["storage_offered_at", "updated_at"])
        audit.record(
            action="deal.storage_offered",
            obj=deal,
            actor=actor,
            payload={"household": household.pk, "rule": "R-FAIL-2"},
        )
    send_on_commit(signals.deal_failed, deal=deal)


def deal_relist(*, deal, listing_price_fen: int, actor) -> Deal:
    """R-FAIL-1: relist a failed deal's listing (a new listing gets a new deal when published)."""
    from listings.services import listing_relist

    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state != Deal.State.FAILED:
            raise WrongState(_("Only a failed deal can be relisted."))
        new_listing = listing_relist(
            listing=deal.listing, listing_price_fen=listing_price_fen, actor=actor
        )
        transition(
            deal,
            "mark_relisted",
            actor=actor,
            new_listing=new_listing,
            payload={"new_listing": new_listing.number, "price_fen": listing_price_fen},
        )
    return deal


def deal_reserve_set(*, deal, reserve_price_fen: int | None, reason: str, actor) -> Deal:
    """R-BID-6: staff set the secret reserve price until the auction closes (audited)."""
    from listings.services import listing_reserve_set

    with transaction.atomic():
        deal = lock_deal(deal)
        auction = Auction.objects.filter(deal=deal).first()
        closed = auction is not None and auction.state == Auction.State.CLOSED
        if deal.state not in (Deal.State.REGISTRATION, Deal.State.AUCTION) or closed:
            raise WrongState(
                _("The reserve price can be set only until the auction closes (R-BID-6)."),
                field="reserve_yuan",
            )
        listing_reserve_set(
            listing=deal.listing, reserve_price_fen=reserve_price_fen, reason=reason, actor=actor
        )
    return deal


# ---------------------------------------------------------------- objections (R-DEAL-1)


OBJECTION_TEXT_MAX = 5000


def _objection_fields(name, contact, text) -> dict:
    """Required, within the columns' lengths; the error names the field (422, never a 500)."""
    labels = {
        "name": (_("Your name"), Objection._meta.get_field("name").max_length),
        "contact": (_("Phone or e-mail"), Objection._meta.get_field("contact").max_length),
        "text": (_("Objection"), OBJECTION_TEXT_MAX),
    }
    values = {"name": name, "contact": contact, "text": text}
    cleaned = {}
    for field, (label, limit) in labels.items():
        value = values[field]
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            raise ObjectionInvalid(
                _("%(field)s: this field is required.") % {"field": label}, field=field
            )
        if len(value) > limit:
            raise ObjectionInvalid(
                _("%(field)s: at most %(limit)s characters (you wrote %(length)s).")
                % {"field": label, "limit": limit, "length": len(value)},
                field=field,
            )
        cleaned[field] = value
    return cleaned


def objection_file(*, deal, name, contact, text, user=None, ip=None) -> Objection:
    """Anyone may object during the result announcement (R-DEAL-1).

    Anonymous objections hold up the certificate, so an address may file at most
    `OBJECTIONS_PER_ADDRESS_PER_HOUR` (setting) in an hour.
    """
    now = timezone.now()
    fields = _objection_fields(name, contact, text)
    limit = getattr(settings, "OBJECTIONS_PER_ADDRESS_PER_HOUR", 5)
    if ip and limit:
        recent = Objection.objects.filter(
            filed_from=ip, filed_at__gte=now - dt.timedelta(hours=1)
        ).count()
        if recent >= limit:
            raise TooManyObjections()
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.result_announcement_ends_at is None or now >= deal.result_announcement_ends_at:
            raise WrongState(_("Objections are taken during the result announcement only."))
        objection = Objection.objects.create(
            deal=deal,
            filed_by=user if user is not None and user.is_authenticated else None,
            filed_from=ip or None,
            **fields,
        )
        audit.record(
            action="objection.filed", obj=deal, actor=user, payload={"objection": objection.pk}
        )
    return objection


def objection_resolve(*, objection, actor, uphold: bool, resolution: str) -> Objection:
    """Staff resolve an objection before the certificate is issued (R-DEAL-1)."""
    if not (resolution or "").strip():
        raise WrongState(_("Resolution: say how the objection was resolved."), field="resolution")
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        transition(
            objection,
            "uphold" if uphold else "dismiss",
            actor=actor,
            by=actor,
            at=timezone.now(),
            resolution=resolution.strip(),
        )
        audit.record(
            action="objection.resolved",
            obj=objection.deal,
            actor=actor,
            payload={"objection": objection.pk, "upheld": uphold},
        )
    return objection


def open_objections(deal) -> bool:
    return deal.objections.filter(state=Objection.State.OPEN).exists()
