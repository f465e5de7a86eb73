"""Validation of the rights registry (R-RIGHT-2): parcel codes, areas, polygons, forest attributes.

`parcel_errors(...)` returns {field: message} so the import, the forms and the model share one
set of rules; messages are translated and name the field and the rule.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from marketplace.choices import AgeClass, ForestClass, LandClass

from .geometry import GeometryError, area_warning, parse_polygon, round_mu


def parcel_code_error(code: str, village=None) -> str | None:
    """R-RIGHT-2: 19 digits = 6 county + 3 township + 3 village + 2 group + 5 serial."""
    code = (code or "").strip()
    if len(code) != 19 or not code.isdigit():
        return _(
            "Parcel code: a parcel code has exactly 19 digits (R-RIGHT-2); got “%(code)s”."
        ) % {"code": code}
    if village is not None and code[:12] != village.full_code:
        return _(
            "Parcel code: the first 12 digits (%(prefix)s) must be the village's county, township "
            "and village codes %(village)s (R-RIGHT-2)."
        ) % {"prefix": code[:12], "village": village.full_code}
    if code[12:14] == "00":
        return _("Parcel code: digits 13–14 are the villager group and cannot be 00 (R-RIGHT-2).")
    return None


def parse_area(value) -> Decimal | None:
    try:
        area = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return area if area.is_finite() else None


def parcel_errors(
    *,
    code,
    village,
    area_mu,
    land_class,
    geometry=None,
    forest_class="",
    age_class="",
) -> dict[str, str]:
    """Every rule a parcel breaks, as {field: message}; empty when it can be registered."""
    errors = {}
    code_error = parcel_code_error(code, village)
    if code_error:
        errors["code"] = code_error
    area = parse_area(area_mu)
    if area is None:
        errors["area_mu"] = _("Area: not a number.")
    elif area <= 0:
        errors["area_mu"] = _("Area: must be greater than 0 mu (R-RIGHT-2).")
    elif area != round_mu(area):
        errors["area_mu"] = _("Area: at most 4 decimals (R-RIGHT-2).")
    if land_class not in LandClass.values:
        errors["land_class"] = _("Land class: unknown land class “%(value)s”.") % {
            "value": land_class
        }
    if geometry:
        try:
            parse_polygon(geometry)
        except GeometryError as exc:
            errors["geometry"] = _("Polygon: %(reason)s") % {"reason": exc}
    if land_class == LandClass.FOREST_LAND:
        if forest_class not in ForestClass.values:
            errors["forest_class"] = _(
                "Forest class: forest land needs its forest class (public-welfare or commercial, "
                "R-RIGHT-2)."
            )
        if age_class and age_class not in AgeClass.values:
            errors["age_class"] = _("Stand age class: unknown value “%(value)s”.") % {
                "value": age_class
            }
    return errors


def parcel_warnings(parcel) -> list[str]:
    """What staff should look at but that does not refuse the parcel (R-RIGHT-2 area check)."""
    warning = area_warning(parcel.geometry, parcel.area_mu)
    return [warning] if warning else []
