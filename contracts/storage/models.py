"""Floor-price storage (保底价兜底收储, R-FAIL-2, R-STORE-1..3).

StorageOffer --accept--> StorageContract (PDF, signed by the household at its station and by the
storage centre) --signed--> StoredParcel rows with the floors fixed for the term, a stored-land
Right held by the centre, a lease encumbrance on each parcel, and one GuaranteeInstalment per
storage year (floor × area, due at the start of the year, paid through marketplace.payments).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from marketplace.models import County, Household, StorageCenter


def document_storage():
    """The storage of contract PDFs and scans (a private storage may replace the default)."""
    from django.core.files.storage import storages

    alias = getattr(settings, "STORAGE_DOCUMENTS_ALIAS", "default")
    return storages[alias]


class StorageOffer(FSMModelMixin, models.Model):
    """An offer of floor-price storage to a relocated household (R-FAIL-2, R-STORE-2).

    The floors shown are those in force on the day of the offer (R-STORE-1); they are fixed for
    the term only when the contract is signed.
    """

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="storage_offers"
    )
    storage_center = models.ForeignKey(
        StorageCenter, on_delete=models.PROTECT, related_name="offers"
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(
        "listings.Right", on_delete=models.PROTECT, related_name="storage_offers"
    )
    parcels = models.ManyToManyField(
        "listings.Parcel", through="OfferParcel", related_name="storage_offers"
    )
    deal = models.ForeignKey(
        "contracts.Deal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="storage_offers",
        help_text=_("The failed deal the offer follows (R-FAIL-2); empty for a direct offer."),
    )
    offered_on = models.DateField(_("Offered on"))
    term_start = models.DateField(_("Storage term starts"))
    term_end = models.DateField(_("Storage term ends"))
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    annual_guarantee_fen = models.BigIntegerField(_("Yearly guarantee (fen)"))
    total_fen = models.BigIntegerField(_("Total over the term (fen)"))
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.OFFERED, protected=True
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Storage offer")
        verbose_name_plural = _("Storage offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_guarantee_fen__gte=0) & Q(total_fen__gte=0),
                name="storage_offer_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="storage_offer_term_positive"
            ),
        ]

    def __str__(self):
        return _("Storage offer #%(pk)s to %(household)s") % {
            "pk": self.pk,
            "household": self.household,
        }

    def get_absolute_url(self):
        return reverse("storage:offer", args=[self.pk])

    @property
    def policy_township_id(self):
        """Where the household's land lies: its station's township (access policy)."""
        return self.household.village.township_id

    @transition(field=state, source=State.OFFERED, target=State.ACCEPTED)
    def accept(self, *, at):
        self.decided_at = at

    @transition(field=state, source=State.OFFERED, target=State.DECLINED)
    def decline(self, *, at):
        self.decided_at = at

    @transition(field=state, source=State.OFFERED, target=State.WITHDRAWN)
    def withdraw(self, *, at):
        self.decided_at = at


class OfferParcel(models.Model):
    """One parcel of an offer with the floor in force on the day of the offer (R-STORE-1)."""

    offer = models.ForeignKey(StorageOffer, on_delete=models.CASCADE, related_name="lines")
    parcel = models.ForeignKey("listings.Parcel", on_delete=models.PROTECT, related_name="+")
    land_class = models.CharField(_("Land class"), max_length=20)
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    floor_per_mu_year_fen = models.BigIntegerField(_("Floor price (fen per mu per year)"))
    annual_fen = models.BigIntegerField(_("Yearly guarantee (fen)"))

    class Meta:
        ordering = ["offer", "parcel__code"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "parcel"], name="offer_parcel_unique"),
            models.CheckConstraint(
                condition=Q(floor_per_mu_year_fen__gte=0) & Q(annual_fen__gte=0),
                name="offer_parcel_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return str(self.parcel)


class StorageContractSequence(models.Model):
    """SC-<county code>-<year>-<6 digits> (marketplace.numbering.next_in_sequence)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="storage_contract_seq_unique")
        ]

    def __str__(self):
        return f"SC-{self.county_id}-{self.year}: {self.last}"


