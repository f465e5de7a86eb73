"""The deal's audit timeline for its staff page (marketplace.audit.events_for, per object)."""

from types import SimpleNamespace

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.audit import events_for
from marketplace.labels import action_label
from marketplace.models import AuditEvent

from .models import Auction, Deposit, NegotiatedOffer, Objection, QualificationReview, Registration

LABELS = {
    "deal.opened": _("Deal opened (registration open)"),
    "deal.fail_without_bidders": _("Failed: no qualified bidder (R-MODE-1)"),
    "deal.start_negotiation": _("Negotiated deal: one qualified bidder (R-MODE-1)"),
    "deal.start_auction": _("Online auction: two or more qualified bidders (R-MODE-1)"),
    "deal.award": _("Awarded"),
    "deal.fail": _("Failed (no deal)"),
    "deal.withdraw": _("Withdrawn"),
    "deal.mark_relisted": _("Relisted (R-FAIL-1)"),
    "deal.storage_offered": _("Floor-price storage offered to the household (R-FAIL-2)"),
    "deal.start_signing": _("Contract signing started"),
    "deal.start_payment": _("Awaiting payment"),
    "deal.settle": _("Settled"),
    "deal.complete": _("Complete"),
    "deal.mark_defaulted": _("Defaulted"),
    "registration.created": _("Registration received"),
    "registration.qualify": _("Bidder qualified"),
    "registration.disqualify": _("Registration not qualified"),
    "registration.approve_after_review": _("Registration approved after review"),
    "registration.reject": _("Registration refused after review"),
    "qualification_review.requested": _("Qualification review requested (R-REG-3)"),
    "qualificationreview.approve": _("Qualification review approved"),
    "qualificationreview.refuse": _("Qualification review refused"),
    "deposit.hold": _("Deposit received"),
    "deposit.refund": _("Deposit refund requested"),
    "auction.scheduled": _("Auction scheduled"),
    "auction.rescheduled": _("Auction moved"),
    "auction.closed": _("Auction closed"),
    "auction.priority_claimed": _("Collective member matched the price (R-BID-9)"),
    "bid.placed": _("Bid placed"),
    "negotiated_offer.created": _("Price confirmation requested"),
    "negotiatedoffer.confirm": _("Price confirmed"),
    "negotiatedoffer.lapse": _("Price confirmation lapsed"),
    "objection.filed": _("Objection filed (R-DEAL-1)"),
    "objection.resolved": _("Objection resolved"),
}
BID_EVENTS_SHOWN = 100


def _q(model, pks):
    return Q(object_type=model._meta.label_lower, object_id__in=[str(pk) for pk in pks])


def timeline_for(deal) -> list[dict]:
    """Every audit event of the deal and its parts, oldest first (the latest bids only)."""
    registrations = list(Registration.objects.filter(deal=deal).values_list("pk", flat=True))
    parts = [
        _q(Registration, registrations),
        _q(Deposit, Deposit.objects.filter(registration__deal=deal).values_list("pk", flat=True)),
        _q(
            QualificationReview,
            QualificationReview.objects.filter(registration__deal=deal).values_list(
                "pk", flat=True
            ),
        ),
        _q(NegotiatedOffer, NegotiatedOffer.objects.filter(deal=deal).values_list("pk", flat=True)),
        _q(Objection, Objection.objects.filter(deal=deal).values_list("pk", flat=True)),
    ]
    query = Q(pk__in=events_for(deal).values("pk"))
    for part in parts:
        query |= part
    events = list(AuditEvent.objects.filter(query).select_related("actor"))
    auction = Auction.objects.filter(deal=deal).first()
    rows = [_event_row(e) for e in events]
    if auction is not None:
        rows += [_event_row(e) for e in events_for(auction).exclude(action="bid.placed")]
        # Bids are the rows of the auction's own hash chain (docs/bidding.md); the audit log's
        # `bid.placed` events of older auctions describe the same bids. The latest are shown.
        bids = auction.bids.select_related("registration", "placed_by").order_by("-sequence")
        rows += [_bid_row(bid) for bid in bids[:BID_EVENTS_SHOWN]]
    rows.sort(key=lambda row: row["event"].at)
    return rows


def _event_row(event):
    return {
        "event": event,
        "label": LABELS.get(event.action) or action_label(event.action),
        "payload": event.payload,
    }


def _bid_row(bid):
    """A bid of the auction's chain, shown like an audit event."""
    event = SimpleNamespace(
        at=bid.placed_at, actor_label=str(bid.placed_by) if bid.placed_by else "system"
    )
    payload = {
        "sequence": bid.sequence,
        "bidder_number": bid.registration.bidder_number,
        "amount_fen": bid.amount_fen,
    }
    return {"event": event, "label": LABELS["bid.placed"], "payload": payload}
