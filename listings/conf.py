"""The listing numbers of RULES.md that staff change per county (and per right type where
offered), declared in the rulebook (marketplace/rulebook.py) when the app is ready."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from marketplace import rulebook
from marketplace.rulebook import SECTION_LISTING, SECTION_REGISTRATION, Count, Percent, Share, Yuan

PRICE_FACTOR_HOUSEHOLD = "listing.price_factor_household"
PRICE_FACTOR_COLLECTIVE = "listing.price_factor_collective"
ANNOUNCEMENT_WORKDAYS = "listing.announcement_workdays"
ANNOUNCEMENT_MIN_SPRING = "listing.announcement_min_spring_arable"
ANNOUNCEMENT_MIN = "listing.announcement_min"
COUNTY_MEDIA_YUAN = "listing.county_media_yuan"
DEPOSIT_SHARE = "deposit.share"
DEPOSIT_MINIMUM = "deposit.minimum_yuan"
RELIST_MAX_CUT = "relist.max_cut"


def define():
    days = Count(minimum=1, maximum=60, unit=_("working days"))
    factor = Share(maximum=Decimal(2))
    # key, rule, section, label, default, kind, offered per right type
    numbers = [
        (PRICE_FACTOR_HOUSEHOLD, "R-LIST-4", SECTION_LISTING,
         _("Lowest listing price of a household's right, × the reference price"),
         "0.8", factor, False),
        (PRICE_FACTOR_COLLECTIVE, "R-LIST-4", SECTION_LISTING,
         _("Lowest listing price of a collective's (or stored) right, × the reference price"),
         "1.0", factor, False),
        (ANNOUNCEMENT_WORKDAYS, "R-LIST-5", SECTION_LISTING,
         _("Announcement period proposed to staff"), 10, days, True),
        (ANNOUNCEMENT_MIN_SPRING, "R-LIST-5", SECTION_LISTING,
         _("Shortest announcement period, arable land announced 1 March – 1 May"), 5, days, False),
        (ANNOUNCEMENT_MIN, "R-LIST-5", SECTION_LISTING,
         _("Shortest announcement period, otherwise"), 7, days, True),
        (COUNTY_MEDIA_YUAN, "R-LIST-6", SECTION_LISTING,
         _("Deals worth at least this are also published in county media"),
         300_000, Yuan(minimum=1), False),
        (DEPOSIT_SHARE, "R-REG-4", SECTION_REGISTRATION,
         _("Default deposit, share of one year's rent or of the total"), "30", Percent(), True),
        (DEPOSIT_MINIMUM, "R-REG-4", SECTION_REGISTRATION,
         _("Smallest default deposit"), 1000, Yuan(), False),
        (RELIST_MAX_CUT, "R-FAIL-1", SECTION_LISTING,
         _("Largest price cut at each relisting, share of the previous price"),
         "10", Percent(maximum=Decimal(90)), False),
    ]  # fmt: skip
    for key, rule, section, label, default, kind, by_right_type in numbers:
        rulebook.define(
            key,
            rule=rule,
            section=section,
            label=label,
            default=default,
            kind=kind,
            by_right_type=by_right_type,
        )


def get(key, *, county=None, right_type=""):
    return rulebook.value(key, county=county, right_type=right_type)
