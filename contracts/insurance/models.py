"""Forest insurance (森林保险): policies over forest parcels, disaster claims, replanting inspections.

Claim states (docs/insurance-states.md, generated): reported → surveyed → approved → first_paid
(awaiting replanting) → replanting_reported → accepted → second_paid; a failed inspection returns
replanting_reported → first_paid with findings and a new due date; rejected and withdrawn end it.
Transitions are thin; `contracts.insurance.services` locks, transitions, saves, audits and pays.
"""

from fractions import Fraction

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from listings.models import Parcel, Right
from marketplace.models import Collective, County, Enterprise, Household, Insurer, StorageCenter


def private_storage():
    """Inspection photos are private files: the `private` storage when the deployment has one."""
    return storages["private"] if "private" in settings.STORAGES else storages["default"]


class InsurancePolicy(models.Model):
    """A forest insurance policy over parcels of one forest right (R-INS-1)."""

    number = models.CharField(_("Policy number"), max_length=40, unique=True)
    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, related_name="policies", verbose_name=_("Insurer")
    )
    right = models.ForeignKey(
        Right,
        on_delete=models.PROTECT,
        related_name="insurance_policies",
        verbose_name=_("Forest right"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("County")
    )
    starts_on = models.DateField(_("Cover starts on"))
    ends_on = models.DateField(_("Cover ends on"))
    sum_insured_per_mu_fen = models.BigIntegerField(_("Sum insured per mu (fen)"))
    premium_rate = models.DecimalField(_("Premium rate"), max_digits=6, decimal_places=5)
    share_central = models.DecimalField(_("Central share"), max_digits=5, decimal_places=4)
    share_province = models.DecimalField(_("Provincial share"), max_digits=5, decimal_places=4)
    share_county = models.DecimalField(_("County share"), max_digits=5, decimal_places=4)
    share_holder = models.DecimalField(_("Holder's share"), max_digits=5, decimal_places=4)
    premium_fen = models.BigIntegerField(_("Premium (fen)"))
    holder_premium_fen = models.BigIntegerField(_("Holder's premium (fen)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "number"]
        verbose_name = _("Forest insurance policy")
        verbose_name_plural = _("Forest insurance policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="policy_period_positive"
            ),
            models.CheckConstraint(
                condition=Q(sum_insured_per_mu_fen__gt=0, premium_fen__gte=0)
                & Q(holder_premium_fen__gte=0, holder_premium_fen__lte=models.F("premium_fen")),
                name="policy_amounts_valid",
            ),
        ]

    def __str__(self):
        return self.number

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class InsuredParcel(models.Model):
    """A parcel a policy covers, with its insured area (mu)."""

    policy = models.ForeignKey(InsurancePolicy, on_delete=models.CASCADE, related_name="parcels")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="insured")
    insured_mu = models.DecimalField(_("Insured area (mu)"), max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["parcel__code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "parcel"], name="insuredparcel_once"),
            models.CheckConstraint(condition=Q(insured_mu__gt=0), name="insuredparcel_area"),
        ]

    def __str__(self):
        return f"{self.parcel.name} {self.insured_mu}"


class InsuredHolder(models.Model):
    """Who holds the insured forest right, with a share, from a date to a date (R-INS-5).

    `share` is an exact fraction in text ("1/3", "0.5"): three holders of a third add up to 1.
    A deal through the exchange that transfers the right ends the old rows on the deal's
    completion date and starts the transferee's row that day (`deal` says which).
    """

    policy = models.ForeignKey(InsurancePolicy, on_delete=models.CASCADE, related_name="holders")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    collective = models.ForeignKey(
        Collective, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    storage_center = models.ForeignKey(
        StorageCenter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share = models.CharField(_("Share"), max_length=20, default="1")
    valid_from = models.DateField(_("Holder from"))
    valid_to = models.DateField(_("Holder until (exclusive)"), null=True, blank=True)
    deal = models.ForeignKey(
        "contracts.Deal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        household__isnull=False,
                        enterprise=None,
                        collective=None,
                        storage_center=None,
                    )
                    | Q(
                        household=None,
                        enterprise__isnull=False,
                        collective=None,
                        storage_center=None,
                    )
                    | Q(
                        household=None,
                        enterprise=None,
                        collective__isnull=False,
                        storage_center=None,
                    )
                    | Q(
                        household=None,
                        enterprise=None,
                        collective=None,
                        storage_center__isnull=False,
                    )
                ),
                name="insuredholder_exactly_one_party",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="insuredholder_dates",
            ),
        ]

    def __str__(self):
        return str(self.party)

    @property
    def party(self):
        return self.household or self.enterprise or self.collective or self.storage_center

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.share)

    def holds_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class Claim(FSMModelMixin, models.Model):
    """A disaster claim on a policy (R-INS-2..5)."""

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        SURVEYED = "surveyed", _("Surveyed")
        APPROVED = "approved", _("Approved")
        FIRST_PAID = "first_paid", _("First part paid, awaiting replanting")
        REPLANTING_REPORTED = "replanting_reported", _("Replanting reported, awaiting inspection")
        ACCEPTED = "accepted", _("Replanting accepted")
        SECOND_PAID = "second_paid", _("Second part paid")
        REJECTED = "rejected", pgettext_lazy("insurance claim", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("insurance claim", "Withdrawn")

    class Cause(models.TextChoices):
        FIRE = "fire", _("Fire")
        PESTS = "pests", _("Pests and diseases")
        FLOOD = "flood", _("Flood")
        WIND_SNOW_FREEZE = "wind_snow_freeze", _("Wind, snow or freeze")
        DROUGHT = "drought", _("Drought")
        OTHER = "other", pgettext_lazy("disaster cause", "Other")

    OPEN_STATES = [State.REPORTED, State.SURVEYED, State.APPROVED]

    number = models.CharField(_("Claim number"), max_length=40, unique=True)
    policy = models.ForeignKey(InsurancePolicy, on_delete=models.PROTECT, related_name="claims")
    state = FSMField(
        _("State"),
        max_length=30,
        choices=State.choices,
        default=State.REPORTED,
        protected=True,
        db_index=True,
    )
    cause = models.CharField(_("Cause"), max_length=20, choices=Cause.choices)
    loss_on = models.DateField(_("Date of the loss"))
    description = models.TextField(_("Description"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("Reported at"), default=timezone.now)
    surveyed_at = models.DateTimeField(_("Surveyed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("Approved at"), null=True, blank=True)
    amount_fen = models.BigIntegerField(_("Claim amount (fen)"), null=True, blank=True)
    first_fen = models.BigIntegerField(_("First part (fen)"), null=True, blank=True)
    second_fen = models.BigIntegerField(_("Second part (fen)"), null=True, blank=True)
    first_paid_at = models.DateTimeField(_("First part paid at"), null=True, blank=True)
    replanting_due_on = models.DateField(_("Replanting inspection due on"), null=True, blank=True)
    replanting_reported_at = models.DateTimeField(
        _("Replanting reported at"), null=True, blank=True
    )
    accepted_at = models.DateTimeField(_("Accepted at"), null=True, blank=True)
    second_paid_at = models.DateTimeField(_("Second part paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    closing_reason = models.TextField(_("Reason"), blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("Insurance claim")
        verbose_name_plural = _("Insurance claims")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__isnull=True)
                | Q(amount_fen__gte=0, first_fen__gte=0, second_fen__gte=0),
                name="claim_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__isnull=True)
                | Q(amount_fen=models.F("first_fen") + models.F("second_fen")),
                name="claim_parts_add_up",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("insurance:claim", args=[self.number])

    @property
    def held_account_key(self) -> str:
        """The ledger account holding the claim's money until it is paid out (R-INS-4)."""
        return f"insurance_claim_payable:claim:{self.pk}"

    @transition(field=state, source=State.REPORTED, target=State.SURVEYED)
    def mark_surveyed(self, *, at):
        self.surveyed_at = at

    @transition(field=state, source=State.SURVEYED, target=State.APPROVED)
    def approve(self, *, at, amount_fen, first_fen, second_fen):
        self.approved_at = at
        self.amount_fen, self.first_fen, self.second_fen = amount_fen, first_fen, second_fen

    @transition(field=state, source=State.APPROVED, target=State.FIRST_PAID)
    def mark_first_paid(self, *, at, due_on):
        self.first_paid_at = at
        self.replanting_due_on = due_on

    @transition(field=state, source=State.FIRST_PAID, target=State.REPLANTING_REPORTED)
    def report_replanting(self, *, at):
        self.replanting_reported_at = at

    @transition(field=state, source=State.REPLANTING_REPORTED, target=State.ACCEPTED)
    def accept(self, *, at):
        self.accepted_at = at

    @transition(field=state, source=State.REPLANTING_REPORTED, target=State.FIRST_PAID)
    def fail_inspection(self, *, due_on):
        self.replanting_due_on = due_on

    @transition(field=state, source=State.ACCEPTED, target=State.SECOND_PAID)
    def mark_second_paid(self, *, at):
        self.second_paid_at = at

    @transition(field=state, source=[State.REPORTED, State.SURVEYED], target=State.REJECTED)
    def reject(self, *, at, reason):
        self.closed_at, self.closing_reason = at, reason

    @transition(field=state, source=[State.REPORTED, State.SURVEYED], target=State.WITHDRAWN)
    def withdraw(self, *, at, reason):
        self.closed_at, self.closing_reason = at, reason


class ClaimParcel(models.Model):
    """A damaged parcel of a claim: damaged area, the surveyed loss rate and its amount."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="parcels")
    insured_parcel = models.ForeignKey(InsuredParcel, on_delete=models.PROTECT, related_name="+")
    damaged_mu = models.DecimalField(_("Damaged area (mu)"), max_digits=12, decimal_places=4)
    loss_rate_pct = models.DecimalField(
        _("Loss rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount_fen = models.BigIntegerField(_("Amount (fen)"), null=True, blank=True)

    class Meta:
        ordering = ["insured_parcel__parcel__code"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "insured_parcel"], name="claimparcel_once"),
            models.CheckConstraint(condition=Q(damaged_mu__gt=0), name="claimparcel_area"),
            models.CheckConstraint(
                condition=Q(loss_rate_pct__isnull=True)
                | Q(loss_rate_pct__gte=0, loss_rate_pct__lte=100),
                name="claimparcel_loss_rate_range",
            ),
        ]

    def __str__(self):
        return f"{self.claim_id}: {self.damaged_mu}"


class ClaimPayment(models.Model):
    """One holder's share of one part of a claim, paid out through marketplace.payments.

    Unique per claim, part and party: the same part is never paid twice (R-INS-4).
    """

    class Part(models.TextChoices):
        FIRST = "first", _("First part (replanting)")
        SECOND = "second", _("Second part (tending)")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    part = models.CharField(_("Part"), max_length=10, choices=Part.choices)
    party_key = models.CharField(max_length=60)
    payee_name = models.CharField(_("Payee"), max_length=100)
    share = models.CharField(_("Share"), max_length=20)
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    payout = models.OneToOneField(
        "payments.Payout", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["claim", "part", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "part", "party_key"], name="claimpayment_once"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="claimpayment_amount"),
        ]

    def __str__(self):
        return f"{self.payee_name} {self.amount_fen}"


class Inspection(models.Model):
    """The forestry inspection of the replanting (R-INS-4)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField(_("Inspected on"))
    replanted_mu = models.DecimalField(_("Replanted area (mu)"), max_digits=12, decimal_places=4)
    survival_rate_pct = models.DecimalField(_("Survival rate (%)"), max_digits=5, decimal_places=2)
    accepted = models.BooleanField(_("Accepted"))
    findings = models.TextField(_("Findings"), blank=True)
    next_due_on = models.DateField(_("New due date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["claim", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(replanted_mu__gte=0), name="inspection_area"),
            models.CheckConstraint(
                condition=Q(survival_rate_pct__gte=0, survival_rate_pct__lte=100),
                name="inspection_survival_range",
            ),
        ]

    def __str__(self):
        return f"{self.claim_id} {self.inspected_on}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(
        _("Photo"), upload_to="insurance-inspections/%Y/", storage=private_storage
    )
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)

    def __str__(self):
        return self.file.name


class ClaimSequence(models.Model):
    """Yearly counter for claim numbers per county."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="claimsequence_once")
        ]

    def __str__(self):
        return f"{self.county_code}-{self.year}: {self.last}"


class PolicyImport(FSMModelMixin, models.Model):
    """One import of the insurer's household list (XLSX); its progress is polled by the page.

    States: docs/policy-import-states.md (generated by `deal_states_doc`). A worker starts the
    job, reads the file and checks and imports every row, all or nothing
    (`contracts.insurance.importer`); then the job fails with the bad rows or is done."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Checking the rows")
        FAILED = "failed", _("Refused: nothing imported")
        DONE = "done", _("Imported")

    file = models.FileField(_("File"), upload_to="policy-imports/%Y/", storage=private_storage)
    original_name = models.CharField(max_length=200)
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="+")
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.PENDING, protected=True
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Policy import")
        verbose_name_plural = _("Policy imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"

    def _rows_refused(self):
        return bool(self.errors)

    def _every_row_good(self):
        return not self.errors

    @transition(field=state, source=[State.PENDING, State.RUNNING], target=State.RUNNING)
    def start(self):
        """A worker takes the job; again when a redelivered task (acks_late) finds it running
        after its worker was lost: the rows are written all or nothing, so none were."""
        self.processed = 0

    @transition(field=state, source=State.RUNNING, target=State.FAILED, conditions=[_rows_refused])
    def fail(self, *, at):
        """The file or some of its rows were refused (`errors`): nothing imported."""
        self.finished_at = at

    @transition(field=state, source=State.RUNNING, target=State.DONE, conditions=[_every_row_good])
    def finish(self, *, at):
        """Every row was good and the policies are imported."""
        self.finished_at = at

    @property
    def finished(self) -> bool:
        return self.state in (self.State.FAILED, self.State.DONE)

    @property
    def percent(self):
        return int(self.processed * 100 / self.total) if self.total else 0
