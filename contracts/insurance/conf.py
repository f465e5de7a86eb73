"""Forest insurance numbers (R-INS-1, R-INS-4): rulebook numbers staff change per county."""

from django.utils.translation import gettext_lazy as _

from marketplace import rulebook
from marketplace.rulebook import SECTION_INSURANCE, Count, Percent, Yuan

SUM_INSURED_PER_MU = "insurance.sum_insured_per_mu"
PREMIUM_RATE = "insurance.premium_rate"
SHARE_CENTRAL = "insurance.share_central"
SHARE_PROVINCE = "insurance.share_province"
SHARE_COUNTY = "insurance.share_county"
SHARE_HOLDER = "insurance.share_holder"
INSPECTION_DAYS = "insurance.replanting_inspection_days"

SHARES = (SHARE_CENTRAL, SHARE_PROVINCE, SHARE_COUNTY, SHARE_HOLDER)


def define():
    section = SECTION_INSURANCE
    rulebook.define(
        SUM_INSURED_PER_MU,
        rule="R-INS-1",
        section=section,
        label=_("Sum insured per mu of forest"),
        default=400,
        kind=Yuan(minimum=1),
    )
    rulebook.define(
        PREMIUM_RATE,
        rule="R-INS-1",
        section=section,
        label=_("Premium rate (of the sum insured)"),
        default="0.4",
        kind=Percent(maximum=10),
    )
    for key, label, default in (
        (SHARE_CENTRAL, _("Premium paid by the central government"), 50),
        (SHARE_PROVINCE, _("Premium paid by the province"), 30),
        (SHARE_COUNTY, _("Premium paid by the county"), 10),
        (SHARE_HOLDER, _("Premium paid by the forest-right holder"), 10),
    ):
        rulebook.define(
            key,
            rule="R-INS-1",
            section=section,
            label=label,
            default=default,
            kind=Percent(),
            help_text=_("The four premium shares add up to 100 %."),
        )
    rulebook.define(
        INSPECTION_DAYS,
        rule="R-INS-4",
        section=section,
        label=_("The forestry department inspects the replanting within"),
        default=180,
        kind=Count(minimum=1, maximum=730, unit=_("days")),
    )


def get(key, *, county=None):
    return rulebook.value(key, county=county)
