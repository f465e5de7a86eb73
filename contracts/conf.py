"""Deal and bidding settings.

The [practice]/[default] numbers of RULES.md are the rulebook's (marketplace/rulebook.py):
exchange staff change them per county on the console page "规则参数"; `settings.CONTRACTS`
(a dict keyed by the names below) seeds them for a deployment. The other names are
engineering choices, set only in `settings.CONTRACTS`.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace import rulebook
from marketplace.rulebook import (
    SECTION_AUCTION,
    SECTION_DEAL,
    SECTION_REGISTRATION,
    Count,
)

DEFAULTS = {
    "ALREADY_LEADING_REFUSED": True,  # a leading bidder may not outbid itself
    "ROOM_BID_LIST_LENGTH": 50,  # bids shown in the room and the API
}

YEARS, MU, WORKDAYS = pgettext_lazy("age", "years"), _("mu"), _("working days")
HOUR, MINUTES = _("o'clock"), _("minutes")

# name → (rulebook key, rule, section, label, default, kind)
RULEBOOK_NUMBERS = {
    "BIDDER_MIN_AGE": (
        "registration.bidder_min_age",
        "R-REG-1",
        SECTION_REGISTRATION,
        _("Youngest natural-person bidder"),
        18,
        Count(minimum=16, maximum=100, unit=YEARS),
    ),
    "BIDDER_MAX_AGE": (
        "registration.bidder_max_age",
        "R-REG-1",
        SECTION_REGISTRATION,
        _("Oldest natural-person bidder"),
        70,
        Count(minimum=16, maximum=120, unit=YEARS),
    ),
    "REVIEW_COUNTY_MU": (
        "registration.review_county_mu",
        "R-REG-3",
        SECTION_REGISTRATION,
        _("Industrial and commercial capital: county review from this area"),
        500,
        Count(minimum=1, unit=MU),
    ),
    "REVIEW_PREFECTURE_MU": (
        "registration.review_prefecture_mu",
        "R-REG-3",
        SECTION_REGISTRATION,
        _("Industrial and commercial capital: prefecture review from this area"),
        1000,
        Count(minimum=1, unit=MU),
    ),
    "REVIEW_WORKDAYS": (
        "registration.review_workdays",
        "R-REG-3",
        SECTION_REGISTRATION,
        _("Qualification review answered within"),
        20,
        Count(minimum=1, maximum=120, unit=WORKDAYS),
    ),
    "NEGOTIATION_WORKDAYS": (
        "mode.negotiation_workdays",
        "R-MODE-1",
        SECTION_AUCTION,
        _("Single qualified bidder confirms the negotiated price within"),
        3,
        Count(minimum=1, maximum=30, unit=WORKDAYS),
    ),
    "AUCTION_START_HOUR": (
        "auction.start_hour",
        "R-MODE-1",
        SECTION_AUCTION,
        _("Auctions start at this hour of the next working day"),
        10,
        Count(minimum=8, maximum=16, unit=HOUR),
    ),
    "AUCTION_DURATION_MINUTES": (
        "auction.duration_minutes",
        "R-BID-4",
        SECTION_AUCTION,
        _("Scheduled close, after the start"),
        60,
        Count(minimum=10, maximum=600, unit=MINUTES),
    ),
    "EXTENSION_MINUTES": (
        "auction.extension_minutes",
        "R-BID-4",
        SECTION_AUCTION,
        _("Soft close: a late bid moves the close to its time plus"),
        5,
        Count(minimum=1, maximum=60, unit=MINUTES),
    ),
    "PRIORITY_WORKDAYS": (
        "auction.priority_workdays",
        "R-BID-9",
        SECTION_AUCTION,
        _("Collective members may match the winning price within"),
        1,
        Count(minimum=1, maximum=10, unit=WORKDAYS),
    ),
    "RESULT_ANNOUNCEMENT_WORKDAYS": (
        "deal.result_announcement_workdays",
        "R-DEAL-1",
        SECTION_DEAL,
        _("Result announcement period"),
        5,
        Count(minimum=1, maximum=30, unit=WORKDAYS),
    ),
}


def define():
    for key, rule, section, label, default, kind in RULEBOOK_NUMBERS.values():
        rulebook.define(key, rule=rule, section=section, label=label, default=default, kind=kind)


def get(name, *, county=None, right_type=""):
    """A setting by name; rulebook numbers for `county` (an instance or id; None = prefecture)."""
    overrides = getattr(settings, "CONTRACTS", {})
    if name in RULEBOOK_NUMBERS:
        return rulebook.value(
            RULEBOOK_NUMBERS[name][0],
            county=county,
            right_type=right_type,
            seed=overrides.get(name),
        )
    return overrides.get(name, DEFAULTS[name])
