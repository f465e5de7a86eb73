"""The deals' notification events (issue 13): registered with the kernel's registry at start-up
(`ContractsConfig.ready`), sent from the services with `tell(...)` inside their transaction —
the inbox row is written with it, e-mail and SMS go out after commit. Each event is sent once per
(recipient, event, object): a service run twice sends nothing twice."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.money import fen_to_yuan, format_yuan
from marketplace.notifications import notification_send, register_event


def register_events():
    register_event(
        "registration.approved",
        label=_("Registration approved"),
        subject=_("Your registration for %(listing)s is approved"),
        body=_("The qualification review approved your registration for %(listing)s (R-REG-3)."),
        sms=_("Registration for %(listing)s approved."),
        rule="R-REG-3",
    )
    register_event(
        "registration.refused",
        label=_("Registration refused"),
        subject=_("Your registration for %(listing)s is refused"),
        body=_("Reasons: %(reasons)s. A held deposit is refunded (R-REG-3)."),
        sms=_("Registration for %(listing)s refused: %(reasons)s"),
        rule="R-REG-3",
    )
    register_event(
        "deposit.received",
        label=_("Deposit received"),
        subject=_("Deposit for %(listing)s received"),
        body=_("Your deposit of %(amount)s yuan for %(listing)s is received and held (R-REG-2)."),
        sms=_("Deposit %(amount)s yuan for %(listing)s received."),
        rule="R-REG-2",
    )
    register_event(
        "deposit.refunded",
        label=_("Deposit refunded"),
        subject=_("Deposit for %(listing)s refunded"),
        body=_("Your deposit of %(amount)s yuan for %(listing)s was refunded (R-DEAL-4)."),
        sms=_("Deposit %(amount)s yuan for %(listing)s refunded."),
        rule="R-DEAL-4",
    )
    register_event(
        "auction.scheduled",
        label=_("Auction scheduled"),
        subject=_("Online auction for %(listing)s at %(start)s"),
        body=_("The online auction for %(listing)s starts at %(start)s (Beijing time)."),
        sms=_("Auction for %(listing)s starts %(start)s."),
        rule="R-BID-1",
    )
    register_event(
        "auction.starting",
        label=_("Auction starts within the hour"),
        subject=_("The auction for %(listing)s starts at %(start)s"),
        body=_("The online auction for %(listing)s starts within the hour, at %(start)s."),
        sms=_("Auction for %(listing)s starts %(start)s, within the hour."),
        rule="R-BID-1",
    )
    register_event(
        "auction.won",
        label=_("Deal won"),
        subject=_("You won %(listing)s"),
        body=_("You won %(listing)s at %(price)s yuan. The contract follows (R-DEAL-1)."),
        sms=_("You won %(listing)s at %(price)s yuan."),
        rule="R-DEAL-1",
    )
    register_event(
        "auction.lost",
        label=_("Deal lost"),
        subject=_("%(listing)s went to another bidder"),
        body=_("%(listing)s went to another bidder. Your deposit is refunded in full (R-DEAL-4)."),
        sms=_("%(listing)s went to another bidder; deposit refunded."),
        rule="R-DEAL-4",
    )


def _listing_context(deal, **extra):
    return {"listing": deal.listing.number, **extra}


def tell(registration, event, *, obj=None, dedupe=None, **context):
    """Send `event` to a registration's bidder (user) about `obj` (default: the registration)."""
    deal = registration.deal
    notification_send(
        recipient=registration.user,
        event=event,
        context=_listing_context(deal, **context),
        obj=obj or registration,
        dedupe=dedupe,
        url=reverse("contracts:my_registrations"),
    )


def yuan(fen) -> str:
    return format_yuan(fen_to_yuan(int(fen or 0)), symbol=False)


def start_text(at) -> str:
    from django.utils import timezone

    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def tell_auction(auction, event, *, dedupe=None):
    """Send an auction event to every qualified bidder of the auction's deal."""
    from .models import Registration

    deal = auction.deal
    for registration in deal.registrations.filter(state=Registration.State.QUALIFIED):
        tell(
            registration,
            event,
            obj=auction,
            dedupe=dedupe or auction.start_at.isoformat(),
            start=start_text(auction.start_at),
        )


def auctions_starting_soon_tell(*, now=None, within_minutes=60) -> int:
    """Beat: tell the bidders of each auction that starts within the hour (once per start)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from .models import Auction

    now = now or timezone.now()
    due = Auction.objects.filter(
        state=Auction.State.SCHEDULED,
        start_at__gt=now,
        start_at__lte=now + dt.timedelta(minutes=within_minutes),
    ).select_related("deal__listing")
    count = 0
    for auction in due:
        with transaction.atomic():
            tell_auction(auction, "auction.starting")
        count += 1
    return count
