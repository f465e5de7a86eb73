"""Reads of the deals app. Bidders see each other only as bidder numbers (R-BID-1)."""

from django.db.models import Count, Q
from django.utils import timezone

from marketplace.money import fen_to_yuan

from . import conf
from .models import Auction, Deal, Deposit, QualificationReview, Registration


def auction_for_listing(listing_id) -> Auction | None:
    return (
        Auction.objects.select_related("deal", "leading_registration")
        .filter(deal__listing_id=listing_id)
        .first()
    )


def auction_phase(auction, now=None) -> str:
    """scheduled (not open yet) | open | closed (the close time has passed or it is closed)."""
    now = now or timezone.now()
    if auction.state == Auction.State.CLOSED or now >= auction.close_at:
        return "closed"
    if now < auction.start_at:
        return "scheduled"
    return "open"


def my_registration(deal_id, user) -> Registration | None:
    enterprise_id = getattr(user, "enterprise_id", None)
    if not enterprise_id:
        return None
    return Registration.objects.filter(deal_id=deal_id, enterprise_id=enterprise_id).first()


def auction_etag(auction, *, viewer, now=None) -> str:
    """Changes whenever anything the viewer sees changes (conditional polling)."""
    staff = int(bool(getattr(viewer, "is_exchange_staff", False)))
    return (
        f'W/"a{auction.pk}-{auction.bid_count}-{int(auction.close_at.timestamp() * 1000)}-'
        f'{auction_phase(auction, now)}-{auction.outcome}-{staff}-{getattr(viewer, "pk", 0)}"'
    )


def yuan(fen):
    return None if fen is None else str(fen_to_yuan(fen))


def auction_snapshot(auction, *, viewer, now=None, mine=...) -> dict:
    """The auction as the room and the API show it. Staff also see enterprise names.

    mine: the viewer's registration if the caller has read it already (None: has none).
    """
    now = now or timezone.now()
    staff = bool(getattr(viewer, "is_exchange_staff", False))
    fields = ["sequence", "amount_fen", "placed_at", "registration__bidder_number"]
    if staff:
        fields.append("registration__enterprise__name")
    rows = auction.bids.order_by("-sequence").values(*fields)[: conf.get("ROOM_BID_LIST_LENGTH")]
    bids = []
    for row in rows:
        bid = {
            "bidder_number": row["registration__bidder_number"],
            "amount_yuan": yuan(row["amount_fen"]),
            "placed_at": row["placed_at"].isoformat(),
        }
        if staff:
            bid["bidder_name"] = row["registration__enterprise__name"]
        bids.append(bid)
    if mine is ...:
        mine = my_registration(auction.deal_id, viewer)
    leading = auction.leading_registration
    data = {
        "state": auction_phase(auction, now),
        "outcome": auction.outcome,
        "start_at": auction.start_at.isoformat(),
        "scheduled_close_at": auction.scheduled_close_at.isoformat(),
        "close_at": auction.close_at.isoformat(),
        "server_time": now.isoformat(),
        "extension_seconds": int(auction.extension_window.total_seconds()),
        "start_price_yuan": yuan(auction.start_price_fen),
        "increment_yuan": yuan(auction.increment_fen),
        "current_price_yuan": yuan(auction.current_price_fen),
        "next_min_yuan": yuan(auction.next_min_fen()),
        "leading_bidder_number": leading.bidder_number if leading else None,
        "my_bidder_number": mine.bidder_number if mine else None,
        "bid_count": auction.bid_count,
        "bids": bids,
    }
    if staff and leading:
        data["leading_bidder_name"] = leading.enterprise.name
    return data


def registration_payload(registration, *, request=None) -> dict:
    deposit = Deposit.objects.select_related("payable").filter(registration=registration).first()
    payable = deposit.payable if deposit else None
    checkout = payable.checkout_url if payable else None
    if checkout and request is not None:
        checkout = request.build_absolute_uri(checkout)
    return {
        "id": registration.pk,
        "listing_id": registration.deal.listing_id,
        "deal_number": registration.deal.number,
        "state": registration.state,
        "state_label": str(registration.get_state_display()),
        "bidder_number": registration.bidder_number,
        "deposit": {
            "amount_yuan": yuan(deposit.amount_fen) if deposit else None,
            "state": deposit.state if deposit else None,
            "payment_intent_id": payable.payment_intent_id if payable else None,
            "checkout_url": checkout
            if payable and deposit.state == Deposit.State.PENDING
            else None,
        },
    }


def registration_list_for_user(user):
    return (
        Registration.objects.filter(enterprise_id=getattr(user, "enterprise_id", None))
        .select_related("deal__listing", "deposit", "deal__auction")
        .order_by("-created_at")
    )


def deal_list_for_staff(user, *, state=None):
    qs = Deal.objects.select_related("listing", "listing__county", "transferee").annotate(
        registrations_count=Count("registrations"),
        qualified_count=Count(
            "registrations", filter=Q(registrations__state=Registration.State.QUALIFIED)
        ),
    )
    if getattr(user, "county_id", None):
        qs = qs.filter(listing__county_id=user.county_id)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at")


def review_queue(user):
    qs = QualificationReview.objects.select_related(
        "registration__enterprise", "registration__deal__listing"
    ).filter(state=QualificationReview.State.PENDING)
    if getattr(user, "county_id", None):
        qs = qs.filter(registration__deal__listing__county_id=user.county_id)
    return qs.order_by("due_at")


def auctions_for_bidder(user):
    return (
        Auction.objects.filter(
            deal__registrations__enterprise_id=getattr(user, "enterprise_id", None),
            deal__registrations__state=Registration.State.QUALIFIED,
        )
        .select_related("deal__listing")
        .order_by("-start_at")
    )


def live_auctions():
    return Auction.objects.filter(state=Auction.State.SCHEDULED).select_related("deal__listing")
