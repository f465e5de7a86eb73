"""Registration, qualification review and deposit receipt (R-REG-1..6)."""

import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.models import Listing
from marketplace import audit, workdays
from marketplace.models import Enterprise, User
from marketplace.validators import age_on, validate_id_number, validate_uscc

from .. import conf, notify
from ..errors import AlreadyRegistered, RegistrationClosed, RegistrationRefused, WrongState
from ..models import Deal, Deposit, QualificationReview, Registration
from .common import lock_deal, transition
from .deals import deal_for_listing

STAFF_ROLES = {
    User.Role.EXCHANGE_STAFF,
    User.Role.STATION_OPERATOR,
    User.Role.STORAGE_OPERATOR,
    User.Role.AUDITOR,
}


# ---------------------------------------------------------------- who may register


def registration_refusal(*, user, listing: Listing, on=None) -> str | None:
    """Why `user` may not register for `listing` (R-REG-1, R-REG-6), or None."""
    on = on or timezone.localdate()
    if user.is_superuser or user.role in STAFF_ROLES:
        return _("Exchange staff, station operators and storage centres cannot register (R-REG-6).")
    if user.role != User.Role.AGRIBUSINESS or user.enterprise_id is None:
        return _("Only agribusiness accounts can register as bidders.")
    enterprise = user.enterprise
    household = listing.transferor_household
    if household is not None and (
        getattr(user, "household_id", None) == household.pk
        or (enterprise.id_number and enterprise.id_number == household.id_number)
    ):
        return _("The transferor cannot register for its own listing (R-REG-6).")
    return identity_refusal(enterprise, on=on, county=listing.county_id)


def identity_refusal(enterprise: Enterprise, *, on, county=None) -> str | None:
    """R-REG-1: a valid USCC, or a natural person with a valid ID number aged 18–70."""
    if enterprise.uscc:
        try:
            validate_uscc(enterprise.uscc)
        except ValidationError:
            return _("Your enterprise's unified social credit code is not valid (R-REG-1).")
        return None
    if enterprise.kind != Enterprise.Kind.LARGE_GROWER or not enterprise.id_number:
        return _("Your enterprise needs a valid unified social credit code (R-REG-1).")
    try:
        validate_id_number(enterprise.id_number)
    except ValidationError:
        return _("Your resident ID number is not valid (R-REG-1).")
    age = age_on(enterprise.id_number, on)
    low = conf.get("BIDDER_MIN_AGE", county=county)
    high = conf.get("BIDDER_MAX_AGE", county=county)
    if not low <= age <= high:
        return _("A natural-person bidder must be aged %(low)s to %(high)s (R-REG-1).") % {
            "low": low,
            "high": high,
        }
    return None


def is_collective_member(enterprise, listing) -> bool:
    """R-REG-5 / R-BID-9: a member of the transferor's own collective."""
    return enterprise.collective_village_id is not None and (
        enterprise.collective_village_id == listing.village_id
    )


def is_commercial_capital(enterprise, listing) -> bool:
    """R-REG-3: companies (by the USCC's organisation type or the registered form, or flagged by
    staff) and persons from outside the transferor's collective (natural-person growers and
    individual businesses); farmers' cooperatives and family members of the collective are not."""
    if enterprise.is_commercial_capital or enterprise.is_company:
        return True
    person = enterprise.is_natural_person or enterprise.is_individual_business
    return person and not is_collective_member(enterprise, listing)


def review_tier(enterprise, listing) -> str | None:
    """R-REG-3: commercial capital over 500 mu needs a county review, over 1000 a prefecture one."""
    if not is_commercial_capital(enterprise, listing):
        return None
    if listing.area_mu >= conf.get("REVIEW_PREFECTURE_MU", county=listing.county_id):
        return QualificationReview.Tier.PREFECTURE
    if listing.area_mu >= conf.get("REVIEW_COUNTY_MU", county=listing.county_id):
        return QualificationReview.Tier.COUNTY
    return None


# ---------------------------------------------------------------- registering


