"""The automatic checks of a listing (R-LIST-1/3/4, R-RIGHT-3/4/5), shown to staff one by one.

Each check returns a `CheckResult`; `review_checks(listing)` runs them all. The same rules refuse
bad input when a listing is filed (`listings.services`), so staff rarely see a failure.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.choices import ForestClass, LandClass, RightType
from marketplace.labels import cn_date_text
from marketplace.money import round_fen
from valuation import formulas
from valuation.formulas import term_years

from . import conf
from .models import Encumbrance, Listing, PermittedUse, PriceUnit

ARABLE = {LandClass.PADDY, LandClass.DRY_LAND}
FOREST_USES = {PermittedUse.FORESTRY, PermittedUse.UNDER_FOREST}
# R-RIGHT-5: on permanent basic farmland no orchards or fish ponds; tea bushes are a perennial
# plantation like an orchard (园地), which basic farmland may not become either.
BASIC_FARMLAND_REFUSED = {PermittedUse.ORCHARD, PermittedUse.FISH_POND, PermittedUse.TEA}


@dataclass
class CheckResult:
    rule: str
    label: str
    ok: bool
    field: str
    problems: list[str] = field(default_factory=list)

    @property
    def message(self):
        return "；".join(self.problems)


def price_factor(listing) -> Decimal:
    """R-LIST-4 factor: 1.0 for collective assets (and stored land), 0.8 for household rights
    (the rulebook's numbers for the listing's county)."""
    key = (
        conf.PRICE_FACTOR_HOUSEHOLD
        if listing.transferor_household_id
        else conf.PRICE_FACTOR_COLLECTIVE
    )
    return conf.get(key, county=getattr(listing, "county_id", None))


def price_per_mu_year_fen(listing) -> int | None:
    """The listing price as fen per mu per year (a total is spread over area and term)."""
    if not listing.area_mu:
        return None
    if listing.price_unit == PriceUnit.PER_MU_YEAR:
        return listing.listing_price_fen
    years = term_years(listing.term_start, listing.term_end)
    if years <= 0:
        return None
    return round_fen(Decimal(listing.listing_price_fen) / Decimal(str(listing.area_mu)) / years)


def price_per_mu_fen(listing) -> int | None:
    """Price per mu for sorting and the price filter: per year for leases, of the total else."""
    if not listing.area_mu:
        return None
    if listing.price_unit == PriceUnit.PER_MU_YEAR:
        return listing.listing_price_fen
    return round_fen(Decimal(listing.listing_price_fen) / Decimal(str(listing.area_mu)))


def total_value_fen(listing) -> int:
    """R-DEAL-7 total value at the listing price: annual rent × term, or the total."""
    if listing.price_unit == PriceUnit.TOTAL:
        return listing.listing_price_fen
    return formulas.total_value_fen(
        price_fen_per_mu_year=listing.listing_price_fen,
        area_mu=Decimal(str(listing.area_mu)),
        term_start=listing.term_start,
        term_end=listing.term_end,
    )


# ---------------------------------------------------------------- the rules


def use_problems(parcels, permitted_use) -> list[str]:
    """R-RIGHT-5: agricultural use only, per parcel."""
    problems = []
    if permitted_use not in PermittedUse.values:
        return [_("Permitted use: only agricultural uses may be listed (R-RIGHT-5).")]
    label = PermittedUse(permitted_use).label
    for parcel in parcels:
        if parcel.land_class == LandClass.FOREST_LAND:
            if parcel.forest_class == ForestClass.PUBLIC_WELFARE:
                if permitted_use != PermittedUse.UNDER_FOREST:
                    problems.append(
                        _(
                            "Permitted use: %(parcel)s is public-welfare forest (公益林), which "
                            "stays public-welfare forest: only under-forest economy, not "
                            "“%(use)s” (R-RIGHT-5)."
                        )
                        % {"parcel": parcel.name, "use": label}
                    )
            elif permitted_use not in FOREST_USES:
                problems.append(
                    _(
                        "Permitted use: %(parcel)s is forest land, which stays forest land: "
                        "forestry or under-forest economy only, not “%(use)s” (R-RIGHT-5)."
                    )
                    % {"parcel": parcel.name, "use": label}
                )
        elif parcel.is_basic_farmland and permitted_use in BASIC_FARMLAND_REFUSED:
            problems.append(
                _(
                    "Permitted use: %(parcel)s is permanent basic farmland, which may not become "
                    "“%(use)s” (R-RIGHT-5)."
                )
                % {"parcel": parcel.name, "use": label}
            )
    return problems


def allowed_uses(parcels) -> list[str]:
    """The uses a form may offer for these parcels (non-agricultural uses are never offered)."""
    return [use for use in PermittedUse.values if not use_problems(parcels, use)]


def active_encumbrances(parcels, term_start: dt.date, term_end: dt.date | None = None):
    """Encumbrances in force at some time during the term (not released before it starts, not
    ended before it starts, not starting after it ends): R-RIGHT-3's "while"."""
    found = Encumbrance.objects.filter(parcel__in=parcels)
    if term_end is not None:
        found = found.filter(starts_on__lte=term_end)
    return (
        found.exclude(released_on__lte=term_start)
        .exclude(ends_on__lt=term_start)
        .select_related("parcel")
    )


