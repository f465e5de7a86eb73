"""The rights registry (parcels, rights, encumbrances, entrustments) and listings.

Listing states (ARCHITECTURE.md): draft → submitted → approved → announced → closed;
submitted → returned → submitted; any open state → withdrawn. Transitions are thin; the
services in `listings.services` lock, transition, save, audit and queue side effects.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from marketplace.choices import AgeClass, ForestClass, LandClass, RightType, TransferMode
from marketplace.models import (
    Collective,
    County,
    Enterprise,
    Household,
    ServiceStation,
    StorageCenter,
    Township,
    Village,
)
from marketplace.storage import RandomName, get_private_storage

parcel_code_validator = RegexValidator(
    r"^\d{19}$", _("A parcel code has 19 digits (6 county + 3 township + 3 village + 2 group + 5).")
)


class Parcel(models.Model):
    """A registered parcel (地块), R-RIGHT-2."""

    code = models.CharField(
        _("Parcel code"), max_length=19, unique=True, validators=[parcel_code_validator]
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="parcels")
    group_code = models.CharField(
        _("Villager group"), max_length=2, validators=[RegexValidator(r"^\d{2}$")]
    )
    name = models.CharField(_("Parcel name"), max_length=100)
    area_mu = models.DecimalField(
        _("Area (mu)"),
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    land_class = models.CharField(_("Land class"), max_length=20, choices=LandClass.choices)
    is_basic_farmland = models.BooleanField(_("Permanent basic farmland"), default=False)
    boundary_east = models.CharField(_("East boundary"), max_length=100)
    boundary_south = models.CharField(_("South boundary"), max_length=100)
    boundary_west = models.CharField(_("West boundary"), max_length=100)
    boundary_north = models.CharField(_("North boundary"), max_length=100)
    geometry = models.JSONField(_("Polygon (GeoJSON, WGS84)"), null=True, blank=True)
    # Forest attributes (forest land only).
    forest_class = models.CharField(
        _("Forest class"), max_length=20, choices=ForestClass.choices, blank=True
    )
    dominant_species = models.CharField(_("Dominant species"), max_length=50, blank=True)
    age_class = models.CharField(
        _("Stand age class"), max_length=20, choices=AgeClass.choices, blank=True
    )
    stock_volume_m3 = models.DecimalField(
        _("Stock volume (m³)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(area_mu__gt=0), name="parcel_area_positive"),
        ]
        verbose_name = _("Parcel")
        verbose_name_plural = _("Parcels")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def township(self):
        return self.village.township

    def clean(self):
        """R-RIGHT-2: code matches the village, area > 0, polygon valid, forest attributes."""
        from .registry import parcel_errors

        if not self.village_id:
            return
        errors = parcel_errors(
            code=self.code,
            village=self.village,
            area_mu=self.area_mu,
            land_class=self.land_class,
            geometry=self.geometry,
            forest_class=self.forest_class,
            age_class=self.age_class,
        )
        if not errors and self.code[12:14] != self.group_code:
            errors["group_code"] = _("Villager group: must equal digits 13–14 of the parcel code.")
        if errors:
            raise ValidationError(errors)

    @property
    def warnings(self):
        from .registry import parcel_warnings

        return parcel_warnings(self)


class Right(models.Model):
    """A right over one or more parcels (R-RIGHT-1/2), held by one or more holders with shares."""

    right_type = models.CharField(_("Right type"), max_length=20, choices=RightType.choices)
    certificate_number = models.CharField(_("Certificate number"), max_length=50, blank=True)
    starts_on = models.DateField(_("Start date"))
    ends_on = models.DateField(_("End date (contract term)"))
    parcels = models.ManyToManyField(Parcel, related_name="rights", verbose_name=_("Parcels"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="right_term_positive"
            ),
        ]
        verbose_name = _("Right")
        verbose_name_plural = _("Rights")

    def __str__(self):
        return f"{self.get_right_type_display()} {self.certificate_number}".strip()


class RightHolder(models.Model):
    """One holder of a right: a household, enterprise, collective or the storage centre."""

    right = models.ForeignKey(Right, on_delete=models.CASCADE, related_name="holders")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="right_holdings"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="right_holdings"
    )
    collective = models.ForeignKey(
        Collective, on_delete=models.PROTECT, null=True, blank=True, related_name="right_holdings"
    )
    storage_center = models.ForeignKey(
        StorageCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="right_holdings",
    )
    share = models.DecimalField(
        _("Share"), max_digits=5, decimal_places=4, default=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        household__isnull=False,
                        enterprise=None,
                        collective=None,
                        storage_center=None,
                    )
                    | models.Q(
                        household=None,
                        enterprise__isnull=False,
                        collective=None,
                        storage_center=None,
                    )
                    | models.Q(
                        household=None,
                        enterprise=None,
                        collective__isnull=False,
                        storage_center=None,
                    )
                    | models.Q(
                        household=None,
                        enterprise=None,
                        collective=None,
                        storage_center__isnull=False,
                    )
                ),
                name="rightholder_exactly_one_party",
            ),
            models.CheckConstraint(
                condition=models.Q(share__gt=0, share__lte=1), name="rightholder_share_range"
            ),
        ]
        verbose_name = _("Right holder")
        verbose_name_plural = _("Right holders")

    def __str__(self):
        return str(self.party)

    @property
    def party(self):
        return self.household or self.enterprise or self.collective or self.storage_center


class Encumbrance(models.Model):
    """A mortgage, seizure, dispute or existing lease on a parcel (R-RIGHT-3)."""

    class Kind(models.TextChoices):
        MORTGAGE = "mortgage", _("Mortgage")
        SEIZURE = "seizure", _("Seizure")
        DISPUTE = "dispute", _("Dispute")
        LEASE = "lease", _("Existing lease")

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="encumbrances")
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    counterparty = models.CharField(_("Mortgagee / lessee / authority"), max_length=100)
    starts_on = models.DateField(_("From"))
    ends_on = models.DateField(_("Until"), null=True, blank=True)
    consent_document = models.FileField(
        _("Written consent"),
        upload_to=RandomName("encumbrance-consents"),
        storage=get_private_storage,
        blank=True,
    )
    released_on = models.DateField(_("Released on"), null=True, blank=True)
    note = models.CharField(_("Note"), max_length=200, blank=True)

    class Meta:
        ordering = ["parcel", "starts_on"]
        verbose_name = _("Encumbrance")
        verbose_name_plural = _("Encumbrances")

    def __str__(self):
        return f"{self.get_kind_display()} {self.parcel.code}"


class Entrustment(models.Model):
    """The household's written entrustment of its station (委托书) and its consent (R-LIST-1)."""

    class ConsentMethod(models.TextChoices):
        SIGNATURE = "signature", _("Signature on paper, scanned")
        FINGERPRINT = "fingerprint", _("Fingerprint on paper, scanned")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="entrustments")
    station = models.ForeignKey(
        ServiceStation, on_delete=models.PROTECT, related_name="entrustments"
    )
    matters = models.CharField(_("Matters entrusted"), max_length=200)
    authority = models.CharField(_("Authority granted"), max_length=200)
    valid_from = models.DateField(_("Valid from"))
    valid_until = models.DateField(_("Valid until"))
    scan = models.FileField(
        _("Scan of the signed entrustment"),
        upload_to=RandomName("entrustments"),
        storage=get_private_storage,
    )
    consent_method = models.CharField(
        _("How the household consented"), max_length=20, choices=ConsentMethod.choices
    )
    consented_at = models.DateTimeField(_("Consent given at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Entrustment")
        verbose_name_plural = _("Entrustments")

    def __str__(self):
        return f"{self.household} → {self.station}"


class PermittedUse(models.TextChoices):
    """Agricultural uses only (R-RIGHT-5); non-agricultural uses are not offered at all."""

    GRAIN = "grain", _("Grain crops")
    CASH_CROPS = "cash_crops", _("Cash crops (tobacco, lily, vegetables)")
    TEA = "tea", _("Tea garden")
    ORCHARD = "orchard", _("Orchard")
    FISH_POND = "fish_pond", _("Fish pond")
    LIVESTOCK = "livestock", _("Livestock farming")
    MUSHROOMS = "mushrooms", _("Edible fungi")
    FORESTRY = "forestry", _("Forestry (timber, oil-tea)")
    UNDER_FOREST = "under_forest", _("Under-forest economy")


class PriceUnit(models.TextChoices):
    PER_MU_YEAR = "per_mu_year", _("Yuan per mu per year")
    TOTAL = "total", pgettext_lazy("price unit", "Total")


class PaymentSchedule(models.TextChoices):
    YEARLY_IN_ADVANCE = "yearly_in_advance", _("Yearly, in advance")
    LUMP_SUM = "lump_sum", _("Lump sum")
    EVERY_THREE_YEARS = "every_three_years", _("Every three years, in advance")


PUBLIC = models.Q(state__in=["announced", "closed"])


class Listing(FSMModelMixin, models.Model):
    """A listing (挂牌) of a right's parcels, filed for its holder (R-LIST-1/2)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned to the filer")
        APPROVED = "approved", _("Approved")
        ANNOUNCED = "announced", _("Announced")
        CLOSED = "closed", _("Announcement closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATES = [State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED, State.ANNOUNCED]

    number = models.CharField(_("Listing number"), max_length=30, unique=True)
    title = models.CharField(_("Title"), max_length=120)
    description = models.TextField(_("Description"), blank=True)
    right = models.ForeignKey(Right, on_delete=models.PROTECT, related_name="listings")
    parcels = models.ManyToManyField(Parcel, related_name="listings", verbose_name=_("Parcels"))
    # Transferor: exactly one party (households file through their station).
    transferor_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    transferor_collective = models.ForeignKey(
        Collective, on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    transferor_storage_center = models.ForeignKey(
        StorageCenter, on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    # Where (denormalised from the parcels for search).
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="listings")
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="listings")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="listings")
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    land_class = models.CharField(_("Land class"), max_length=20, choices=LandClass.choices)
    # Terms (R-LIST-2).
    transfer_mode = models.CharField(
        _("Transfer mode"), max_length=20, choices=TransferMode.choices
    )
    term_start = models.DateField(_("Term starts"))
    term_end = models.DateField(_("Term ends"))
    permitted_use = models.CharField(
        _("Permitted use"), max_length=20, choices=PermittedUse.choices
    )
    price_unit = models.CharField(
        _("Price unit"), max_length=20, choices=PriceUnit.choices, default=PriceUnit.PER_MU_YEAR
    )
    listing_price_fen = models.BigIntegerField(_("Listing price (fen)"))
    increment_fen = models.BigIntegerField(_("Bid increment (fen)"))
    deposit_fen = models.BigIntegerField(_("Deposit (fen)"))
    reserve_price_fen = models.BigIntegerField(
        _("Secret reserve price (fen)"), null=True, blank=True
    )
    bidder_qualifications = models.TextField(_("Bidder qualifications"), blank=True)
    payment_schedule = models.CharField(
        _("Payment schedule"),
        max_length=30,
        choices=PaymentSchedule.choices,
        default=PaymentSchedule.YEARLY_IN_ADVANCE,
    )
    # Filing (R-LIST-1).
    station = models.ForeignKey(
        ServiceStation, on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    entrustment = models.ForeignKey(
        Entrustment, on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filed_listings"
    )
    # Review and announcement (R-LIST-3/5/6).
    state = FSMField(
        _("State"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    return_reasons = models.TextField(_("Reasons for returning"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_listings",
    )
    announcement_workdays = models.PositiveSmallIntegerField(
        _("Announcement period (working days)"), default=10
    )
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    announcement_ends_at = models.DateTimeField(
        _("Announcement ends at"), null=True, blank=True, db_index=True
    )
    publish_in_county_media = models.BooleanField(_("Publish in county media too"), default=False)
    valuation_report = models.ForeignKey(
        "valuation.ValuationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("Valuation report"),
    )
    relisted_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="relistings"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised for search (R-LIST-7), kept in step by listings.services.
    location = models.CharField(_("Location"), max_length=200, blank=True)
    right_type = models.CharField(
        _("Right type"), max_length=20, choices=RightType.choices, blank=True, db_index=True
    )
    search_text = models.TextField(blank=True, editable=False)
    search_grams = models.TextField(blank=True, editable=False)
    term_years = models.DecimalField(
        _("Term (years)"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    price_per_mu_fen = models.BigIntegerField(
        _("Price per mu (fen)"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        # Partial indexes over the public listings only (listings.search.PUBLIC_STATES).
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="listing_newest", condition=PUBLIC),
            models.Index(
                fields=["county", "-published_at", "-id"],
                name="listing_county_newest",
                condition=PUBLIC,
            ),
            models.Index(
                fields=["price_per_mu_fen", "id"], name="listing_price_per_mu", condition=PUBLIC
            ),
            models.Index(fields=["area_mu", "id"], name="listing_area", condition=PUBLIC),
            models.Index(
                fields=["announcement_ends_at", "id"], name="listing_closing", condition=PUBLIC
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(listing_price_fen__gt=0), name="listing_price_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(increment_fen__gt=0), name="listing_increment_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(deposit_fen__gte=0), name="listing_deposit_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")),
                name="listing_term_positive",
            ),
        ]
        verbose_name = _("Listing")
        verbose_name_plural = _("Listings")

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def transferor(self):
        return (
            self.transferor_household
            or self.transferor_collective
            or (self.transferor_storage_center)
        )

    # -- thin transitions: the services in listings.services do the rest --

    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(self):
        self.return_reasons = ""

    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED)
    def return_to_filer(self, *, reasons, by):
        self.return_reasons = reasons
        self.reviewed_by = by

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self, *, by):
        self.reviewed_by = by

    @transition(field=state, source=State.APPROVED, target=State.ANNOUNCED)
    def announce(self, *, at, ends_at):
        self.published_at = at
        self.announcement_ends_at = ends_at

    @transition(field=state, source=State.ANNOUNCED, target=State.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=OPEN_STATES, target=State.WITHDRAWN)
    def withdraw(self):
        pass


class ListingSequence(models.Model):
    """The last listing number used per county and year (GP-433126-2026-000042)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="listing_sequence_unique")
        ]

    def __str__(self):
        return f"{self.county_id}/{self.year}: {self.last}"


