"""Payments: payables collected through the gateway, refunds, payouts, webhook events, the ledger.

Money is integer fen everywhere (`marketplace/money.py` converts for display). Ledger balances
are derived from entries only; no balance column exists to drift.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from marketplace.money import fen_to_yuan

CURRENCY = "cny"


class Payable(FSMModelMixin, models.Model):
    """Something a payer owes the exchange, collected as one PaymentIntent (automatic capture)."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        DEAL_PAYMENT = "deal_payment", _("Deal payment")
        RENT_INSTALMENT = "rent_instalment", _("Rent instalment")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

    class Disposition(models.TextChoices):
        """What became of a paid deposit besides refunds (R-DEAL-4, R-DEAL-5)."""

        NONE = "", _("Held")
        APPLIED = "applied", _("Applied to fee and price")
        FORFEITED = "forfeited", _("Forfeited")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    currency = models.CharField(_("Currency"), max_length=3, default=CURRENCY, editable=False)
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.PENDING, protected=True
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payables",
        verbose_name=_("Payer"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    description = models.CharField(_("Description"), max_length=200)
    idempotency_key = models.CharField(_("Idempotency key"), max_length=100, unique=True)
    payment_intent_id = models.CharField(_("PaymentIntent"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("Paid at"), null=True, blank=True)
    refunded_fen = models.BigIntegerField(_("Refunded (fen)"), default=0)
    # A second machine on a deposit's payable, beside `state` (docs/payable-disposition-states.md):
    # held (empty) → forfeited | applied, once, by `deposit_forfeit` / `deposit_apply`.
    disposition = FSMField(
        _("Deposit outcome"),
        max_length=20,
        choices=Disposition.choices,
        blank=True,
        default=Disposition.NONE,
        protected=True,
    )
    last_error_code = models.CharField(_("Last error"), max_length=60, blank=True)
    attention = models.CharField(
        _("Needs staff attention"),
        max_length=200,
        blank=True,
        help_text=_("Why an event for this payable was not applied automatically."),
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now, editable=False)
    metadata = models.JSONField(_("Metadata"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Payable")
        verbose_name_plural = _("Payables")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payable_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0) & Q(refunded_fen__lte=models.F("amount_fen")),
                name="payable_refunded_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["payment_intent_id"]),
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["state", "created_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} {self.description}"

    @property
    def policy_county_id(self):
        """The county of what the payable is for (a deposit's deal, a settlement's contract):
        the access policy's scope (docs/security.md). None (prefecture staff only) without one."""
        from django.core.exceptions import ImproperlyConfigured

        from marketplace.permissions import county_id_of

        subject = self.subject if self.content_type_id else None
        if subject is None:
            return None
        try:
            return county_id_of(subject)
        except ImproperlyConfigured:
            return None

    @property
    def amount_yuan(self):
        return fen_to_yuan(self.amount_fen)

    @property
    def checkout_url(self):
        return reverse("payments:checkout", args=[self.pk])

    @property
    def held_account_key(self):
        """The ledger account that holds this payable's money once it is paid."""
        if self.kind == self.Kind.DEPOSIT:
            return f"deposit_held:payable:{self.pk}"
        return f"received:payable:{self.pk}"

    # Thin transitions: the services lock, call these, save and audit.
    @transition(field=state, source=[State.PENDING, State.FAILED], target=State.PAID)
    def mark_paid(self, *, at):
        self.paid_at = at
        self.last_error_code = ""

    @transition(field=state, source=[State.PENDING, State.FAILED], target=State.FAILED)
    def mark_failed(self, *, code):
        self.last_error_code = code

    @transition(field=state, source=[State.PENDING, State.FAILED], target=State.CANCELLED)
    def mark_cancelled(self):
        pass

    @transition(
        field=state,
        source=[State.PAID, State.PARTIALLY_REFUNDED],
        target=State.PARTIALLY_REFUNDED,
    )
    def mark_partially_refunded(self, *, amount_fen):
        self.refunded_fen += amount_fen

    @transition(field=state, source=[State.PAID, State.PARTIALLY_REFUNDED], target=State.REFUNDED)
    def mark_refunded(self, *, amount_fen):
        self.refunded_fen += amount_fen

    # A deposit's disposition (R-DEAL-4/5), once; the services check the money still held.
    def _is_paid_deposit(self):
        return self.kind == self.Kind.DEPOSIT and self.state in (
            self.State.PAID,
            self.State.PARTIALLY_REFUNDED,
        )

    @transition(
        field=disposition,
        source=Disposition.NONE,
        target=Disposition.FORFEITED,
        conditions=[_is_paid_deposit],
    )
    def forfeit(self):
        """R-DEAL-5: the held deposit goes to the exchange's forfeit income."""

    @transition(
        field=disposition,
        source=Disposition.NONE,
        target=Disposition.APPLIED,
        conditions=[_is_paid_deposit],
    )
    def apply_to_price(self, *, applied):
        """`applied`: the fee, price and refund parts, kept for an idempotent repeat."""
        self.metadata = {**self.metadata, "applied": applied}


class Refund(FSMModelMixin, models.Model):
    """Money returned to the payer of a payable through the gateway (R-DEAL-4)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Refund pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Refund failed")

    payable = models.ForeignKey(
        Payable, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("Payable")
    )
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    reason = models.CharField(_("Reason"), max_length=200)
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.PENDING, protected=True
    )
    refund_id = models.CharField(_("Gateway refund"), max_length=100, blank=True)
    failure_reason = models.CharField(_("Failure reason"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Requested at"), default=timezone.now, editable=False)
    settled_at = models.DateTimeField(_("Settled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Refund")
        verbose_name_plural = _("Refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_positive"),
        ]
        indexes = [models.Index(fields=["refund_id"])]

    def __str__(self):
        return f"{_('Refund')} #{self.pk}"

    @property
    def idempotency_key(self):
        return f"refund-{self.pk}"

    @transition(field=state, source=State.PENDING, target=State.SUCCEEDED)
    def mark_succeeded(self, *, at):
        self.settled_at = at

    @transition(field=state, source=State.PENDING, target=State.FAILED)
    def mark_failed(self, *, reason, at):
        self.failure_reason = reason
        self.settled_at = at


class PayoutBatch(FSMModelMixin, models.Model):
    """Pending payouts exported together as one bank-transfer file for the exchange's bank."""

    class State(models.TextChoices):
        EXPORTED = "exported", _("Exported")
        SENT = "sent", _("Sent to the bank")
        CONFIRMED = "confirmed", _("Confirmed by the bank")

    reference = models.CharField(_("Reference"), max_length=40, unique=True)
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.EXPORTED, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("Sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("Confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Payout batch")
        verbose_name_plural = _("Payout batches")

    def __str__(self):
        return self.reference

    @transition(field=state, source=State.EXPORTED, target=State.SENT)
    def mark_sent(self, *, at):
        self.sent_at = at

    @transition(field=state, source=State.SENT, target=State.CONFIRMED)
    def mark_confirmed(self, *, at):
        self.confirmed_at = at


class Payout(FSMModelMixin, models.Model):
    """An instruction to pay a household, collective, storage centre or enterprise by bank transfer.

    Stripe cannot pay out to Chinese bank cards, so payouts leave through the exchange's bank.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        BATCHED = "batched", _("In a batch")
        SENT = "sent", pgettext_lazy("payout state", "Sent")
        CONFIRMED = "confirmed", _("Confirmed")
        FAILED = "failed", _("Failed")

    payee_content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    payee_object_id = models.CharField(max_length=64)
    payee = GenericForeignKey("payee_content_type", "payee_object_id")
    payee_name = models.CharField(_("Payee"), max_length=100)
    bank_name = models.CharField(_("Bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("Bank account"), max_length=32, blank=True)
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField(_("Purpose"), max_length=200)
    account_key = models.CharField(_("Ledger account settled"), max_length=120)
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.PENDING, protected=True
    )
    batch = models.ForeignKey(
        PayoutBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payouts",
        verbose_name=_("Batch"),
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Payout")
        verbose_name_plural = _("Payouts")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payout_amount_positive"),
        ]

    def __str__(self):
        return f"{_('Payout')} #{self.pk} {self.payee_name}"

    @transition(field=state, source=State.PENDING, target=State.BATCHED)
    def mark_batched(self, *, batch):
        self.batch = batch

    @transition(field=state, source=State.BATCHED, target=State.SENT)
    def mark_sent(self):
        pass

    @transition(field=state, source=State.SENT, target=State.CONFIRMED)
    def mark_confirmed(self):
        pass

    @transition(field=state, source=[State.BATCHED, State.SENT], target=State.FAILED)
    def mark_failed(self):
        pass


class WebhookEvent(models.Model):
    """A verified gateway event, stored once by its id (a replay finds it and changes nothing)."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DUPLICATE = "duplicate", _("Already applied")
        IGNORED = "ignored", _("Ignored")
        UNKNOWN_OBJECT = "unknown_object", _("Unknown object")
        FLAGGED = "flagged", _("Flagged for staff")

    event_id = models.CharField(_("Event"), max_length=100, unique=True)
    type = models.CharField(_("Type"), max_length=100)
    object_id = models.CharField(_("Object"), max_length=100, blank=True)
    payload = models.JSONField(_("Payload"))
    received_at = models.DateTimeField(_("Received at"), default=timezone.now)
    outcome = models.CharField(_("Outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("Note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Webhook event")
        verbose_name_plural = _("Webhook events")

    def __str__(self):
        return f"{self.type} {self.event_id}"


class LedgerAccount(models.Model):
    """An account, created on first use from its key (`kind:model:id` or a bare name)."""

    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        INCOME = "income", _("Income")

    key = models.CharField(_("Account"), max_length=120, unique=True)
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("Ledger account")
        verbose_name_plural = _("Ledger accounts")

    def __str__(self):
        return self.key

    @property
    def purpose(self):
        return self.key.split(":", 1)[0]


class LedgerTransaction(models.Model):
    """A balanced movement of money, referencing the business object it concerns."""

    memo = models.CharField(_("Memo"), max_length=200)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Posted at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Ledger transaction")
        verbose_name_plural = _("Ledger transactions")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"#{self.pk} {self.memo}"


class LedgerEntry(models.Model):
    """One side of a transaction: a debit or a credit in fen, never both."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    debit_fen = models.BigIntegerField(_("Debit (fen)"), default=0)
    credit_fen = models.BigIntegerField(_("Credit (fen)"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Ledger entry")
        verbose_name_plural = _("Ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit_fen__gt=0) & Q(credit_fen=0))
                | (Q(debit_fen=0) & Q(credit_fen__gt=0)),
                name="ledger_entry_one_side_positive",
            ),
        ]

    def __str__(self):
        return f"{self.account.key} Dr {self.debit_fen} Cr {self.credit_fen}"


class ReconciliationRun(models.Model):
    """One run of the daily reconciliation with the gateway: what it checked and repaired."""

    started_at = models.DateTimeField(_("Started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    checked = models.PositiveIntegerField(_("Checked"), default=0)
    repaired = models.PositiveIntegerField(_("Repaired"), default=0)
    notes = models.JSONField(_("Notes"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("Reconciliation run")
        verbose_name_plural = _("Reconciliation runs")

    def __str__(self):
        return f"{_('Reconciliation')} {self.started_at:%Y-%m-%d %H:%M}"


class FakeStripeObject(models.Model):
    """Offline gateway storage: PaymentIntents, Refunds and idempotency keys as Stripe JSON.

    Only the fake HTTP client (gateway/fake.py) reads and writes this table. Kept in the
    database (not memory) so the web process, the worker and tests see the same "Stripe".
    """

    object_id = models.CharField(max_length=120, primary_key=True)
    kind = models.CharField(max_length=30)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Offline gateway object")
        verbose_name_plural = _("Offline gateway objects")

    def __str__(self):
        return self.object_id