def registration_create(*, listing, user, business_plan="") -> Registration:
    """Register `user`'s enterprise for an announced listing and create its deposit payable.

    One short transaction records the registration and the payable; the payable's intent is
    asked of the gateway after commit, here (so the answer carries it) and by the task
    `payments.attach_intent` that `payable_create` queued (whichever runs second finds it done).
    """
    from marketplace.payments.models import Payable
    from marketplace.payments.services import payable_create, payable_ensure_intent

    now = timezone.now()
    refusal = registration_refusal(user=user, listing=listing)
    if refusal:
        raise RegistrationRefused(refusal)
    deal = deal_for_listing(listing)
    with transaction.atomic(durable=True):
        deal = lock_deal(deal)
        listing = deal.listing
        if (
            deal.state != Deal.State.REGISTRATION
            or listing.state != Listing.State.ANNOUNCED
            or listing.announcement_ends_at is None
            or now >= listing.announcement_ends_at
        ):
            raise RegistrationClosed()
        if deal.registrations.filter(enterprise_id=user.enterprise_id).exists():
            raise AlreadyRegistered()
        tier = review_tier(user.enterprise, listing)
        registration = Registration.objects.create(
            deal=deal,
            enterprise=user.enterprise,
            user=user,
            state=(
                Registration.State.AWAITING_REVIEW if tier else Registration.State.AWAITING_DEPOSIT
            ),
            approved_at=None if tier else now,
            is_collective_member=is_collective_member(user.enterprise, listing),
        )
        audit.record(
            action="registration.created",
            obj=deal,
            actor=user,
            payload={"registration": registration.pk, "review": tier or ""},
        )
        if tier:
            _review_create(registration, tier=tier, business_plan=business_plan, now=now)
        payable = None
        if listing.deposit_fen > 0:
            payable = payable_create(
                kind=Payable.Kind.DEPOSIT,
                amount_fen=listing.deposit_fen,
                payer=user,
                subject=registration,
                description=_("Deposit for listing %(number)s") % {"number": listing.number},
                idempotency_key=f"deposit:registration:{registration.pk}",
                actor=user,
                metadata={"deal": deal.number, "registration": registration.pk},
            )
        deposit = Deposit.objects.create(
            registration=registration, payable=payable, amount_fen=listing.deposit_fen
        )
        if payable is None:  # no deposit asked: received at once
            _deposit_hold(deposit, at=now, actor=user)
    if payable is not None:
        payable_ensure_intent(payable=payable)
    return registration


def _review_create(registration, *, tier, business_plan, now):
    due = workdays.period_end(
        timezone.localdate(now),
        conf.get("REVIEW_WORKDAYS", county=registration.deal.listing.county_id),
    )
    review = QualificationReview.objects.create(
        registration=registration,
        tier=tier,
        requested_at=now,
        due_at=due,
        business_plan=business_plan,
    )
    audit.record(
        action="qualification_review.requested",
        obj=registration.deal,
        actor=registration.user,
        payload={"review": review.pk, "tier": tier, "due_at": due},
    )


def review_decide(*, review, actor, approve: bool, reasons="") -> QualificationReview:
    """Staff approve or refuse a qualification review (R-REG-3); refusal needs reasons.
    County staff decide their county's county-tier reviews, prefecture staff any (the policy's
    `contracts.decide_review`)."""
    from marketplace.permissions import is_exchange_staff

    if is_exchange_staff(actor):
        _require_tier(actor, review)  # names R-REG-3's tier to staff of the wrong level
    if not actor.has_perm("contracts.decide_review", review):
        raise RegistrationRefused(_("Only exchange staff decide qualification reviews."))
    reasons = (reasons or "").strip()
    if not approve and not reasons:
        raise WrongState(_("Reasons: say why the review is refused."), field="reasons")
    now = timezone.now()
    with transaction.atomic():
        registration = Registration.objects.get(pk=review.registration_id)
        lock_deal(registration.deal_id)
        review = QualificationReview.objects.select_for_update().get(pk=review.pk)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if approve:
            transition(review, "approve", actor=actor, by=actor, at=now, reasons=reasons)
            transition(registration, "approve_after_review", actor=actor, at=now)
            deposit = Deposit.objects.select_for_update().get(registration=registration)
            if deposit.state == Deposit.State.HELD:
                _qualify(registration, at=now, actor=actor)
            notify.tell(registration, "registration.approved")
        else:
            transition(review, "refuse", actor=actor, by=actor, at=now, reasons=reasons)
            transition(registration, "reject", actor=actor, reason=reasons)
            _deposit_release(registration, at=now, reason="R-REG-3 review refused")
            notify.tell(registration, "registration.refused", reasons=reasons)
    return review


def _require_tier(actor, review):
    """R-REG-3: county staff (of the listing's county) decide a county-tier review, prefecture
    staff a prefecture-tier one (prefecture staff have every county in scope)."""
    from marketplace.errors import NotAllowed
    from marketplace.permissions import is_prefecture_staff, staff_in_scope

    listing = (
        Registration.objects.select_related("deal__listing")
        .get(pk=review.registration_id)
        .deal.listing
    )
    if review.tier == QualificationReview.Tier.PREFECTURE:
        if not is_prefecture_staff(actor):
            raise NotAllowed(
                _(
                    "A prefecture-tier qualification review is decided by prefecture staff (R-REG-3)."
                )
            )
    elif not staff_in_scope(actor, listing):
        raise NotAllowed(
            _(
                "A county-tier qualification review is decided by staff of the listing's county "
                "or of the prefecture (R-REG-3)."
            )
        )


# ---------------------------------------------------------------- deposits and qualification


def bidder_number_allocate(deal) -> str:
    """A random 4-digit number not yet used in this deal (not guessable from the order)."""
    used = set(
        deal.registrations.exclude(bidder_number=None).values_list("bidder_number", flat=True)
    )
    while True:
        number = f"{secrets.randbelow(9000) + 1000}"
        if number not in used:
            return number


def _qualify(registration, *, at, actor=None):
    """R-REG-2: approved and deposit received before the deadline → qualified, bidder number."""
    transition(
        registration,
        "qualify",
        actor=actor,
        bidder_number=bidder_number_allocate(registration.deal),
        at=at,
    )