class StorageContract(FSMModelMixin, models.Model):
    """The storage contract (收储合同) between the household and the county storage centre.

    DRAFT (number given, PDF being rendered) → READY (PDF to sign) → SIGNED (both signatures).
    The household signs on paper at its station (witnessed by the operator, scan uploaded); the
    storage operator signs for the centre. Both bind the SHA-256 of the PDF they signed.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        READY = "ready", _("Awaiting signatures")
        SIGNED = "signed", _("Signed")

    class Mark(models.TextChoices):
        SIGNATURE = "signature", _("Handwritten signature")
        FINGERPRINT = "fingerprint", _("Fingerprint")

    number = models.CharField(_("Contract number"), max_length=30, unique=True)
    offer = models.OneToOneField(StorageOffer, on_delete=models.PROTECT, related_name="contract")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="storage_contracts"
    )
    storage_center = models.ForeignKey(
        StorageCenter, on_delete=models.PROTECT, related_name="contracts"
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    term_start = models.DateField(_("Storage term starts"))
    term_end = models.DateField(_("Storage term ends"))
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    annual_guarantee_fen = models.BigIntegerField(_("Yearly guarantee (fen)"))
    total_fen = models.BigIntegerField(_("Total over the term (fen)"))
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.DRAFT, protected=True
    )
    pdf = models.FileField(
        _("Contract PDF"), upload_to="storage-contracts/%Y/", storage=document_storage, blank=True
    )
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    household_signed_at = models.DateTimeField(_("Household signed at"), null=True, blank=True)
    household_mark = models.CharField(
        _("Household signed by"), max_length=20, choices=Mark.choices, blank=True
    )
    household_scan = models.FileField(
        _("Scan of the signed contract"),
        upload_to="storage-scans/%Y/",
        storage=document_storage,
        blank=True,
    )
    household_scan_sha256 = models.CharField(max_length=64, blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    centre_signed_at = models.DateTimeField(_("Storage centre signed at"), null=True, blank=True)
    centre_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("Signed at"), null=True, blank=True)
    stored_right = models.OneToOneField(
        "listings.Right",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="storage_contract",
        verbose_name=_("Stored-land right"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Storage contract")
        verbose_name_plural = _("Storage contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_guarantee_fen__gte=0) & Q(total_fen__gte=0),
                name="storage_contract_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("storage:contract", args=[self.pk])

    @property
    def policy_township_id(self):
        """Where the household's land lies: its station's township (access policy)."""
        return self.household.village.township_id

    @transition(field=state, source=State.DRAFT, target=State.READY)
    def mark_ready(self, *, pdf_sha256):
        self.pdf_sha256 = pdf_sha256

    @transition(field=state, source=State.READY, target=State.SIGNED)
    def complete(self, *, at):
        self.signed_at = at


class Block(FSMModelMixin, models.Model):
    """Stored parcels pooled for contiguous development (集中连片, R-STORE-4): one township, one
    connected whole (parcels touching within the rulebook's tolerance)."""

    class State(models.TextChoices):
        FORMED = "formed", _("Formed")
        DISSOLVED = "dissolved", _("Dissolved")

    name = models.CharField(_("Block name"), max_length=100)
    storage_center = models.ForeignKey(
        StorageCenter, on_delete=models.PROTECT, related_name="blocks"
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("marketplace.Township", on_delete=models.PROTECT, related_name="+")
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    floor_total_fen = models.BigIntegerField(_("Floors per year (fen)"))
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.FORMED, protected=True
    )
    formed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    right = models.OneToOneField(
        "listings.Right",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="storage_block",
        verbose_name=_("Stored-land right of the block"),
        help_text=_("Recorded when the block is first listed (R-STORE-5): held by the centre."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Block")
        verbose_name_plural = _("Blocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_total_fen__gte=0), name="block_floor_total_not_negative"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("storage:block", args=[self.pk])

    @property
    def policy_county_id(self):
        return self.county_id

    @property
    def policy_township_id(self):
        return self.township_id

    @transition(field=state, source=State.FORMED, target=State.DISSOLVED)
    def dissolve(self):
        pass


class BlockRent(models.Model):
    """Rent received for a let block for one year, its surplus over the block's floors and the
    households' share of it (R-STORE-6), paid with each household's next guarantee."""

    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="rents")
    year = models.PositiveSmallIntegerField(_("Year"))
    rent_fen = models.BigIntegerField(_("Rent received (fen)"))
    floor_fen = models.BigIntegerField(_("Floors of the year (fen)"))
    surplus_fen = models.BigIntegerField(_("Surplus (fen)"))
    share = models.DecimalField(_("Households' share"), max_digits=5, decimal_places=4)
    households_fen = models.BigIntegerField(_("Households' share (fen)"))
    source = models.CharField(
        _("Received through"),
        max_length=60,
        blank=True,
        help_text=_("The deal payment the rent came with (deal number and instalment), if any."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["block", "year"]
        verbose_name = _("Block rent")
        verbose_name_plural = _("Block rents")
        constraints = [
            models.UniqueConstraint(fields=["block", "year"], name="block_rent_year_unique"),
            models.CheckConstraint(
                condition=Q(rent_fen__gte=0)
                & Q(floor_fen__gte=0)
                & Q(surplus_fen__gte=0)
                & Q(households_fen__gte=0)
                & Q(households_fen__lte=models.F("surplus_fen")),
                name="block_rent_amounts_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.block} {self.year}"

    @property
    def policy_county_id(self):
        return self.block.county_id


class StoredParcel(models.Model):
    """A parcel in storage for the contract's term, its floor fixed at signing (R-STORE-3)."""

    contract = models.ForeignKey(
        StorageContract, on_delete=models.PROTECT, related_name="stored_parcels"
    )
    parcel = models.ForeignKey("listings.Parcel", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    storage_center = models.ForeignKey(StorageCenter, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("marketplace.Township", on_delete=models.PROTECT, related_name="+")
    land_class = models.CharField(_("Land class"), max_length=20)
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    floor_per_mu_year_fen = models.BigIntegerField(_("Fixed floor (fen per mu per year)"))
    annual_fen = models.BigIntegerField(_("Yearly guarantee (fen)"))
    term_start = models.DateField(_("Storage term starts"))
    term_end = models.DateField(_("Storage term ends"))
    block = models.ForeignKey(
        Block,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stored_parcels",
        verbose_name=_("Block"),
    )
    lease = models.OneToOneField(
        "listings.Encumbrance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_parcel",
        verbose_name=_("The centre's lease on the parcel"),
    )

    class Meta:
        ordering = ["township", "parcel__code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "parcel"], name="stored_parcel_unique"),
            models.CheckConstraint(
                condition=Q(floor_per_mu_year_fen__gte=0) & Q(annual_fen__gte=0),
                name="stored_parcel_amounts_not_negative",
            ),
        ]
        verbose_name = _("Stored parcel")
        verbose_name_plural = _("Stored parcels")

    def __str__(self):
        return str(self.parcel)


class GuaranteeInstalment(FSMModelMixin, models.Model):
    """One storage year's guarantee: floor × area, due at the start of the year (R-STORE-3).

    SCHEDULED → INSTRUCTED (ledger posted, payout created; the bank batch pays it). The surplus
    share of a let block (R-STORE-6) rides on the next instalment (`surplus_fen`).
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        INSTRUCTED = "instructed", _("Payout instructed")

    contract = models.ForeignKey(
        StorageContract, on_delete=models.PROTECT, related_name="instalments"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="guarantee_instalments"
    )
    year_index = models.PositiveSmallIntegerField(_("Storage year"))
    due_on = models.DateField(_("Due on"))
    amount_fen = models.BigIntegerField(_("Guarantee (fen)"))
    surplus_fen = models.BigIntegerField(_("Surplus share (fen)"), default=0)
    state = FSMField(
        _("State"), max_length=20, choices=State.choices, default=State.SCHEDULED, protected=True
    )
    payout = models.OneToOneField(
        "payments.Payout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guarantee_instalment",
    )
    instructed_at = models.DateTimeField(_("Instructed at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year_index"], name="guarantee_instalment_year_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0) & Q(surplus_fen__gte=0),
                name="guarantee_instalment_amounts_not_negative",
            ),
        ]
        verbose_name = _("Guarantee instalment")
        verbose_name_plural = _("Guarantee instalments")

    def __str__(self):
        return f"{self.contract.number} #{self.year_index}"

    @property
    def total_fen(self):
        return self.amount_fen + self.surplus_fen

    @property
    def policy_county_id(self):
        return self.contract.county_id

    @property
    def policy_township_id(self):
        """Where the household's land lies: its station's township (access policy)."""
        return self.household.village.township_id

    @transition(field=state, source=State.SCHEDULED, target=State.INSTRUCTED)
    def instruct(self, *, payout, at):
        self.payout = payout
        self.instructed_at = at
