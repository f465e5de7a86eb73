"""Deals (交易) and their bidding: registrations, deposits, trading mode, auctions and bids.

Deal states (docs/deal-states.md is generated from the transitions below):
registration → failed | negotiating | auction; negotiating | auction → awarded; auction → failed;
awarded → signing → payment → settled → complete; awarded | signing | payment → defaulted;
defaulted → awarded (the runner-up, R-DEAL-5); failed → relisted | stored;
registration | negotiating | auction → withdrawn.

Transitions are thin (check state, set fields). The services in `contracts.services` lock rows,
call the transition, save, write the audit event and queue side effects on commit.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from listings.models import Listing, PriceUnit
from marketplace.models import Enterprise


class TradingMode(models.TextChoices):
    AUCTION = "auction", _("Online auction")
    NEGOTIATED = "negotiated", _("Negotiated deal")


class DealNumberSequence(models.Model):
    """The last deal number used per county and year (row-locked when a number is allocated)."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="deal_number_seq_unique")
        ]

    def __str__(self):
        return f"{self.county_code}-{self.year}: {self.last}"


class Deal(FSMModelMixin, models.Model):
    """One listing's way from announcement to a completed (or failed) transaction."""

    class State(models.TextChoices):
        REGISTRATION = "registration", _("Registration open")
        NEGOTIATING = "negotiating", _("Negotiated deal: awaiting confirmation")
        AUCTION = "auction", _("Online auction")
        AWARDED = "awarded", _("Awarded")
        SIGNING = "signing", _("Signing the contract")
        PAYMENT = "payment", _("Awaiting payment")
        SETTLED = "settled", _("Settled")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", _("Failed (no deal)")
        DEFAULTED = "defaulted", _("Defaulted")
        RELISTED = "relisted", _("Relisted")
        STORED = "stored", _("Taken into storage")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class FailureReason(models.TextChoices):
        NO_QUALIFIED_BIDDER = "no_qualified_bidder", _("No qualified bidder")
        NO_BIDS = "no_bids", _("No bids in the auction")
        RESERVE_NOT_MET = "reserve_not_met", _("The highest bid was below the reserve price")
        NOT_CONFIRMED = "not_confirmed", _("The negotiated price was not confirmed in time")

    OPEN_STATES = [State.REGISTRATION, State.NEGOTIATING, State.AUCTION]

    number = models.CharField(_("Deal number"), max_length=30, unique=True)
    listing = models.OneToOneField(Listing, on_delete=models.PROTECT, related_name="deal")
    state = FSMField(
        _("State"),
        max_length=20,
        default=State.REGISTRATION,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    trading_mode = models.CharField(
        _("Trading mode"), max_length=20, choices=TradingMode.choices, blank=True
    )
    # The award (R-DEAL-7): price in the listing's unit, the annual rent and the total value.
    winner = models.ForeignKey(
        "Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="won_deals",
        verbose_name=_("Transferee (registration)"),
    )
    transferee = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("Transferee"),
    )
    price_fen = models.BigIntegerField(_("Awarded price (fen)"), null=True, blank=True)
    price_unit = models.CharField(
        _("Price unit"), max_length=20, choices=PriceUnit.choices, default=PriceUnit.PER_MU_YEAR
    )
    annual_rent_fen = models.BigIntegerField(_("Annual rent (fen)"), null=True, blank=True)
    total_value_fen = models.BigIntegerField(_("Total deal value (fen)"), null=True, blank=True)
    failure_reason = models.CharField(
        _("Why it failed"), max_length=30, choices=FailureReason.choices, blank=True
    )
    # Timestamps of the way.
    mode_selected_at = models.DateTimeField(_("Trading mode chosen at"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("Awarded at"), null=True, blank=True)
    result_announcement_ends_at = models.DateTimeField(
        _("Result announcement ends at"), null=True, blank=True
    )
    signing_started_at = models.DateTimeField(null=True, blank=True)
    payment_started_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(_("Failed at"), null=True, blank=True)
    defaulted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # After a failure (R-FAIL-1/2).
    relisted_as = models.ForeignKey(
        Listing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relisted_from_deal",
        verbose_name=_("Relisted as"),
    )
    storage_offered_at = models.DateTimeField(
        _("Floor-price storage offered at"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_fen__isnull=True) | models.Q(price_fen__gt=0),
                name="deal_price_positive",
            ),
        ]
        verbose_name = _("Deal")
        verbose_name_plural = _("Deals")

    def __str__(self):
        return self.number

    # -- thin transitions ------------------------------------------------------------------

    @transition(field=state, source=State.REGISTRATION, target=State.FAILED)
    def fail_without_bidders(self, *, at):
        self.failed_at = at
        self.mode_selected_at = at
        self.failure_reason = self.FailureReason.NO_QUALIFIED_BIDDER

    @transition(field=state, source=State.REGISTRATION, target=State.NEGOTIATING)
    def start_negotiation(self, *, at):
        self.trading_mode = TradingMode.NEGOTIATED
        self.mode_selected_at = at

    @transition(field=state, source=State.REGISTRATION, target=State.AUCTION)
    def start_auction(self, *, at):
        self.trading_mode = TradingMode.AUCTION
        self.mode_selected_at = at

    @transition(field=state, source=[State.NEGOTIATING, State.AUCTION], target=State.AWARDED)
    def award(self, **terms):
        self._set_award(**terms)

    def _set_award(
        self, *, winner, price_fen, annual_rent_fen, total_value_fen, at, announcement_ends_at
    ):
        self.winner = winner
        self.transferee = winner.enterprise
        self.price_fen = price_fen
        self.annual_rent_fen = annual_rent_fen
        self.total_value_fen = total_value_fen
        self.awarded_at = at
        self.result_announcement_ends_at = announcement_ends_at

    @transition(field=state, source=[State.AUCTION, State.NEGOTIATING], target=State.FAILED)
    def fail(self, *, at, reason):
        self.failed_at = at
        self.failure_reason = reason

    @transition(field=state, source=State.AWARDED, target=State.SIGNING)
    def start_signing(self, *, at):
        self.signing_started_at = at

    @transition(field=state, source=State.SIGNING, target=State.PAYMENT)
    def start_payment(self, *, at):
        self.payment_started_at = at

    @transition(field=state, source=State.PAYMENT, target=State.SETTLED)
    def settle(self, *, at):
        self.settled_at = at

    @transition(field=state, source=State.SETTLED, target=State.COMPLETE)
    def complete(self, *, at):
        self.completed_at = at

    @transition(
        field=state, source=[State.AWARDED, State.SIGNING, State.PAYMENT], target=State.DEFAULTED
    )
    def mark_defaulted(self, *, at):
        self.defaulted_at = at

    @transition(field=state, source=State.DEFAULTED, target=State.AWARDED)
    def award_runner_up(self, **terms):
        """R-DEAL-5: after the winner's default, the runner-up at its last bid; a new result
        announcement runs (R-DEAL-1) and the signing and payment steps start again."""
        self._set_award(**terms)
        self.signing_started_at = None
        self.payment_started_at = None

    @transition(field=state, source=State.FAILED, target=State.RELISTED)
    def mark_relisted(self, *, new_listing):
        self.relisted_as = new_listing

    @transition(field=state, source=State.FAILED, target=State.STORED)
    def mark_stored(self):
        pass

    @transition(field=state, source=OPEN_STATES, target=State.WITHDRAWN)
    def withdraw(self, *, at):
        self.withdrawn_at = at

    # -- reads -------------------------------------------------------------------------------

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES


