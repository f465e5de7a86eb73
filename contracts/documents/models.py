"""Contracts from the model texts, signatures with evidence, the buyer's payment and settlement,
rent schedules, transaction certificates and the notification outbox (issue 7, R-DEAL-2..8).

The Deal itself (and its thin transitions awarded → signing → payment → settled → complete,
→ defaulted) lives in `contracts.models`; the services in `contracts.documents.services` drive it.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Deal, Registration
from marketplace.models import County, Enterprise
from marketplace.storage import RandomName, get_private_storage


class ContractTerms(models.Model):
    """The standard clauses of a county's contracts (art.19 items 8–10, disputes, delivery).

    The row without a county is the exchange-wide default (seeded by a migration); staff edit
    these in the admin. Blank clauses make contract generation refuse and say which item is missing.
    """

    county = models.OneToOneField(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="contract_terms"
    )
    attachments_at_expiry = models.TextField(
        _("Treatment of attachments and facilities at expiry"), blank=True
    )
    expropriation_compensation = models.TextField(
        _("Compensation when the land is expropriated"), blank=True
    )
    penalty_per_day_per_10k = models.PositiveSmallIntegerField(
        _("Penalty per day (per ten thousand of the annual rent)"), default=0
    )
    dispute_resolution = models.TextField(_("Dispute resolution"), blank=True)
    delivery_days = models.PositiveSmallIntegerField(
        _("Delivery within (days after signing)"), default=10
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Contract terms")
        verbose_name_plural = _("Contract terms")

    def __str__(self):
        return str(self.county or _("Exchange-wide default"))


class DealDocument(models.Model):
    """A generated PDF of a deal, stored with its SHA-256 (versions never overwritten)."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Contract")
        CONTRACT_FINAL = "contract_final", _("Signed contract with signature page")
        CERTIFICATE = "certificate", _("Transaction certificate")
        FILING_NOTICE = "filing_notice", _("Filing notice to the collective")
        REGISTRATION_NOTICE = "registration_notice", _("Registration notice")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("Kind"), max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField(_("Version"), default=1)
    file = models.FileField(
        _("File"), upload_to=RandomName("deal-documents"), storage=get_private_storage
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("Size (bytes)"), default=0)
    pages = models.PositiveSmallIntegerField(_("Pages"), default=0)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["deal", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "kind", "version"], name="deal_document_version_unique"
            )
        ]
        verbose_name = _("Deal document")
        verbose_name_plural = _("Deal documents")

    def __str__(self):
        return f"{self.deal} · {self.get_kind_display()} v{self.version}"

    def get_absolute_url(self):
        return reverse("contract_documents:document_download", args=[self.pk])


class Contract(models.Model):
    """The contract of a deal with one transferee, generated at award (R-DEAL-2)."""

    class State(models.TextChoices):
        GENERATING = "generating", _("Being generated")
        INCOMPLETE = "incomplete", _("Cannot be generated: information missing")
        READY = "ready", _("Awaiting signatures")
        SIGNED = "signed", _("Signed by both parties")
        VOID = "void", _("Void")

    class Template(models.TextChoices):
        LEASE = "lease", _("Lease / sublease (GF-2021-2606)")
        SHARES = "shares", _("Shares (入股)")
        FOREST = "forest_transfer", _("Forest-right transfer")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="contracts")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    transferee = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("Contract number"), max_length=40, unique=True)
    template = models.CharField(_("Model text"), max_length=20, choices=Template.choices)
    state = models.CharField(
        _("State"), max_length=20, choices=State.choices, default=State.GENERATING, db_index=True
    )
    missing = models.JSONField(_("Missing art.19 items"), default=list, blank=True)
    current = models.ForeignKey(
        DealDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    final = models.ForeignKey(
        DealDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sign_by = models.DateTimeField(_("Sign by"), null=True, blank=True)
    ready_at = models.DateTimeField(_("Ready to sign since"), null=True, blank=True)
    signed_at = models.DateTimeField(_("Signed at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal"],
                condition=~models.Q(state="void"),
                name="contract_one_active_per_deal",
            )
        ]
        verbose_name = _("Contract")
        verbose_name_plural = _("Contracts")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("contract_documents:contract", args=[self.number])


class Signature(models.Model):
    """One party's signature of one exact PDF version (who, how, when, from where, its hash)."""

    class Party(models.TextChoices):
        TRANSFEROR = "transferor", _("Transferor (Party A)")
        TRANSFEREE = "transferee", _("Transferee (Party B)")

    class Method(models.TextChoices):
        ONLINE = "online", _("Online: password and one-time code")
        WITNESSED = "witnessed", _("On paper at the service station, witnessed")

    class Mark(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic")
        SIGNATURE = "signature", _("Handwritten signature")
        FINGERPRINT = "fingerprint", _("Fingerprint")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="signatures")
    document = models.ForeignKey(DealDocument, on_delete=models.PROTECT, related_name="+")
    party = models.CharField(_("Party"), max_length=20, choices=Party.choices)
    method = models.CharField(_("Method"), max_length=20, choices=Method.choices)
    mark = models.CharField(_("Mark"), max_length=20, choices=Mark.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("Signed by"), max_length=100)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("Signed at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64)
    scan = models.FileField(
        _("Signed scan"),
        upload_to=RandomName("signed-scans"),
        storage=get_private_storage,
        blank=True,
    )
    scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64, blank=True)
    scan_content_type = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "document", "party"], name="signature_once_per_version"
            )
        ]
        verbose_name = _("Signature")
        verbose_name_plural = _("Signatures")

    def __str__(self):
        return f"{self.contract} · {self.get_party_display()}"