class ListingDocument(models.Model):
    """A document shown with a listing (public ones on its page; never the entrustment scan)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("Title"), max_length=100)
    file = models.FileField(_("File"), upload_to="listing-documents/%Y/")
    is_public = models.BooleanField(_("Public"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("Listing document")
        verbose_name_plural = _("Listing documents")

    def __str__(self):
        return self.title


class ParcelImport(FSMModelMixin, models.Model):
    """One run of the parcel import from the staff console; progress is polled by the page.

    States: docs/parcel-import-states.md (generated by `deal_states_doc`). A worker starts the
    job, reads the file and checks (and, unless a trial run, imports) every row, all or nothing
    (`listings.importer`); then the job fails with the bad rows, is checked (a trial run) or done.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Checking the rows")
        FAILED = "failed", _("Refused: nothing imported")
        CHECKED = "checked", _("Checked (trial run): nothing imported")
        DONE = "done", _("Imported")

    file = models.FileField(
        _("File"), upload_to=RandomName("parcel-imports"), storage=get_private_storage
    )
    original_name = models.CharField(max_length=200)
    dry_run = models.BooleanField(_("Trial run only"), default=False)
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
        verbose_name = _("Parcel import")
        verbose_name_plural = _("Parcel imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"

    def _rows_refused(self):
        return bool(self.errors)

    def _every_row_good(self):
        return not self.errors

    def _trial_run(self):
        return self.dry_run

    def _not_a_trial_run(self):
        return not self.dry_run

    @transition(field=state, source=[State.PENDING, State.RUNNING], target=State.RUNNING)
    def start(self):
        """A worker takes the job; again when a redelivered task (acks_late) finds it running
        after its worker was lost: the rows are written all or nothing, so none were."""
        self.processed = 0

    @transition(field=state, source=State.RUNNING, target=State.FAILED, conditions=[_rows_refused])
    def fail(self, *, at):
        """The file or some of its rows were refused (`errors`): nothing imported."""
        self.finished_at = at

    @transition(
        field=state,
        source=State.RUNNING,
        target=State.CHECKED,
        conditions=[_trial_run, _every_row_good],
    )
    def mark_checked(self, *, at):
        """A trial run found every row good; nothing written."""
        self.finished_at = at

    @transition(
        field=state,
        source=State.RUNNING,
        target=State.DONE,
        conditions=[_not_a_trial_run, _every_row_good],
    )
    def finish(self, *, at):
        """Every row was good and the parcels are imported."""
        self.finished_at = at

    @property
    def finished(self) -> bool:
        return self.state in (self.State.FAILED, self.State.CHECKED, self.State.DONE)

    @property
    def percent(self):
        return int(self.processed * 100 / self.total) if self.total else 0