class Registration(FSMModelMixin, models.Model):
    """A bidder's registration (竞买登记) for one deal (R-REG-1..6).

    States: docs/registration-states.md (generated by `deal_states_doc`)."""

    class State(models.TextChoices):
        AWAITING_REVIEW = "awaiting_review", _("Awaiting qualification review")
        AWAITING_DEPOSIT = "awaiting_deposit", _("Awaiting the deposit")
        QUALIFIED = "qualified", _("Qualified")
        REJECTED = "rejected", _("Qualification review refused")
        NOT_QUALIFIED = "not_qualified", _("Not qualified (deadline passed)")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="registrations")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations"
    )
    state = FSMField(
        _("State"),
        max_length=20,
        default=State.AWAITING_DEPOSIT,
        choices=State.choices,
        protected=True,
    )
    # Random, unique per deal (a constraint), never derived from the registration order.
    bidder_number = models.CharField(_("Bidder number"), max_length=8, null=True, blank=True)
    is_collective_member = models.BooleanField(
        _("Member of the transferor's collective"), default=False
    )
    approved_at = models.DateTimeField(_("Approved at"), null=True, blank=True)
    qualified_at = models.DateTimeField(_("Qualified at"), null=True, blank=True)
    refusal_reason = models.CharField(_("Reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "enterprise"], name="registration_one_per_enterprise"
            ),
            models.UniqueConstraint(
                fields=["deal", "bidder_number"], name="registration_bidder_number_unique"
            ),
        ]
        verbose_name = _("Registration")
        verbose_name_plural = _("Registrations")

    def __str__(self):
        return f"{self.deal} · {self.bidder_number or '—'}"

    @transition(field=state, source=State.AWAITING_REVIEW, target=State.AWAITING_DEPOSIT)
    def approve_after_review(self, *, at):
        self.approved_at = at

    @transition(field=state, source=State.AWAITING_REVIEW, target=State.REJECTED)
    def reject(self, *, reason):
        self.refusal_reason = reason

    @transition(field=state, source=State.AWAITING_DEPOSIT, target=State.QUALIFIED)
    def qualify(self, *, bidder_number, at):
        self.bidder_number = bidder_number
        self.qualified_at = at

    @transition(
        field=state,
        source=[State.AWAITING_REVIEW, State.AWAITING_DEPOSIT],
        target=State.NOT_QUALIFIED,
    )
    def disqualify(self, *, reason):
        self.refusal_reason = reason


