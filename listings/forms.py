"""Forms of the station console, the review queue and the parcel import (validation only)."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.choices import TransferMode
from marketplace.labels import cn_date_text
from marketplace.money import MoneyError, yuan_to_fen

from .checks import allowed_uses
from .models import Entrustment, PaymentSchedule, PermittedUse, PriceUnit
from .uploads import validate_scan


class DateInput(forms.DateInput):
    """An HTML date picker: its value must be ISO (YYYY-MM-DD), whatever the locale's format."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 (Django's own name)
        super().__init__(attrs=attrs, format=format)


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(
        label=_("ID number or name"),
        max_length=50,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "placeholder": _("e.g. 张 or 1234")}
        ),
    )


class PickForm(forms.Form):
    """Step 2: which right and which of its parcels."""

    right = forms.ChoiceField(label=_("Right"), widget=forms.RadioSelect)
    parcels = forms.MultipleChoiceField(label=_("Parcels"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, rights, unavailable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rights = {str(r.pk): r for r in rights}
        # {parcel id: reason}: shown next to the parcel, which cannot be picked (R-RIGHT-3)
        self.unavailable = unavailable or {}
        self.fields["right"].choices = [
            (
                str(r.pk),
                f"{r.get_right_type_display()} {r.certificate_number}（{cn_date_text(r.ends_on)}）",
            )
            for r in rights
        ]
        self.fields["parcels"].choices = [
            (str(p.pk), f"{p.name} · {p.area_mu} 亩 · {p.get_land_class_display()}")
            for r in rights
            for p in r.parcels.all()
        ]

    def clean(self):
        cleaned = super().clean()
        right = self.rights.get(cleaned.get("right") or "")
        if right is None:
            return cleaned
        own = {str(p.pk): p for p in right.parcels.all()}
        chosen = cleaned.get("parcels") or []
        strangers = [pk for pk in chosen if pk not in own]
        if strangers:
            self.add_error("parcels", _("Parcels: pick only parcels of the chosen right."))
        for pk in chosen:
            if int(pk) in self.unavailable and pk in own:
                self.add_error(
                    "parcels",
                    _("Parcels: %(parcel)s cannot be picked: %(reason)s.")
                    % {"parcel": own[pk].name, "reason": self.unavailable[int(pk)]},
                )
        cleaned["right_obj"] = right
        cleaned["parcel_objs"] = [own[pk] for pk in chosen if pk in own]
        return cleaned

    def parcel_rows(self):
        """Each parcel of each right with its state for the list and the map."""
        chosen = set(self["parcels"].value() or [])
        rows = []
        for right in self.rights.values():
            for p in right.parcels.all():
                rows.append(
                    {
                        "parcel": p,
                        "right_pk": right.pk,
                        "id": f"id_parcels_{p.pk}",
                        "checked": str(p.pk) in chosen,
                        "reason": self.unavailable.get(p.pk, ""),
                    }
                )
        return rows


def _yuan_field(label, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class TermsForm(forms.Form):
    """Step 3: the terms of R-LIST-2, in yuan; only the uses the parcels allow are offered."""

    title = forms.CharField(label=_("Title"), max_length=120)
    transfer_mode = forms.ChoiceField(label=_("Transfer mode"), choices=TransferMode.choices)
    term_start = forms.DateField(label=_("Term starts"), widget=DateInput)
    term_end = forms.DateField(label=_("Term ends"), widget=DateInput)
    permitted_use = forms.ChoiceField(label=_("Permitted use"))
    price_unit = forms.ChoiceField(
        label=_("Price unit"), choices=PriceUnit.choices, initial=PriceUnit.PER_MU_YEAR
    )
    listing_price_yuan = _yuan_field(_("Listing price (yuan)"))
    increment_yuan = _yuan_field(_("Bid increment (yuan)"))
    deposit_yuan = _yuan_field(
        _("Deposit (yuan)"),
        required=False,
        help_text=_(
            "Leave empty for the default: 30 percent of one year's rent, at least 1,000 yuan."
        ),
    )
    payment_schedule = forms.ChoiceField(
        label=_("Payment schedule"),
        choices=PaymentSchedule.choices,
        initial=PaymentSchedule.YEARLY_IN_ADVANCE,
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    bidder_qualifications = forms.CharField(
        label=_("Bidder qualifications"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, parcels, **kwargs):
        super().__init__(*args, **kwargs)
        uses = allowed_uses(parcels)
        self.fields["permitted_use"].choices = [(u, PermittedUse(u).label) for u in uses]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end <= start:
            self.add_error("term_end", _("Term ends: must be after the start (R-LIST-2)."))
        if (
            cleaned.get("transfer_mode") == TransferMode.FOREST_TRANSFER
            and cleaned.get("price_unit") != PriceUnit.TOTAL
        ):
            self.add_error(
                "price_unit", _("Price unit: a forest-tree transfer is priced in total.")
            )
        return cleaned

    def service_terms(self) -> dict:
        """The cleaned terms as the services take them (money in fen)."""
        c = self.cleaned_data
        try:
            deposit = yuan_to_fen(c["deposit_yuan"]) if c.get("deposit_yuan") else None
            return {
                "title": c["title"],
                "description": c.get("description", ""),
                "transfer_mode": c["transfer_mode"],
                "term_start": c["term_start"],
                "term_end": c["term_end"],
                "permitted_use": c["permitted_use"],
                "price_unit": c["price_unit"],
                "listing_price_fen": yuan_to_fen(c["listing_price_yuan"]),
                "increment_fen": yuan_to_fen(c["increment_yuan"]),
                "deposit_fen": deposit,
                "payment_schedule": c["payment_schedule"],
                "bidder_qualifications": c.get("bidder_qualifications", ""),
            }
        except MoneyError as exc:  # pragma: no cover - DecimalField already refuses this
            raise forms.ValidationError(str(exc)) from None


def terms_initial(terms: dict) -> dict:
    """Form initial values from stored terms (fen back to yuan)."""
    initial = dict(terms)
    for name in ("listing_price", "increment", "deposit"):
        fen = terms.get(f"{name}_fen")
        initial[f"{name}_yuan"] = Decimal(fen) / 100 if fen is not None else None
    return initial


class EntrustmentForm(forms.Form):
    """Step 4 (R-LIST-1): the signed entrustment's scan and how the household consented."""

    scan = forms.FileField(
        label=_("Scan of the signed entrustment"),
        help_text=_("PDF or photo (JPEG, PNG), at most 20 MB."),
    )
    consent_method = forms.ChoiceField(
        label=_("How the household consented"),
        choices=Entrustment.ConsentMethod.choices,
        widget=forms.RadioSelect,
    )
    consented_at = forms.DateTimeField(
        label=_("Consent given at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    valid_until = forms.DateField(label=_("Entrustment valid until"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["consented_at"].initial = now.strftime("%Y-%m-%dT%H:%M")
        self.fields["valid_until"].initial = now.date() + dt.timedelta(days=365)

    def clean_scan(self):
        return validate_scan(self.cleaned_data["scan"], field_label=self.fields["scan"].label)

    def clean_consented_at(self):
        value = self.cleaned_data["consented_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("Consent given at: cannot be in the future."))
        return value

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Valid until: the entrustment has already expired."))
        return value


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for returning"), widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=300)


class PublishForm(forms.Form):
    workdays = forms.IntegerField(
        label=_("Announcement period (working days)"), min_value=1, max_value=60, initial=10
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV, XLSX or GeoJSON)"),
        help_text=_("Columns as described in the import guide; at most 50 MB."),
    )
    dry_run = forms.BooleanField(label=_("Trial run: check only, import nothing"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("File: larger than 50 MB; split it."))
        from .importer import ImportFormatError, check_xlsx_archive, file_format

        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        try:
            if file_format(upload.name, head) == "xlsx":
                check_xlsx_archive(upload.name, upload)
        except ImportFormatError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload
