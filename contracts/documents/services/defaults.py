"""Missed deadlines (R-DEAL-2/3 → R-DEAL-5): defaulted, deposit forfeited; then staff award to
the runner-up at its last bid, or relist."""

from functools import partial

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import signals
from contracts.models import Bid, Deal, Deposit
from marketplace import audit
from marketplace.notifications import notify_users

from .. import recipients
from ..errors import NoRunnerUp, RunnerUpBelowReserve, WrongState
from ..models import Contract, DealDefault, Settlement, Signature
from .common import active_contract, lock_deal, transition
from .signing import signed_parties

DEFAULTABLE = (Deal.State.AWARDED, Deal.State.SIGNING, Deal.State.PAYMENT)


def deadlines_sweep(*, now=None) -> int:
    """Beat job: contracts not signed by the transferee in time and payments not made in time.

    Only the winner defaults (R-DEAL-5): a household that has not signed yet is not the
    winner's breach; such contracts stay on the staff list of late signatures instead.
    """
    now = now or timezone.now()
    count = 0
    for contract in Contract.objects.filter(state=Contract.State.READY, sign_by__lte=now):
        if Signature.Party.TRANSFEREE not in signed_parties(contract):
            count += bool(
                deal_default(
                    deal_id=contract.deal_id, reason=DealDefault.Reason.NOT_SIGNED, now=now
                )
            )
    for settlement in Settlement.objects.filter(
        state=Settlement.State.AWAITING_PAYMENT, pay_by__lte=now
    ):
        count += bool(
            deal_default(deal_id=settlement.deal_id, reason=DealDefault.Reason.NOT_PAID, now=now)
        )
    return count


def deal_default(*, deal_id, reason, now=None, actor=None) -> DealDefault | None:
    """R-DEAL-5: mark the deal defaulted and forfeit the winner's held deposit (once)."""
    from marketplace.payments.services import deposit_forfeit, payable_cancel

    now = now or timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal_id)
        if deal.state not in DEFAULTABLE:
            return None
        registration = deal.winner
        transition(
            deal,
            "mark_defaulted",
            actor=actor,
            at=now,
            payload={"reason": reason, "rule": "R-DEAL-5"},
        )
        contract = active_contract(deal)
        if contract is not None:
            transition(contract, "void", actor=actor, payload={"rule": "R-DEAL-5"})
        settlement = (
            Settlement.objects.select_for_update(of=("self",))
            .filter(deal=deal, state=Settlement.State.AWAITING_PAYMENT)
            .first()
        )
        if settlement is not None:
            transition(settlement, "mark_defaulted", actor=actor, payload={"rule": "R-DEAL-5"})
            if settlement.payable_id:
                transaction.on_commit(partial(payable_cancel, payable=settlement.payable))
        forfeited = 0
        deposit = (
            Deposit.objects.select_for_update(of=("self",))
            .select_related("payable")
            .filter(registration=registration, state=Deposit.State.HELD)
            .first()
        )
        if deposit is not None:
            transition(deposit, "forfeit", at=now, payload={"rule": "R-DEAL-5"})
            if deposit.payable_id:
                deposit_forfeit(payable=deposit.payable, reason=f"R-DEAL-5 {deal.number} {reason}")
            forfeited = deposit.amount_fen
        default = DealDefault.objects.create(
            deal=deal, registration=registration, reason=reason, at=now, forfeited_fen=forfeited
        )
        subject = _("Deal %(deal)s defaulted") % {"deal": deal.number}
        notify_users(
            recipients.staff_users(deal),
            subject=subject,
            body=_("%(reason)s. Decide: award to the runner-up or relist (R-DEAL-5).")
            % {"reason": default.get_reason_display()},
            url=reverse("contract_documents:staff_deal", args=[deal.number]),
        )
        for user in registration.enterprise.users.filter(is_active=True):
            notify_users(
                [user],
                subject=subject,
                body=_("%(reason)s: your deposit is forfeited (R-DEAL-5).")
                % {"reason": default.get_reason_display()},
            )
    return default


def open_default(deal) -> DealDefault | None:
    return deal.defaults.filter(resolution="").order_by("-at").first()


def runner_up_for(deal):
    """(registration, its last bid in fen) of the best bidder that has not defaulted, or None."""
    auction = getattr(deal, "auction", None)
    if auction is None:
        return None
    defaulted = set(deal.defaults.values_list("registration_id", flat=True))
    best = (
        Bid.objects.filter(auction=auction)
        .exclude(registration_id__in=defaulted)
        .values("registration_id")
        .annotate(last=Max("amount_fen"))
        .order_by("-last")
        .first()
    )
    if best is None:
        return None
    registration = deal.registrations.get(pk=best["registration_id"])
    return registration, best["last"]


def deal_award_runner_up(*, deal, actor) -> Deal:
    """R-DEAL-5: staff award the defaulted deal to the runner-up at its last bid.

    As the first award does: a new result announcement of 5 working days (R-DEAL-1) is
    published (cms, on `deal_awarded`) and the runner-up's contract is generated (this app's
    receiver of the same signal); the certificate waits until the new announcement is over.
    """
    from contracts.services.common import send_on_commit
    from contracts.services.deals import award_terms, county_media_follow

    now = timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal)
        default = open_default(deal)
        if deal.state != Deal.State.DEFAULTED or default is None:
            raise WrongState(_("Only a defaulted deal awaiting a decision can be re-awarded."))
        found = runner_up_for(deal)
        if found is None:
            raise NoRunnerUp()
        registration, price_fen = found
        reserve = deal.listing.reserve_price_fen
        if reserve and price_fen < reserve:  # R-BID-6 holds for the runner-up too
            raise RunnerUpBelowReserve()
        transition(
            deal,
            "award_runner_up",
            actor=actor,
            action="deal.awarded_to_runner_up",
            winner=registration,
            **award_terms(deal, price_fen=price_fen, at=now),
            payload={
                "registration": registration.pk,
                "bidder_number": registration.bidder_number,
                "price_fen": price_fen,
                "rule": "R-DEAL-5",
            },
        )
        county_media_follow(deal, actor=actor)
        default.resolution = DealDefault.Resolution.RUNNER_UP
        default.runner_up = registration
        default.decided_by, default.decided_at = actor, now
        default.save()
        send_on_commit(signals.deal_awarded, deal=deal)
    return Deal.objects.get(pk=deal.pk)


def deal_relist_after_default(*, deal, listing_price_fen, actor):
    """R-DEAL-5 / R-FAIL-1: relist the defaulted deal's listing (a new listing, a new deal)."""
    from listings.services import listing_relist

    now = timezone.now()
    with transaction.atomic():
        deal = lock_deal(deal)
        default = open_default(deal)
        if deal.state != Deal.State.DEFAULTED or default is None:
            raise WrongState(_("Only a defaulted deal awaiting a decision can be relisted."))
        new_listing = listing_relist(
            listing=deal.listing, listing_price_fen=listing_price_fen, actor=actor
        )
        default.resolution = DealDefault.Resolution.RELIST
        default.new_listing = new_listing
        default.decided_by, default.decided_at = actor, now
        default.save()
        audit.record(
            action="deal.relisted_after_default",
            obj=deal,
            actor=actor,
            payload={"new_listing": new_listing.number, "price_fen": listing_price_fen},
        )
    return new_listing