# Hooks of the floor-price storage app (listings never imports contracts), registered in its
# AppConfig.ready. Each takes (right, parcels, term_start, term_end).
#   ENCUMBRANCE_EXCUSES -> set of Encumbrance pks that do not block listing this right: the
#     storage centre's own lease on the households' land when it lists the stored-land right
#     it holds (R-STORE-5, an exception to R-RIGHT-3);
#   FLOOR_TOTALS -> the sum of the parcels' fixed floors over the term in fen, or None.
ENCUMBRANCE_EXCUSES: list = []
FLOOR_TOTALS: list = []


def register_encumbrance_excuse(fn):
    if fn not in ENCUMBRANCE_EXCUSES:
        ENCUMBRANCE_EXCUSES.append(fn)
    return fn


def register_floor_total(fn):
    if fn not in FLOOR_TOTALS:
        FLOOR_TOTALS.append(fn)
    return fn


def _excused_encumbrances(right, parcels, term_start, term_end) -> set:
    if right is None or right.right_type != RightType.STORED_LAND:
        return set()
    excused = set()
    for hook in ENCUMBRANCE_EXCUSES:
        excused |= set(hook(right, parcels, term_start, term_end) or ())
    return excused


def encumbrance_problems(
    parcels, term_start: dt.date, term_end: dt.date | None = None, *, right=None
) -> list[str]:
    """R-RIGHT-3: parcels mortgaged, seized, disputed or leased during the term need written
    consent on file (a seizure or dispute blocks regardless). The storage centre listing its
    stored-land right is not blocked by its own lease on the households' land (R-STORE-5)."""
    problems = []
    excused = _excused_encumbrances(right, parcels, term_start, term_end)
    for enc in active_encumbrances(parcels, term_start, term_end):
        if enc.pk in excused:
            continue
        if enc.kind in (Encumbrance.Kind.SEIZURE, Encumbrance.Kind.DISPUTE) or not (
            enc.consent_document
        ):
            problems.append(
                _(
                    "Parcels: %(parcel)s has a %(kind)s (%(who)s) without written consent on file "
                    "(R-RIGHT-3)."
                )
                % {
                    "parcel": enc.parcel.name,
                    "kind": enc.get_kind_display(),
                    "who": enc.counterparty,
                }
            )
    return problems


def floor_total_fen(right, parcels, term_start: dt.date, term_end: dt.date) -> int | None:
    """R-STORE-5: the sum of the parcels' fixed floors over the term (None: no floor applies)."""
    if right is None or right.right_type != RightType.STORED_LAND:
        return None
    for hook in FLOOR_TOTALS:
        total = hook(right, parcels, term_start, term_end)
        if total is not None:
            return total
    return None


def floor_problems(listing, parcels=None) -> list[str]:
    """R-STORE-5: a stored-land listing's total at its price is never below the sum of its
    parcels' fixed floors for the listing term."""
    parcels = list(listing.parcels.all()) if parcels is None else parcels
    floor = floor_total_fen(listing.right, parcels, listing.term_start, listing.term_end)
    if floor is None:
        return []
    actual = total_value_fen(listing)
    if actual < floor:
        return [
            _(
                "Listing price: %(actual)s yuan over the term is below the sum of the parcels' "
                "fixed floor prices for the term, %(floor)s yuan (R-STORE-5)."
            )
            % {"actual": Decimal(actual) / 100, "floor": Decimal(floor) / 100}
        ]
    return []


