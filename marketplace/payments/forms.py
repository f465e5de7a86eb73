from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.money import MoneyError, has_at_most_places, to_decimal, yuan_to_fen


class RefundForm(forms.Form):
    amount_yuan = forms.CharField(
        label=_("Amount to refund (yuan)"),
        required=False,
        help_text=_("Leave empty to refund everything still held."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_amount_yuan(self):
        text = (self.cleaned_data.get("amount_yuan") or "").strip()
        if not text:
            return None
        try:
            value = to_decimal(text)
        except MoneyError:
            raise forms.ValidationError(_("Enter an amount in yuan, such as 1000.00.")) from None
        if value <= 0 or not has_at_most_places(value, 2):
            raise forms.ValidationError(_("Enter a positive amount with at most two decimals."))
        return yuan_to_fen(value)


def subject_type_choices():
    """The kinds of object the books have transactions for, by their Chinese names (a staff
    member picks 交易, not types `contracts.deal`)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import LedgerTransaction

    used = LedgerTransaction.objects.values_list("content_type", flat=True).distinct()
    choices = []
    for ct in ContentType.objects.filter(pk__in=used).order_by("app_label", "model"):
        model = ct.model_class()
        if model is not None:
            choices.append((f"{ct.app_label}.{ct.model}", str(model._meta.verbose_name)))
    return choices


class SubjectForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("Object type"), choices=subject_type_choices)
    object_id = forms.CharField(label=_("Object number"))


class ConfirmBatchForm(forms.Form):
    failed_payout_ids = forms.CharField(
        label=_("Payouts the bank returned (numbers, comma-separated)"), required=False
    )

    def clean_failed_payout_ids(self):
        text = self.cleaned_data.get("failed_payout_ids") or ""
        parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Enter payout numbers separated by commas."))
        return [int(p) for p in parts]
