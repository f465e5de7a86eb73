"""Forms: the subject of a valuation, its method inputs (usable by other apps' views), benchmarks.

Typical use in another app's view:

    suggestion = valuation_suggest(right_type=..., land_class=..., area_mu=..., county=...,
                                   township=..., term_years=...)
    form = ValuationReportForm(method=suggestion["method"], prefill=suggestion["inputs"],
                               data=request.POST or None)
    if form.is_valid():
        report = valuation_report_create(..., method=form.method, inputs=form.cleaned_data["inputs"],
                                         overrides_reason=form.cleaned_data["overrides_reason"])
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.choices import AgeClass, LandClass, RightType
from marketplace.models import County, Township

from . import methods
from .models import ValuationReport


class ValuationReportForm(forms.Form):
    """The inputs of one method, prefilled from the tables; a changed input needs a reason."""

    overrides_reason = forms.CharField(
        label=_("Reason for overriding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when an input differs from the benchmark table."),
    )

    def __init__(self, *args, method, prefill=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        self.prefill = dict(prefill or {})
        for spec in methods.METHOD_INPUTS[method]:
            multi = spec.kind in (methods.PAIRS, methods.AMOUNTS)
            self.fields[spec.name] = forms.CharField(
                label=spec.label,
                help_text=spec.help_text,
                required=spec.required,
                initial=methods.format_text(spec, self.prefill.get(spec.name)),
                widget=forms.Textarea(attrs={"rows": 3})
                if multi
                else forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        self.order_fields([spec.name for spec in methods.METHOD_INPUTS[method]])

    def clean(self):
        cleaned = super().clean()
        raw = {}
        for spec in methods.METHOD_INPUTS[self.method]:
            if spec.name in self.errors:
                continue
            try:
                raw[spec.name] = methods.parse_text(spec, cleaned.get(spec.name, ""))
            except methods.InputError as exc:
                self.add_error(spec.name, exc.message)
        if self.errors:
            return cleaned
        try:
            inputs = methods.normalise(self.method, raw)
            methods.compute(self.method, inputs)
        except methods.InputError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
            return cleaned
        changed = [
            name
            for name in self.prefill
            if name in inputs and not _same(inputs[name], self.prefill[name])
        ]
        if changed and not cleaned.get("overrides_reason", "").strip():
            self.add_error(
                "overrides_reason", _("Say why the inputs differ from the benchmark tables.")
            )
        cleaned["inputs"] = inputs
        cleaned["changed"] = changed
        return cleaned


def _flat(value):
    if isinstance(value, list | tuple):
        return [x for item in value for x in _flat(item)]
    return [Decimal(str(value))] if str(value).strip() else []


def _same(a, b):
    return _flat(a) == _flat(b)


class SubjectForm(forms.Form):
    """What is valued: place, class, area, term, and for forests the stand."""

    subject_label = forms.CharField(label=pgettext_lazy("valuation", "Subject"), max_length=200)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all())
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.select_related("county"), required=False
    )
    right_type = forms.ChoiceField(
        label=_("Right type"),
        choices=[c for c in RightType.choices if c[0] != RightType.CONTRACT],
        initial=RightType.LAND_MANAGEMENT,
    )
    land_class = forms.ChoiceField(label=_("Land class"), choices=LandClass.choices)
    area_mu = forms.DecimalField(
        label=_("Area (mu)"), min_value=Decimal("0.0001"), max_digits=12, decimal_places=4
    )
    term_years = forms.DecimalField(
        label=_("Term (years)"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )
    age_class = forms.ChoiceField(
        label=_("Stand age class"), choices=[("", "—"), *AgeClass.choices], required=False
    )
    species = forms.CharField(label=_("Dominant species"), max_length=50, required=False)
    stand_age = forms.IntegerField(label=_("Stand age (years)"), min_value=1, required=False)
    stable_income = forms.BooleanField(label=_("Stable annual income"), required=False)
    method = forms.ChoiceField(
        label=pgettext_lazy("valuation", "Method"),
        choices=[("", _("As suggested")), *ValuationReport.Method.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        county, township = cleaned.get("county"), cleaned.get("township")
        if county and township and township.county_id != county.pk:
            self.add_error("township", _("The township is not in this county."))
        return cleaned


class BenchmarkAddForm(forms.Form):
    """A new benchmark rent or floor price row (a later date replaces the figure, history kept)."""

    KIND_RENT = "rent"
    KIND_FLOOR = "floor"

    kind = forms.ChoiceField(
        label=_("Table"),
        choices=[(KIND_RENT, _("Benchmark rent")), (KIND_FLOOR, _("Floor price"))],
    )
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all())
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=Township.objects.select_related("county"), required=False
    )
    land_class = forms.ChoiceField(label=_("Land class"), choices=LandClass.choices)
    yuan_per_mu_year = forms.DecimalField(
        label=_("Yuan per mu per year"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    effective_from = forms.DateField(label=_("Effective from"), initial=timezone.localdate)
    source = forms.CharField(label=_("Source"), max_length=200)

    def clean(self):
        cleaned = super().clean()
        county, township = cleaned.get("county"), cleaned.get("township")
        if county and township and township.county_id != county.pk:
            self.add_error("township", _("The township is not in this county."))
        return cleaned