class QualificationReview(FSMModelMixin, models.Model):
    """The review commercial capital needs for large areas (R-REG-3), due in 20 working days.

    States: docs/qualification-review-states.md (generated by `deal_states_doc`)."""

    class Tier(models.TextChoices):
        COUNTY = "county", _("County review (≥ 500 mu)")
        PREFECTURE = "prefecture", _("Prefecture review (≥ 1000 mu)")

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("review", "Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="review"
    )
    tier = models.CharField(_("Tier"), max_length=20, choices=Tier.choices)
    state = FSMField(
        _("State"), max_length=20, default=State.PENDING, choices=State.choices, protected=True
    )
    requested_at = models.DateTimeField(_("Requested at"), default=timezone.now)
    due_at = models.DateTimeField(_("Answer due by"))
    business_plan = models.TextField(_("Business plan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    reasons = models.TextField(_("Reasons"), blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("Qualification review")
        verbose_name_plural = _("Qualification reviews")

    def __str__(self):
        return f"{self.registration} · {self.get_tier_display()}"

    @transition(field=state, source=State.PENDING, target=State.APPROVED)
    def approve(self, *, by, at, reasons=""):
        self.decided_by, self.decided_at, self.reasons = by, at, reasons

    @transition(field=state, source=State.PENDING, target=State.REFUSED)
    def refuse(self, *, by, at, reasons):
        self.decided_by, self.decided_at, self.reasons = by, at, reasons


class Deposit(FSMModelMixin, models.Model):
    """A registration's deposit (保证金), collected as a payments Payable (R-REG-2/4, R-DEAL-4/5).

    States: docs/deposit-states.md (generated by `deal_states_doc`)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        HELD = "held", _("Held")
        APPLIED = "applied", _("Applied to fee and price")
        REFUNDED = "refunded", _("Refunded")
        FORFEITED = "forfeited", _("Forfeited")

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="deposit"
    )
    payable = models.OneToOneField(
        "payments.Payable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deal_deposit",
    )
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    state = FSMField(
        _("State"), max_length=20, default=State.PENDING, choices=State.choices, protected=True
    )
    received_at = models.DateTimeField(_("Received at"), null=True, blank=True)
    refund_requested_at = models.DateTimeField(_("Refund requested at"), null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gte=0), name="deposit_amount_not_negative"
            )
        ]
        verbose_name = _("Deposit")
        verbose_name_plural = _("Deposits")

    def __str__(self):
        return f"{self.registration} · {self.amount_fen}"

    @transition(field=state, source=State.PENDING, target=State.HELD)
    def hold(self, *, at):
        self.received_at = at

    @transition(field=state, source=[State.PENDING, State.HELD], target=State.REFUNDED)
    def refund(self, *, at, received_at=None):
        # A late payment (R-REG-2) goes pending → refunded and still records when it arrived.
        if received_at is not None:
            self.received_at = received_at
        self.refund_requested_at = at

    @transition(field=state, source=State.HELD, target=State.APPLIED)
    def apply(self, *, at):
        self.settled_at = at

    @transition(field=state, source=State.HELD, target=State.FORFEITED)
    def forfeit(self, *, at):
        self.settled_at = at


class Auction(FSMModelMixin, models.Model):
    """The online auction of one deal (R-BID-1..9). Bids lock this row (select_for_update).

    States: docs/auction-states.md (generated by `deal_states_doc`)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled / running")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        NONE = "", _("Not closed yet")
        AWARDED = "awarded", _("Awarded")
        NO_BIDS = "no_bids", _("No bids")
        RESERVE_NOT_MET = "reserve_not_met", _("Reserve price not met")

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="auction")
    start_at = models.DateTimeField(_("Starts at"))
    scheduled_close_at = models.DateTimeField(_("Scheduled close"))
    close_at = models.DateTimeField(_("Closes at"), db_index=True)  # moves with soft close
    extension_window = models.DurationField(_("Soft-close window"), default=dt.timedelta(minutes=5))
    start_price_fen = models.BigIntegerField(_("Start price (fen)"))
    increment_fen = models.BigIntegerField(_("Bid increment (fen)"))
    state = FSMField(
        _("State"),
        max_length=20,
        choices=State.choices,
        default=State.SCHEDULED,
        protected=True,
        db_index=True,
    )
    outcome = models.CharField(
        _("Outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    current_price_fen = models.BigIntegerField(_("Current price (fen)"), null=True, blank=True)
    leading_registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bid_count = models.PositiveIntegerField(_("Bids"), default=0)
    # Closing (R-BID-8): state=closed is written once, under this row's lock.
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    closed_by = models.CharField(_("Closed by"), max_length=100, blank=True)
    close_task_id = models.CharField(max_length=100, blank=True)
    # Collective priority (R-BID-9): members may match the winning price until this time.
    priority_ends_at = models.DateTimeField(
        _("Collective priority window ends at"), null=True, blank=True
    )
    priority_claimed_by = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    priority_claimed_at = models.DateTimeField(null=True, blank=True)
    # The head of the auction's bid chain (the last bid's hash); the close copies it into the
    # audit log's `auction.closed` event, which anchors the chain (docs/bidding.md).
    bids_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(increment_fen__gt=0), name="auction_increment_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(close_at__gte=models.F("scheduled_close_at")),
                name="auction_close_not_before_scheduled",
            ),
        ]
        verbose_name = _("Auction")
        verbose_name_plural = _("Auctions")

    def __str__(self):
        return f"{self.deal} · {self.get_state_display()}"

    def is_open_at(self, now):
        return self.state == self.State.SCHEDULED and self.start_at <= now < self.close_at

    def next_min_fen(self):
        """R-BID-2: the start price first, then the current price + the increment."""
        if self.current_price_fen is None:
            return self.start_price_fen
        return self.current_price_fen + self.increment_fen

    def _is_due(self):
        """R-BID-8: an auction closes at its recorded close time, never before it."""
        return self.closed_at is not None and self.closed_at >= self.close_at

    @transition(field=state, source=State.SCHEDULED, target=State.CLOSED, conditions=[_is_due])
    def close(self):
        """The close (the task, the beat sweep or the first read after close_at); the service
        sets closed_at/closed_by and the outcome (R-BID-5..8) before calling it."""

    @transition(field=state, source=State.SCHEDULED, target=State.CLOSED)
    def close_on_withdrawal(self, *, at):
        """The listing was withdrawn: the auction closes early without an outcome."""
        self.closed_at, self.closed_by = at, "withdrawn"


class Bid(models.Model):
    """One accepted bid. Append-only: never updated or deleted (R-BID-3).

    Hash-chained per auction: hash = sha256(previous bid's hash + canonical JSON of the bid),
    so a bid changed or removed behind the engine's back no longer verifies
    (`contracts.services.bidding.bid_chain_verify`, `manage.py verify_bids`).
    """

    auction = models.ForeignKey(Auction, on_delete=models.PROTECT, related_name="bids")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="bids")
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    placed_at = models.DateTimeField(_("Placed at"))
    sequence = models.PositiveIntegerField(_("Sequence"))
    idempotency_key = models.CharField(max_length=64)
    # The user who placed it (one of the registered enterprise's users; None: system, demo).
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["auction", "sequence"]
        constraints = [
            # Database-level guards of R-BID-2/5: amounts and sequence numbers never repeat.
            models.UniqueConstraint(fields=["auction", "amount_fen"], name="bid_amount_unique"),
            models.UniqueConstraint(fields=["auction", "sequence"], name="bid_sequence_unique"),
            models.UniqueConstraint(
                fields=["registration", "idempotency_key"], name="bid_idempotency_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="bid_positive"),
        ]
        verbose_name = _("Bid")
        verbose_name_plural = _("Bids")

    def __str__(self):
        return f"{self.auction_id} #{self.sequence} {self.amount_fen}"


class NegotiatedOffer(FSMModelMixin, models.Model):
    """The single qualified bidder's price confirmation (R-MODE-1 q = 1), due in 3 working days.

    States: docs/negotiated-offer-states.md (generated by `deal_states_doc`)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        LAPSED = "lapsed", _("Lapsed")

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="negotiated_offer")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    minimum_price_fen = models.BigIntegerField(_("Minimum price (fen)"))
    price_fen = models.BigIntegerField(_("Confirmed price (fen)"), null=True, blank=True)
    confirm_by = models.DateTimeField(_("Confirm by"))
    state = FSMField(
        _("State"), max_length=20, default=State.PENDING, choices=State.choices, protected=True
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Negotiated offer")
        verbose_name_plural = _("Negotiated offers")

    def __str__(self):
        return f"{self.deal} · {self.get_state_display()}"

    @transition(field=state, source=State.PENDING, target=State.CONFIRMED)
    def confirm(self, *, price_fen, at):
        self.price_fen, self.confirmed_at = price_fen, at

    @transition(field=state, source=State.PENDING, target=State.LAPSED)
    def lapse(self):
        pass


class Objection(FSMModelMixin, models.Model):
    """An objection to a result announcement (R-DEAL-1), resolved by staff.

    States: docs/objection-states.md (generated by `deal_states_doc`)."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("objection state", "Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("Your name"), max_length=50)
    contact = models.CharField(_("Phone or e-mail"), max_length=100)
    text = models.TextField(_("Objection"))
    filed_at = models.DateTimeField(_("Filed at"), default=timezone.now)
    # The filer's address (marketplace.security.client_ip): objections are limited per address.
    filed_from = models.GenericIPAddressField(null=True, blank=True, editable=False)
    state = FSMField(
        _("State"), max_length=20, default=State.OPEN, choices=State.choices, protected=True
    )
    resolution = models.TextField(_("Resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["filed_at"]
        verbose_name = _("Objection")
        verbose_name_plural = _("Objections")

    def __str__(self):
        return f"{self.deal} · {self.name}"

    @transition(field=state, source=State.OPEN, target=State.UPHELD)
    def uphold(self, *, by, at, resolution):
        self.resolved_by, self.resolved_at, self.resolution = by, at, resolution

    @transition(field=state, source=State.OPEN, target=State.DISMISSED)
    def dismiss(self, *, by, at, resolution):
        self.resolved_by, self.resolved_at, self.resolution = by, at, resolution