class SigningCode(models.Model):
    """A one-time code for online signing, sent through the notification channel (hash only)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.contract_id} · {self.user_id}"


class Settlement(models.Model):
    """The buyer's payment after signing and what it settles (R-DEAL-3/4/6, settlement)."""

    class State(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        SETTLED = "settled", _("Settled")
        DEFAULTED = "defaulted", _("Not paid in time")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="settlements")
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="settlement")
    due_now_fen = models.BigIntegerField(_("Due now (fen)"))
    buyer_fee_fen = models.BigIntegerField(_("Transferee's service fee (fen)"))
    transferor_fee_fen = models.BigIntegerField(_("Transferor's service fee (fen)"), default=0)
    transferor_fee_left_fen = models.BigIntegerField(default=0)
    deposit_fen = models.BigIntegerField(_("Deposit credited (fen)"), default=0)
    amount_fen = models.BigIntegerField(_("To pay (fen)"))
    payable = models.OneToOneField(
        "payments.Payable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deal_settlement",
    )
    pay_by = models.DateTimeField(_("Pay by"))
    state = models.CharField(
        _("State"), max_length=20, choices=State.choices, default=State.AWAITING_PAYMENT
    )
    settled_at = models.DateTimeField(_("Settled at"), null=True, blank=True)
    payout = models.ForeignKey(
        "payments.Payout", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gte=0), name="settlement_amount_not_negative"
            )
        ]
        verbose_name = _("Settlement")
        verbose_name_plural = _("Settlements")

    def __str__(self):
        return f"{self.deal} · {self.get_state_display()}"


class RentInstalment(models.Model):
    """A later rent payment of a multi-year lease (the rent schedule)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        INVOICED = "invoiced", _("Payment requested")
        PAID = "paid", _("Paid")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="rent_instalments")
    sequence = models.PositiveSmallIntegerField(_("Instalment"))
    due_on = models.DateField(_("Due on"), db_index=True)
    amount_fen = models.BigIntegerField(_("Amount (fen)"))
    state = models.CharField(
        _("State"), max_length=20, choices=State.choices, default=State.SCHEDULED
    )
    payable = models.OneToOneField(
        "payments.Payable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rent_instalment",
    )
    reminded_30_at = models.DateTimeField(null=True, blank=True)
    reminded_7_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("Paid at"), null=True, blank=True)
    payout = models.ForeignKey(
        "payments.Payout", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "deal"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "sequence"], name="rent_instalment_unique"),
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="rent_instalment_positive"
            ),
        ]
        verbose_name = _("Rent instalment")
        verbose_name_plural = _("Rent instalments")

    def __str__(self):
        return f"{self.deal} #{self.sequence} {self.due_on}"


class DealDefault(models.Model):
    """A winner that did not sign or pay in time (R-DEAL-5) and what staff decided next."""

    class Reason(models.TextChoices):
        NOT_SIGNED = "not_signed", _("Did not sign in time (R-DEAL-2)")
        NOT_PAID = "not_paid", _("Did not pay in time (R-DEAL-3)")

    class Resolution(models.TextChoices):
        NONE = "", _("Awaiting staff decision")
        RUNNER_UP = "runner_up", _("Awarded to the runner-up at its last bid")
        RELIST = "relist", _("Relisted")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="defaults")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("Reason"), max_length=20, choices=Reason.choices)
    at = models.DateTimeField(_("Defaulted at"))
    forfeited_fen = models.BigIntegerField(_("Deposit forfeited (fen)"), default=0)
    resolution = models.CharField(
        _("Decision"), max_length=20, choices=Resolution.choices, blank=True, default=""
    )
    runner_up = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_listing = models.ForeignKey(
        "listings.Listing", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("Default")
        verbose_name_plural = _("Defaults")

    def __str__(self):
        return f"{self.deal} · {self.get_reason_display()}"


class CertificateSequence(models.Model):
    """The last certificate number per county and year (row-locked when allocating)."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="cert_number_seq_unique")
        ]

    def __str__(self):
        return f"{self.county_code}-{self.year}: {self.last}"


class CertificateBatch(models.Model):
    """Staff issuing many certificates at once; the page polls its progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    deal_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.done + self.failed}/{self.total}"

    @property
    def percent(self):
        return int((self.done + self.failed) * 100 / self.total) if self.total else 100


class Certificate(models.Model):
    """The transaction certificate (交易鉴证书, R-DEAL-8), verified publicly by its number."""

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="certificate")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("Certificate number"), max_length=30, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("Issued at"))
    document = models.ForeignKey(
        DealDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        CertificateBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    # What the filing and registration notices say, fixed at issue (R-DEAL-8). The notices are
    # rendered from it on first download, so a batch renders certificates only; the PDF and its
    # SHA-256 are stored at that first render and never re-rendered.
    notice_facts = models.JSONField(_("Notice facts (at issue)"), default=dict, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("Transaction certificate")
        verbose_name_plural = _("Transaction certificates")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("verify", args=[self.number])