def _deposit_hold(deposit, *, at, actor=None):
    transition(deposit, "hold", actor=actor, at=at)
    registration = deposit.registration
    if deposit.payable_id:  # a deposit actually paid (none asked: nothing to tell)
        notify.tell(
            registration, "deposit.received", obj=deposit, amount=notify.yuan(deposit.amount_fen)
        )
    if registration.state == Registration.State.AWAITING_DEPOSIT:
        _qualify(registration, at=at, actor=actor)


def deposit_received(*, payable) -> Deposit | None:
    """Receiver of payments' `payable_paid` (inside its transaction): hold the deposit.

    A deposit received at or after the registration deadline is refunded at once and the
    registration is not qualified (R-REG-2).
    """
    deposit = Deposit.objects.filter(payable_id=payable.pk).select_related("registration").first()
    if deposit is None:
        return None
    registration = deposit.registration
    deal = lock_deal(registration.deal_id)
    deposit = Deposit.objects.select_for_update().select_related("registration").get(pk=deposit.pk)
    if deposit.state != Deposit.State.PENDING:
        return deposit
    received_at = payable.paid_at or timezone.now()
    deadline = deal.listing.announcement_ends_at
    on_time = (
        deal.state == Deal.State.REGISTRATION and deadline is not None and received_at < deadline
    )
    if on_time and registration.state in (
        Registration.State.AWAITING_DEPOSIT,
        Registration.State.AWAITING_REVIEW,
    ):
        _deposit_hold(deposit, at=received_at)
        return deposit
    transition(deposit, "refund", at=timezone.now(), received_at=received_at)
    if registration.state in (
        Registration.State.AWAITING_DEPOSIT,
        Registration.State.AWAITING_REVIEW,
    ):
        transition(
            registration,
            "disqualify",
            reason=_("The deposit arrived after the registration deadline (R-REG-2)."),
        )
    queue_refund(deposit, reason="R-REG-2 deposit received after the deadline")
    return deposit


def queue_refund(deposit, *, reason):
    """Refund a deposit's payable after commit, through a task (R-DEAL-4, R-REG-2)."""
    from ..tasks import refund_deposit_task

    if deposit.payable_id:
        transaction.on_commit(partial(refund_deposit_task.delay, deposit.pk, reason))


def _deposit_release(registration, *, at, reason):
    """Refund a registration's held deposit (or drop a pending one) when it will not bid."""
    deposit = Deposit.objects.select_for_update().filter(registration=registration).first()
    if deposit is None:
        return
    if deposit.state == Deposit.State.HELD:
        transition(deposit, "refund", at=at, payload={"reason": reason})
        queue_refund(deposit, reason=reason)


def deposit_refund_now(*, deposit_id, reason) -> None:
    """Task body: ask payments to refund the deposit's payable (idempotent there)."""
    from marketplace.payments.models import Payable
    from marketplace.payments.services import refund_create

    deposit = Deposit.objects.select_related("payable").get(pk=deposit_id)
    if deposit.payable is None or deposit.state != Deposit.State.REFUNDED:
        return
    if deposit.payable.state not in (Payable.State.PAID, Payable.State.PARTIALLY_REFUNDED):
        return
    refund_create(payable=deposit.payable, reason=reason)
    with transaction.atomic():
        notify.tell(
            deposit.registration,
            "deposit.refunded",
            obj=deposit,
            amount=notify.yuan(deposit.amount_fen),
        )


def registrations_disqualify_unfinished(deal, *, at):
    """At mode selection: registrations not qualified by the deadline are not qualified."""
    pending = deal.registrations.select_for_update().filter(
        state__in=[Registration.State.AWAITING_DEPOSIT, Registration.State.AWAITING_REVIEW]
    )
    for registration in pending:
        transition(
            registration,
            "disqualify",
            reason=_("Not qualified when the announcement period ended (R-REG-2)."),
        )
        _deposit_release(registration, at=at, reason="R-REG-2 not qualified by the deadline")


def deposit_refund_refusal(payable) -> str | None:
    """Payments' refund guard: a held deposit's payable is not refunded from the books.

    A manual refund would leave the deposit "held" and the registration qualified, so the bidder
    would bid with nothing at stake (issue 14). A held deposit leaves only through the deal's
    deposit flow: released to a losing or unqualified bidder (R-DEAL-4), applied to the winner's
    fee and price, or forfeited (R-DEAL-5). Runs under the payable's lock in `refund_create`.
    """
    if payable.disposition == payable.Disposition.APPLIED:
        return None  # the deal's own flow applied it (R-DEAL-4) and refunds what is left over
    deposit = (
        Deposit.objects.filter(payable_id=payable.pk, state=Deposit.State.HELD)
        .select_related("registration__deal")
        .first()
    )
    if deposit is None:
        return None
    registration = deposit.registration
    return _(
        "This payment is the held deposit of bidder %(bidder)s in deal %(deal)s. A held deposit "
        "is not refunded from the books: the deal's deposit flow releases it when the bidder "
        "does not win (R-DEAL-4), or applies or forfeits it (R-DEAL-5)."
    ) % {"bidder": registration.bidder_number or "—", "deal": registration.deal.number}
