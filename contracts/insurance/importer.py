"""Import policies from the insurer's household list (分户清单, XLSX), like the parcel import.

One row per insured parcel; rows with the same policy number make one policy. All or nothing:
every row is checked first; one bad row and nothing is written, and the report lists every bad
row with its line and reason. Columns (Chinese or English headers): 保单号 policy_number,
林权证号 certificate, 地块代码 parcel_code, 投保面积 insured_mu, 身份证号 id_number (holder),
份额 share (optional; "1/3", "0.5"; empty = the right's registered shares), 保险起期 starts_on,
保险止期 ends_on.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db import transaction
from django.utils.translation import gettext as _

from listings.models import Parcel, Right
from marketplace.choices import RightType
from marketplace.errors import DomainError
from marketplace.models import Household

from .models import InsurancePolicy

COLUMNS = {
    "policy_number": ["policy_number", "保单号"],
    "certificate": ["certificate", "林权证号", "林权证编号"],
    "parcel_code": ["parcel_code", "地块代码", "地块编码"],
    "insured_mu": ["insured_mu", "投保面积", "投保面积（亩）"],
    "id_number": ["id_number", "身份证号", "身份证号码"],
    "share": ["share", "份额"],
    "starts_on": ["starts_on", "保险起期"],
    "ends_on": ["ends_on", "保险止期"],
}
REQUIRED = ("policy_number", "certificate", "parcel_code", "insured_mu", "id_number")
# How the reports name a column: by its heading in the household list (the first Chinese one
# above), never by the code's canonical name, which the insurer never sees.
HEADINGS = {canon: aliases[1] for canon, aliases in COLUMNS.items()}


def _headings(columns) -> str:
    return "、".join(HEADINGS[c] for c in columns)


class ImportFormatError(ValueError):
    """Not an Excel workbook, or its header lacks required columns."""


@dataclass
class RowError:
    line: int
    code: str
    reason: str

    def as_dict(self):
        return {"line": self.line, "code": self.code, "reason": self.reason}


@dataclass
class ImportResult:
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise ImportFormatError(_("File: not an Excel workbook (.xlsx)."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFormatError(_("File: not an Excel workbook (.xlsx).")) from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    lookup = {a.lower(): canon for canon, aliases in COLUMNS.items() for a in aliases}
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFormatError(_("File: empty.")) from None
    mapping = {
        i: lookup[str(t or "").strip().lower()]
        for i, t in enumerate(header)
        if str(t or "").strip().lower() in lookup
    }
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        raise ImportFormatError(
            _("File: the header lacks the column(s) %(cols)s.") % {"cols": _headings(missing)}
        )
    out = []
    for line, row in enumerate(rows, start=2):
        if any(cell not in (None, "") for cell in row):
            out.append((line, {mapping[i]: v for i, v in enumerate(row) if i in mapping}))
    book.close()
    return out


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(_text(value))


def _row(line, row, policies):
    """Check one row; add it to its policy group. Returns the row's problems."""
    number = _text(row.get("policy_number"))
    problems = []
    right = Right.objects.filter(certificate_number=_text(row.get("certificate"))).first()
    if right is None or right.right_type != RightType.FOREST:
        problems.append(_("Forest right: no forest right has this certificate number (R-INS-1)."))
    parcel = Parcel.objects.filter(code=_text(row.get("parcel_code"))).first()
    if parcel is None or (right and not right.parcels.filter(pk=parcel.pk).exists()):
        problems.append(_("Parcel code: not a parcel of this forest right (R-INS-1)."))
    try:
        mu = Decimal(_text(row.get("insured_mu")))
        if not mu > 0 or (parcel and mu > parcel.area_mu):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        mu = None
        problems.append(_("Insured area: a positive number of mu, at most the parcel's area."))
    household = Household.objects.filter(id_number=_text(row.get("id_number")).upper()).first()
    if household is None:
        problems.append(_("ID number: no registered household has this ID number."))
    share = _text(row.get("share"))
    try:
        share = Fraction(share) if share else None
    except (ValueError, ZeroDivisionError):
        problems.append(_("Share: a fraction such as 1/3 or 0.5."))
    try:
        starts_on, ends_on = _date(row.get("starts_on")), _date(row.get("ends_on"))
        if ends_on <= starts_on:
            raise ValueError
    except (TypeError, ValueError):
        starts_on = ends_on = None
        problems.append(
            _("Cover period: start and end dates (YYYY-MM-DD), the end after the start.")
        )
    if number and InsurancePolicy.objects.filter(number=number).exists():
        problems.append(_("Policy number: already recorded."))
    group = policies.setdefault(number, {"line": line, "right": right, "rows": []})
    if right and group["right"] and group["right"].pk != right.pk:
        problems.append(_("Policy number: its rows name different forest rights."))
    if not problems:
        group["rows"].append((parcel, mu, household, share, starts_on, ends_on))
    return problems


def _holders(group):
    """[(household, share text)] of a policy group; shares add up to 1 (R-INS-5)."""
    shares = {}
    for _p, _mu, household, share, *_d in group["rows"]:
        shares.setdefault(household, share)
    if all(s is None for s in shares.values()):
        count = len(shares)
        return [(h, str(Fraction(1, count))) for h in shares]
    if any(s is None for s in shares.values()) or sum(shares.values()) != 1:
        return None
    return [(h, str(s)) for h, s in shares.items()]


def check_rows(rows, progress: Callable[[int, int], None] | None = None):
    policies, errors = {}, []
    for index, (line, row) in enumerate(rows, start=1):
        missing = [c for c in REQUIRED if not _text(row.get(c))]
        if missing:
            errors.append(
                RowError(line, "", _("Missing value(s): %(cols)s.") % {"cols": _headings(missing)})
            )
        else:
            code = _text(row.get("parcel_code"))
            errors.extend(RowError(line, code, p) for p in _row(line, row, policies))
        if progress and (index % 50 == 0 or index == len(rows)):
            progress(index, len(rows))
    for number, group in policies.items():
        if group["rows"] and _holders(group) is None:
            errors.append(
                RowError(
                    group["line"],
                    number,
                    _("Share: the holders' shares must add up to 1 (R-INS-5)."),
                )
            )
    return policies, errors


def import_policies(data: bytes, *, insurer, actor=None, progress=None) -> ImportResult:
    """Check every row; write all the policies in one transaction, or none."""
    from .services import policy_create

    rows = read_rows(data)
    result = ImportResult(total=len(rows))
    policies, result.errors = check_rows(rows, progress)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for number, group in policies.items():
                first = group["rows"][0]
                policy_create(
                    insurer=insurer,
                    right=group["right"],
                    number=number,
                    starts_on=first[4],
                    ends_on=first[5],
                    parcels=[(p, mu) for p, mu, *_rest in group["rows"]],
                    holders=_holders(group),
                    actor=actor,
                )
    except DomainError as exc:  # a rule only the service knows (e.g. rulebook shares)
        result.errors = [RowError(0, "", str(exc.message))]
        return result
    result.imported = len(policies)
    return result
