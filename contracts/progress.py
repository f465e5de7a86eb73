"""A deal's progress at a glance (issue 16 §5): 挂牌 → 公告 → 竞价/协商 → 成交公示 → 签约 → 结算 → 鉴证.

The current step is read from the Listing and Deal state machines (and the certificate, the last
step), never stored. A deal that ended without a transfer (流拍, default, withdrawal) stops at the
step where it ended, marked as stopped with the reason.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import pgettext_lazy

from listings.models import Listing

from .models import Auction, Deal

STEPS = (
    ("listing", pgettext_lazy("deal step", "Listing")),
    ("announcement", pgettext_lazy("deal step", "Announcement")),
    ("trading", pgettext_lazy("deal step", "Bidding or negotiation")),
    ("result", pgettext_lazy("deal step", "Result announcement")),
    ("signing", pgettext_lazy("deal step", "Signing")),
    ("settlement", pgettext_lazy("deal step", "Settlement")),
    ("certificate", pgettext_lazy("deal step", "Certificate")),
)
DONE = len(STEPS)  # every step done: the certificate is issued

_LISTING_STEP = {
    Listing.State.DRAFT: 0,
    Listing.State.SUBMITTED: 0,
    Listing.State.RETURNED: 0,
    Listing.State.APPROVED: 0,
    Listing.State.ANNOUNCED: 1,
    Listing.State.CLOSED: 2,
}
_DEAL_STEP = {
    Deal.State.REGISTRATION: 1,
    Deal.State.NEGOTIATING: 2,
    Deal.State.AUCTION: 2,
    Deal.State.AWARDED: 3,
    Deal.State.SIGNING: 4,
    Deal.State.PAYMENT: 5,
    Deal.State.SETTLED: 6,
    Deal.State.COMPLETE: 6,
}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    status: str  # done | current | stopped | todo


@dataclass(frozen=True)
class Progress:
    steps: list
    current: str  # the key of the current (or stopped) step; "" when all are done
    stopped_note: str = ""


def _deal_of(listing):
    try:
        return listing.deal
    except Deal.DoesNotExist:
        return None


def _has_certificate(deal) -> bool:
    try:
        return deal.certificate is not None
    except Exception:  # noqa: BLE001 (RelatedObjectDoesNotExist of the documents app)
        return False


def _stopped_at(deal) -> int:
    """Where a deal that ended without a transfer stopped."""
    if deal.state == Deal.State.DEFAULTED:
        return 5 if deal.payment_started_at else 4
    if deal.state == Deal.State.WITHDRAWN:
        if deal.signing_started_at:
            return 4
        return 3 if deal.awarded_at else 1
    return 2  # failed, relisted, taken into storage: no deal in the bidding or negotiation


def _position(listing, deal) -> tuple[int, bool]:
    """(index of the current step, stopped?)."""
    if deal is None:
        if listing.state == Listing.State.WITHDRAWN:
            return 1 if listing.published_at else 0, True
        return _LISTING_STEP.get(listing.state, 0), False
    if deal.state in _DEAL_STEP:
        index = _DEAL_STEP[deal.state]
        return (DONE if index == 6 and _has_certificate(deal) else index), False
    return _stopped_at(deal), True


def deal_progress(listing, deal=None) -> Progress:
    """The seven steps with their status for `listing` (and its deal, read when not given)."""
    deal = deal if deal is not None else _deal_of(listing)
    index, stopped = _position(listing, deal)
    steps = []
    for i, (key, label) in enumerate(STEPS):
        if i < index:
            status = "done"
        elif i == index:
            status = "stopped" if stopped else "current"
        else:
            status = "todo"
        steps.append(Step(key=key, label=label, status=status))
    note = ""
    if stopped and deal is not None:
        note = (
            deal.get_failure_reason_display() if deal.failure_reason else deal.get_state_display()
        )
    elif stopped:
        note = listing.get_state_display()
    current = STEPS[index][0] if index < DONE else ""
    return Progress(steps=steps, current=current, stopped_note=note)


def live_auction_of(deal) -> Auction | None:
    """The deal's auction while it runs (bids are taken or it is about to open), else None."""
    if deal is None or deal.state != Deal.State.AUCTION:
        return None
    auction = Auction.objects.filter(deal=deal, state=Auction.State.SCHEDULED).first()
    if auction is None or timezone.now() >= auction.close_at:
        return None
    return auction
