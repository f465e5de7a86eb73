"""Human labels for ledger account keys (the key itself is never shown alone to a user)."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

PURPOSES = {
    "clearing": _("Clearing account (money at the payment gateway)"),
    "bank": _("Exchange bank account"),
    "deposit_held": _("Deposit held"),
    "received": _("Payment received, to be allocated"),
    "transferor_payable": _("Owed to the transferor"),
    "fee_income": _("Service-fee income"),
    "forfeit_income": _("Forfeited-deposit income"),
    "storage_guarantee_payable": _("Storage guaranteed rent owed"),
    "storage_fund": _("Storage centre's guarantee fund"),
    "insurance_claim_payable": _("Insurance claim owed"),
}


def account_label(key: str) -> str:
    purpose, _sep, rest = key.partition(":")
    label = str(PURPOSES.get(purpose, purpose))
    if not rest:
        return label
    model_name, _sep, object_id = rest.partition(":")
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return f"{label} · {model._meta.verbose_name} #{object_id}"
    return f"{label} · {model_name} #{object_id}"
