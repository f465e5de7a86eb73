"""Settings of contracts and settlement.

R-DEAL-2, R-DEAL-3 and R-DEAL-4 periods are rulebook numbers (marketplace/rulebook.py) staff change per
county on the console page "规则参数"; `settings.CONTRACT_DOCUMENTS` (a dict keyed by the names
below) seeds them for a deployment and holds the engineering choices.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace import rulebook
from marketplace.rulebook import SECTION_DEAL, Count

DEFAULTS = {
    "CODE_MINUTES": 10,  # one-time signing code validity
    "CODE_ATTEMPTS": 5,
    "SCAN_MAX_BYTES": 20 * 1024 * 1024,
    "REMINDER_DAYS": (30, 7),  # rent reminders to the transferee
    "REGISTRATION_NOTICE_YEARS": 5,  # R-DEAL-8 [law]: not a staff setting
    "SHOW_SIGNING_CODE": None,  # None: show the code on screen when DEBUG (demo mode)
}

# name → (rulebook key, rule, label, default)
RULEBOOK_NUMBERS = {
    "SIGNING_WORKDAYS": (
        "deal.signing_workdays",
        "R-DEAL-2",
        _("Both parties sign the contract within"),
        5,
    ),
    "PAYMENT_WORKDAYS": (
        "deal.payment_workdays",
        "R-DEAL-3",
        _("The buyer pays what is due within, after signing"),
        3,
    ),
    "DEPOSIT_REFUND_WORKDAYS": (
        "deal.deposit_refund_workdays",
        "R-DEAL-4",
        _("Losing bidders' deposits are refunded within, after the close"),
        5,
    ),
}


def define():
    days = Count(minimum=1, maximum=30, unit=_("working days"))
    for key, rule, label, default in RULEBOOK_NUMBERS.values():
        rulebook.define(
            key, rule=rule, section=SECTION_DEAL, label=label, default=default, kind=days
        )


def get(name, *, county=None):
    """A setting by name; rulebook numbers for `county` (an instance or id; None = prefecture)."""
    overrides = getattr(settings, "CONTRACT_DOCUMENTS", {})
    if name in RULEBOOK_NUMBERS:
        return rulebook.value(RULEBOOK_NUMBERS[name][0], county=county, seed=overrides.get(name))
    value = overrides.get(name, DEFAULTS[name])
    if name == "SHOW_SIGNING_CODE" and value is None:
        return settings.DEBUG
    return value