def term_problems(right, term_start: dt.date, term_end: dt.date) -> list[str]:
    """R-RIGHT-4: the transfer term ends no later than the underlying right."""
    problems = []
    if term_end <= term_start:
        problems.append(_("Term ends: must be after the start (R-LIST-2)."))
    if term_end > right.ends_on:
        problems.append(
            _(
                "Term ends: %(end)s is beyond the end of the contract right on %(right_end)s "
                "(R-RIGHT-4)."
            )
            % {"end": cn_date_text(term_end), "right_end": cn_date_text(right.ends_on)}
        )
    if term_start < right.starts_on:
        problems.append(
            _("Term starts: %(start)s is before the right starts on %(right_start)s.")
            % {"start": cn_date_text(term_start), "right_start": cn_date_text(right.starts_on)}
        )
    return problems


def valuation_report_problems(listing) -> list[str]:
    """R-LIST-3: a valuation report is attached (never skipped)."""
    if getattr(listing, "valuation_report_id", None) is None:
        return [
            _("Valuation report: none attached; a listing is approved only with one (R-LIST-3).")
        ]
    return []


def price_problems(listing) -> list[str]:
    """R-LIST-4: listing price ≥ the valuation's reference price × factor."""
    report = getattr(listing, "valuation_report", None)
    if report is None:
        return [_("Listing price: cannot be compared without a valuation report (R-LIST-4).")]
    reference = report.reference_price_per_mu_year_fen
    floor = round_fen(Decimal(reference) * price_factor(listing))
    actual = price_per_mu_year_fen(listing)
    if actual is None or actual < floor:
        return [
            _(
                "Listing price: %(actual)s yuan per mu per year is below the reference price "
                "%(reference)s × %(factor)s = %(floor)s yuan (R-LIST-4)."
            )
            % {
                "actual": Decimal(actual or 0) / 100,
                "reference": Decimal(reference) / 100,
                "factor": price_factor(listing),
                "floor": Decimal(floor) / 100,
            }
        ]
    return []


def entrustment_problems(listing) -> list[str]:
    """R-LIST-1: a household's listing filed by a station needs the entrustment and consent."""
    if not listing.transferor_household_id:
        return []
    ent = listing.entrustment
    if ent is None:
        return [_("Entrustment: no signed entrustment uploaded (R-LIST-1).")]
    problems = []
    if ent.household_id != listing.transferor_household_id:
        problems.append(_("Entrustment: signed by another household (R-LIST-1)."))
    if not ent.consented_at or not ent.consent_method:
        problems.append(_("Entrustment: the household's consent is not recorded (R-LIST-1)."))
    if ent.valid_until < timezone.localdate():
        problems.append(_("Entrustment: expired (R-LIST-1)."))
    return problems


def review_checks(listing: Listing) -> list[CheckResult]:
    """Every automatic check, in the order staff read them."""
    parcels = list(listing.parcels.all())
    results = [
        CheckResult(
            "R-LIST-1",
            _("Entrustment and consent"),
            not (p := entrustment_problems(listing)),
            "entrustment",
            p,
        ),
        CheckResult(
            "R-RIGHT-3",
            _("No encumbrance without consent"),
            not (
                p := encumbrance_problems(
                    parcels, listing.term_start, listing.term_end, right=listing.right
                )
            ),
            "parcels",
            p,
        ),
        CheckResult(
            "R-RIGHT-4",
            _("Term within the contract right"),
            not (p := term_problems(listing.right, listing.term_start, listing.term_end)),
            "term_end",
            p,
        ),
        CheckResult(
            "R-RIGHT-5",
            _("Agricultural use allowed on every parcel"),
            not (p := use_problems(parcels, listing.permitted_use)),
            "permitted_use",
            p,
        ),
        CheckResult(
            "R-LIST-3",
            _("Valuation report attached"),
            not (p := valuation_report_problems(listing)),
            "valuation_report",
            p,
        ),
        CheckResult(
            "R-LIST-4",
            _("Listing price not below the reference price × factor"),
            not (p := price_problems(listing)),
            "listing_price",
            p,
        ),
    ]
    if listing.right_type == RightType.STORED_LAND:
        results.append(
            CheckResult(
                "R-STORE-5",
                _("Start price not below the parcels' fixed floor prices"),
                not (p := floor_problems(listing, parcels)),
                "listing_price",
                p,
            )
        )
    return results


def announcement_minimum(land_class: str, on: dt.date, *, county=None, right_type="") -> int:
    """R-LIST-5: at least 5 working days for arable land announced 1 Mar–1 May, else 7
    (the rulebook's numbers for the county and right type)."""
    spring = dt.date(on.year, 3, 1) <= on <= dt.date(on.year, 5, 1)
    if spring and land_class in ARABLE:
        return conf.get(conf.ANNOUNCEMENT_MIN_SPRING, county=county)
    return conf.get(conf.ANNOUNCEMENT_MIN, county=county, right_type=right_type)
