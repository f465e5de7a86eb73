"""The R-DEAL-6 service fee's rates and minimum: rulebook numbers (marketplace/rulebook.py) staff
change per county on 规则参数. The band limits (0.5, 1, 5, 10, 20 million yuan) stay fixed in
`valuation.formulas.SERVICE_FEE_BANDS`; the rates seed from there."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from marketplace import rulebook
from marketplace.rulebook import SECTION_DEAL, Percent, Yuan

from .formulas import SERVICE_FEE_BANDS, SERVICE_FEE_MINIMUM

FEE_RATE_KEYS = [f"fee.rate_band_{i}" for i in range(1, len(SERVICE_FEE_BANDS) + 1)]
FEE_MINIMUM = "fee.minimum_yuan"
BAND_LABELS = [
    _("Service fee rate on the part up to 0.5 million yuan"),
    _("Service fee rate on the part from 0.5 to 1 million yuan"),
    _("Service fee rate on the part from 1 to 5 million yuan"),
    _("Service fee rate on the part from 5 to 10 million yuan"),
    _("Service fee rate on the part from 10 to 20 million yuan"),
    _("Service fee rate on the part above 20 million yuan"),
]


def define():
    rate = Percent(maximum=Decimal(10))
    for key, label, (_upper, default) in zip(
        FEE_RATE_KEYS, BAND_LABELS, SERVICE_FEE_BANDS, strict=True
    ):
        rulebook.define(
            key,
            rule="R-DEAL-6",
            section=SECTION_DEAL,
            label=label,
            default=format((default * 100).normalize(), "f"),
            kind=rate,
        )
    rulebook.define(
        FEE_MINIMUM,
        rule="R-DEAL-6",
        section=SECTION_DEAL,
        label=_("Smallest service fee per side"),
        default=int(SERVICE_FEE_MINIMUM),
        kind=Yuan(),
    )


def service_fee_terms(*, county=None) -> dict:
    """The `rates` and `minimum` (yuan) arguments of formulas.service_fee for a county."""
    return {
        "rates": [rulebook.value(key, county=county) for key in FEE_RATE_KEYS],
        "minimum": Decimal(rulebook.value(FEE_MINIMUM, county=county)) / 100,
    }
