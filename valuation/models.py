"""Valuation: benchmark tables (history kept by effective date), reports (R-VAL-3), price index.

Money is integer fen. A benchmark row is never edited to change a figure: staff add a new row
with a later `effective_from`; selectors pick the row in force on a date (township before county).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.choices import AgeClass, LandClass
from marketplace.models import County, Township
from marketplace.storage import RandomName, get_private_storage

from . import formulas

DEMO_SOURCE = "演示数据 demo"


class BenchmarkRow(models.Model):
    """What every benchmark table row has: where it applies, since when, and on what authority."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, verbose_name=_("County"))
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("Township"),
        help_text=_("Leave empty for the whole county; fill in only where the township differs."),
    )
    effective_from = models.DateField(_("Effective from"), default=timezone.localdate)
    source = models.CharField(
        _("Source"), max_length=200, help_text=_("Document or survey the figure comes from.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Entered by"),
    )
    created_at = models.DateTimeField(_("Entered at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["county", "township", "-effective_from", "-id"]

    @property
    def is_demo(self):
        return self.source == DEMO_SOURCE

    def clean(self):
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            raise ValidationError({"township": _("The township is not in this county.")})


class BenchmarkRent(BenchmarkRow):
    """Benchmark rent in yuan per mu per year by land class (R-VAL-1 default annual income)."""

    land_class = models.CharField(_("Land class"), max_length=20, choices=LandClass.choices)
    rent_per_mu_year_fen = models.BigIntegerField(_("Benchmark rent (fen per mu per year)"))

    class Meta(BenchmarkRow.Meta):
        verbose_name = _("Benchmark rent")
        verbose_name_plural = _("Benchmark rents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rent_per_mu_year_fen__gte=0), name="benchmark_rent_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.county} {self.township or ''} {self.get_land_class_display()}"


class CapitalisationRate(BenchmarkRow):
    """The capitalisation rate r of R-VAL-1 / P of R-VAL-2 (default 5 %)."""

    land_class = models.CharField(
        _("Land class"),
        max_length=20,
        choices=LandClass.choices,
        blank=True,
        help_text=_("Leave empty for every land class."),
    )
    rate = models.DecimalField(
        _("Capitalisation rate"),
        max_digits=6,
        decimal_places=4,
        help_text=_("As a fraction: 0.05 means 5 %."),
    )

    class Meta(BenchmarkRow.Meta):
        verbose_name = _("Capitalisation rate")
        verbose_name_plural = _("Capitalisation rates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gt=0) & models.Q(rate__lt=1),
                name="capitalisation_rate_between_0_and_1",
            )
        ]

    def __str__(self):
        return f"{self.county} {self.township or ''} {self.rate}"


class ForestParameter(BenchmarkRow):
    """Per species: prices, costs, rotation and yield per mu by age class (R-VAL-2 inputs)."""

    species = models.CharField(_("Species"), max_length=50)
    stumpage_price_fen = models.BigIntegerField(_("Timber price (fen per m³)"))
    harvest_cost_fen = models.BigIntegerField(
        _("Harvest cost (fen per m³)"),
        help_text=_("Felling, transport, taxes and fees per cubic metre."),
    )
    profit_rate = models.DecimalField(
        _("Harvester's profit rate"),
        max_digits=5,
        decimal_places=4,
        default="0.1000",
        help_text=_("Reasonable profit F as a share of the harvest cost."),
    )
    rotation_age = models.PositiveSmallIntegerField(_("Rotation age (years)"))
    planting_cost_per_mu_fen = models.BigIntegerField(_("Planting cost, first year (fen per mu)"))
    tending_cost_per_mu_year_fen = models.BigIntegerField(
        _("Tending cost, later years (fen per mu per year)")
    )
    yield_young = models.DecimalField(
        _("Yield when young (m³ per mu)"), max_digits=8, decimal_places=3
    )
    yield_middle = models.DecimalField(
        _("Yield when middle-aged (m³ per mu)"), max_digits=8, decimal_places=3
    )
    yield_near_mature = models.DecimalField(
        _("Yield when near-mature (m³ per mu)"), max_digits=8, decimal_places=3
    )
    yield_mature = models.DecimalField(
        _("Yield when mature (m³ per mu)"), max_digits=8, decimal_places=3
    )
    yield_over_mature = models.DecimalField(
        _("Yield when over-mature (m³ per mu)"), max_digits=8, decimal_places=3
    )

    class Meta(BenchmarkRow.Meta):
        verbose_name = _("Forest parameters")
        verbose_name_plural = _("Forest parameters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stumpage_price_fen__gte=0)
                & models.Q(harvest_cost_fen__gte=0)
                & models.Q(planting_cost_per_mu_fen__gte=0)
                & models.Q(tending_cost_per_mu_year_fen__gte=0)
                & models.Q(rotation_age__gt=0),
                name="forest_parameter_amounts_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.county} {self.township or ''} {self.species}"

    def yield_for(self, age_class):
        return getattr(self, f"yield_{AgeClass(age_class).value}")


class FloorPrice(BenchmarkRow):
    """R-STORE-1: the county's floor price in yuan per mu per year by land class."""

    land_class = models.CharField(_("Land class"), max_length=20, choices=LandClass.choices)
    floor_per_mu_year_fen = models.BigIntegerField(_("Floor price (fen per mu per year)"))

    class Meta(BenchmarkRow.Meta):
        verbose_name = _("Floor price")
        verbose_name_plural = _("Floor prices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(floor_per_mu_year_fen__gte=0), name="floor_price_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.county} {self.township or ''} {self.get_land_class_display()}"


class ReportLocked(ValidationError):
    """R-VAL-3: a locked report is never changed; a new report supersedes it."""


class ValuationReport(models.Model):
    """R-VAL-3: one valuation of a subject (a listing's parcels) with every input it used."""

    class Method(models.TextChoices):
        INCOME_CAPITALISATION = formulas.INCOME_CAPITALISATION, _("Income capitalisation")
        GROWING_INCOME = formulas.GROWING_INCOME, _("Income capitalisation, growing income")
        FOREST_MARKET_PRICE_BACK = (
            formulas.FOREST_MARKET_PRICE_BACK,
            _("Forest: market price back-calculation"),
        )
        FOREST_HARVEST_PRESENT_VALUE = (
            formulas.FOREST_HARVEST_PRESENT_VALUE,
            _("Forest: harvest present value"),
        )
        FOREST_REPLACEMENT_COST = formulas.FOREST_REPLACEMENT_COST, _("Forest: replacement cost")
        FOREST_ANNUITY = formulas.FOREST_ANNUITY, _("Forest: annuity")

    # Fields a locked report may still receive once: the rendering of its own content.
    RENDERING_FIELDS = frozenset({"pdf", "pdf_sha256"})

    subject_label = models.CharField(pgettext_lazy("valuation", "Subject"), max_length=200)
    county = models.ForeignKey(County, on_delete=models.PROTECT, verbose_name=_("County"))
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Township")
    )
    land_class = models.CharField(_("Land class"), max_length=20, choices=LandClass.choices)
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    term_years = models.DecimalField(_("Term (years)"), max_digits=6, decimal_places=2)
    method = models.CharField(
        pgettext_lazy("valuation", "Method"), max_length=40, choices=Method.choices
    )
    inputs = models.JSONField(_("Inputs"), default=dict)
    formula_version = models.CharField(_("Formula version"), max_length=20)
    value_fen = models.BigIntegerField(_("Value (fen)"))
    reference_price_per_mu_year_fen = models.BigIntegerField(
        _("Reference price (fen per mu per year)")
    )
    valuer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="valuation_reports",
        verbose_name=_("Valuer"),
    )
    created_at = models.DateTimeField(_("Valued at"), default=timezone.now, editable=False)
    locked_at = models.DateTimeField(_("Locked at"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("Supersedes"),
    )
    pdf = models.FileField(
        _("PDF"),
        upload_to=RandomName("valuation-reports"),
        storage=get_private_storage,
        blank=True,
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Valuation report")
        verbose_name_plural = _("Valuation reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_fen__gte=0), name="valuation_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(reference_price_per_mu_year_fen__gte=0),
                name="valuation_reference_price_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(area_mu__gt=0), name="valuation_area_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(term_years__gt=0), name="valuation_term_positive"
            ),
        ]

    def __str__(self):
        return f"{self.subject_label} ({self.get_method_display()})"

    def save(self, *args, **kwargs):
        """R-VAL-3: refuse any change to a locked report (only its PDF may be attached once)."""
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values("locked_at", "pdf_sha256")
            stored = stored.first()
            if stored and stored["locked_at"] is not None:
                update_fields = kwargs.get("update_fields")
                attaching_pdf = (
                    update_fields is not None
                    and set(update_fields) <= self.RENDERING_FIELDS
                    and not stored["pdf_sha256"]
                )
                if not attaching_pdf:
                    raise ReportLocked(
                        _("This valuation report is locked; create a new report instead."),
                        code="report_locked",
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_locked:
            raise ReportLocked(
                _("This valuation report is locked; create a new report instead."),
                code="report_locked",
            )
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self):
        return self.locked_at is not None


class PriceObservation(models.Model):
    """R-VAL-4: one completed deal's price per mu per year, recorded by the deals app."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, verbose_name=_("Township"))
    land_class = models.CharField(_("Land class"), max_length=20, choices=LandClass.choices)
    price_per_mu_year_fen = models.BigIntegerField(_("Price (fen per mu per year)"))
    area_mu = models.DecimalField(_("Area (mu)"), max_digits=12, decimal_places=4)
    completed_on = models.DateField(_("Completed on"))
    source_ref = models.CharField(_("Source reference"), max_length=100, unique=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["township", "land_class", "completed_on"])]
        verbose_name = _("Price observation")
        verbose_name_plural = _("Price observations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_per_mu_year_fen__gte=0),
                name="price_observation_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(area_mu__gt=0), name="price_observation_area_positive"
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.get_land_class_display()} {self.completed_on}"
