"""Rulebook numbers of floor-price storage (section R-STORE, marketplace/rulebook.py)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from marketplace import rulebook
from marketplace.rulebook import SECTION_STORAGE, Count, Percent

SURPLUS_SHARE = "storage.surplus_share"
CONTIGUITY_TOLERANCE_M = "storage.contiguity_tolerance_m"


def define():
    rulebook.define(
        SURPLUS_SHARE,
        rule="R-STORE-6",
        section=SECTION_STORAGE,
        label=_("Households' share of the surplus of a block let above its floor total"),
        default="50",
        kind=Percent(),
    )
    rulebook.define(
        CONTIGUITY_TOLERANCE_M,
        rule="R-STORE-4",
        section=SECTION_STORAGE,
        label=_("Parcels of a block count as touching within"),
        default=1,
        kind=Count(minimum=0, maximum=20, unit=_("metres")),
    )


def surplus_share(*, county=None) -> Decimal:
    """R-STORE-6: the households' share as a fraction (0.50 by default)."""
    return rulebook.value(SURPLUS_SHARE, county=county)


def contiguity_tolerance_m(*, county=None) -> int:
    """R-STORE-4: metres within which two parcels count as touching (1 by default)."""
    return rulebook.value(CONTIGUITY_TOLERANCE_M, county=county)
