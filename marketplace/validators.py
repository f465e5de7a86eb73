"""ID number and USCC validation through python-stdnum (no hand-written check digits)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError


def validate_id_number(value):
    """A valid 18-digit resident ID number (居民身份证号码) with a correct check digit."""
    try:
        ric.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Invalid resident ID number (%(reason)s): check the 18 characters."),
            code="invalid_id_number",
            params={"reason": _id_reason(exc)},
        ) from exc
    if len(ric.compact(value)) != 18:
        raise ValidationError(
            _("The resident ID number must have 18 characters."),
            code="invalid_id_number",
        )


def _id_reason(exc):
    name = type(exc).__name__
    return {
        "InvalidChecksum": _("Wrong check digit"),
        "InvalidLength": _("Wrong length"),
        "InvalidFormat": _("Wrong format"),
        "InvalidComponent": _("Wrong birth date or region"),
    }.get(name, _("Wrong format"))


def validate_uscc(value):
    """A valid unified social credit code (统一社会信用代码, GB 32100 check digit)."""
    try:
        uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Invalid unified social credit code (%(reason)s): check the 18 characters."),
            code="invalid_uscc",
            params={"reason": _id_reason(exc)},
        ) from exc


def birth_date(id_number):
    return ric.get_birth_date(id_number)


def age_on(id_number, on: date):
    born = birth_date(id_number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def uscc_organisation_type(code: str) -> str:
    """Positions 1-2 of a USCC (GB 32100): the registration authority and the organisation type
    under it, e.g. "91" an enterprise, "92" an individual business, "93" a farmers' cooperative
    (all registered with market regulation, authority 9); "" when there is no code."""
    return uscc.compact(code)[:2] if code else ""
