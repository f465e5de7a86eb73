"""Import parcels from exports of the land-certification database (CSV, XLSX, GeoJSON).

All or nothing: every row is checked first; one bad row and nothing is written, and the report
lists every bad row with its line number and reason. Columns: docs/import.md.
"""

import contextlib
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.choices import AgeClass, ForestClass, LandClass
from marketplace.models import Village

from .models import Parcel
from .registry import parcel_errors, parse_area

# canonical name -> accepted headers (English, Chinese, land-certification field codes)
COLUMNS = {
    "code": ["code", "parcel_code", "地块代码", "地块编码", "DKBM"],
    "name": ["name", "地块名称", "DKMC"],
    "area_mu": ["area_mu", "面积", "面积（亩）", "面积(亩)", "合同面积", "HTMJM"],
    "land_class": ["land_class", "地类", "土地类型", "DLDJ"],
    "basic_farmland": ["basic_farmland", "是否基本农田", "永久基本农田", "SFJBNT"],
    "boundary_east": ["boundary_east", "东至", "DKDZ"],
    "boundary_south": ["boundary_south", "南至", "DKNZ"],
    "boundary_west": ["boundary_west", "西至", "DKXZ"],
    "boundary_north": ["boundary_north", "北至", "DKBZ"],
    "geometry": ["geometry", "geojson", "坐标", "图形"],
    "forest_class": ["forest_class", "林种", "森林类别"],
    "dominant_species": ["dominant_species", "优势树种"],
    "age_class": ["age_class", "龄组"],
    "stock_volume_m3": ["stock_volume_m3", "蓄积量", "蓄积"],
}
REQUIRED = ("code", "name", "area_mu", "land_class")
# How the reports name a required column: by its heading in the land-certification export (the
# canonical names above are the code's, which the user never sees).
HEADINGS = {"code": "地块代码", "name": "地块名称", "area_mu": "面积", "land_class": "地类"}


def _headings(columns) -> str:
    return "、".join(HEADINGS.get(c, c) for c in columns)


LAND_CLASS_NAMES = {
    "水田": LandClass.PADDY,
    "旱地": LandClass.DRY_LAND,
    "园地": LandClass.GARDEN,
    "林地": LandClass.FOREST_LAND,
    "其他": LandClass.OTHER,
    "其它": LandClass.OTHER,
}
FOREST_CLASS_NAMES = {"公益林": ForestClass.PUBLIC_WELFARE, "商品林": ForestClass.COMMERCIAL}
AGE_CLASS_NAMES = {
    "幼龄林": AgeClass.YOUNG,
    "中龄林": AgeClass.MIDDLE,
    "近熟林": AgeClass.NEAR_MATURE,
    "成熟林": AgeClass.MATURE,
    "过熟林": AgeClass.OVER_MATURE,
}
TRUE_WORDS = {"1", "是", "y", "yes", "true", "t"}
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".geojson": "geojson", ".json": "geojson"}


class ImportFormatError(ValueError):
    """The file is not what its name claims, or its header misses required columns."""


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
    warnings: list[RowError] = field(default_factory=list)
    imported: int = 0
    dry_run: bool = False

    @property
    def ok(self):
        return not self.errors


# ---------------------------------------------------------------- reading


def file_format(name: str, head: bytes) -> str:
    """The format from the name, confirmed by the content (never by the extension alone)."""
    kind = FORMATS.get(Path(name).suffix.lower())
    if kind is None:
        raise ImportFormatError(
            _("File: %(name)s is not a CSV, XLSX or GeoJSON file.") % {"name": name}
        )
    if kind == "xlsx" and not head.startswith(b"PK\x03\x04"):
        raise ImportFormatError(_("File: called .xlsx but it is not an Excel workbook."))
    if kind != "xlsx" and (head.startswith(b"PK\x03\x04") or b"\x00" in head[:4096]):
        raise ImportFormatError(
            _("File: called %(ext)s but it is a binary file, not text.")
            % {"ext": Path(name).suffix.lower()}
        )
    if kind == "geojson" and not head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{"):
        raise ImportFormatError(_("File: called GeoJSON but it does not contain a JSON object."))
    return kind


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError(_("File: the text is neither UTF-8 nor GB18030 encoded."))


def _header_map(header) -> dict[int, str]:
    lookup = {alias.lower(): canon for canon, aliases in COLUMNS.items() for alias in aliases}
    mapping = {}
    for index, title in enumerate(header):
        canon = lookup.get(str(title or "").strip().lower())
        if canon:
            mapping[index] = canon
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        raise ImportFormatError(
            _("File: the header lacks the column(s) %(cols)s (see docs/import.md).")
            % {"cols": _headings(missing)}
        )
    return mapping


def _rows_csv(data: bytes) -> Iterator[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        mapping = _header_map(next(reader))
    except StopIteration:
        raise ImportFormatError(_("File: empty.")) from None
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        yield reader.line_num, {mapping[i]: v for i, v in enumerate(row) if i in mapping}


def check_xlsx_archive(name: str, source) -> None:
    """Refuse a workbook whose uncompressed size or compression ratio is too large (a "zip
    bomb": a few MB that openpyxl would inflate to gigabytes). Reads the archive's directory
    only. `source` is bytes or a binary file; limits: settings `IMPORT_XLSX_MAX_UNCOMPRESSED_MB`
    and `IMPORT_XLSX_MAX_RATIO`."""
    limit = getattr(settings, "IMPORT_XLSX_MAX_UNCOMPRESSED_MB", 200) * 1024 * 1024
    max_ratio = getattr(settings, "IMPORT_XLSX_MAX_RATIO", 200)
    fh = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        with zipfile.ZipFile(fh) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFormatError(_("File: called .xlsx but it is not an Excel workbook.")) from None
    finally:
        if not isinstance(source, bytes | bytearray):
            source.seek(0)
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > limit or total / packed > max_ratio or worst > max_ratio:
        raise ImportFormatError(
            _(
                "File: %(name)s unpacks to %(size)s MB (%(ratio)s times its size); at most "
                "%(limit)s MB and %(max_ratio)s times are accepted. Save it again in Excel or "
                "split it."
            )
            % {
                "name": name,
                "size": total // (1024 * 1024),
                "ratio": int(max(total / packed, worst)),
                "limit": limit // (1024 * 1024),
                "max_ratio": max_ratio,
            }
        )


def _rows_xlsx(data: bytes, name: str = "") -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    check_xlsx_archive(name, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFormatError(_("File: called .xlsx but it is not an Excel workbook.")) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        mapping = _header_map(next(rows))
    except StopIteration:
        raise ImportFormatError(_("File: empty.")) from None
    for line, row in enumerate(rows, start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        yield (
            line,
            {mapping[i]: "" if v is None else str(v) for i, v in enumerate(row) if i in mapping},
        )
    book.close()


def _rows_geojson(data: bytes) -> Iterator[tuple[int, dict]]:
    try:
        doc = json.loads(_decode(data))
    except ValueError:
        raise ImportFormatError(_("File: called GeoJSON but it is not valid JSON.")) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ImportFormatError(_("File: a GeoJSON FeatureCollection is expected."))
    lookup = {alias.lower(): canon for canon, aliases in COLUMNS.items() for alias in aliases}
    for number, feature in enumerate(doc.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        row = {
            lookup[k.lower()]: ("" if v is None else str(v))
            for k, v in props.items()
            if k.lower() in lookup
        }
        row["geometry"] = (feature or {}).get("geometry")
        yield number, row


def read_rows(name: str, data: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: text}) for every data row; GeoJSON counts features from 1."""
    kind = file_format(name, data[:8192])
    if kind == "xlsx":
        return list(_rows_xlsx(data, Path(name).name))
    reader = {"csv": _rows_csv, "geojson": _rows_geojson}[kind]
    return list(reader(data))


# ---------------------------------------------------------------- checking and writing


def _choice(value, names, values):
    value = (value or "").strip()
    return names.get(value, value if value in values else value)


def _build(row: dict, village) -> Parcel:
    code = row["code"].strip()
    land_class = _choice(row.get("land_class"), LAND_CLASS_NAMES, LandClass.values)
    volume = parse_area(row.get("stock_volume_m3")) if row.get("stock_volume_m3") else None
    geometry = row.get("geometry") or None
    if isinstance(geometry, str):
        with contextlib.suppress(ValueError):  # kept as text: the polygon check reports it
            geometry = json.loads(geometry)
    return Parcel(
        code=code,
        village=village,
        group_code=code[12:14],
        name=(row.get("name") or "").strip()[:100],
        area_mu=parse_area(row.get("area_mu")) or Decimal(0),
        land_class=land_class,
        is_basic_farmland=(row.get("basic_farmland") or "").strip().lower() in TRUE_WORDS,
        boundary_east=(row.get("boundary_east") or "").strip()[:100],
        boundary_south=(row.get("boundary_south") or "").strip()[:100],
        boundary_west=(row.get("boundary_west") or "").strip()[:100],
        boundary_north=(row.get("boundary_north") or "").strip()[:100],
        geometry=geometry,
        forest_class=_choice(row.get("forest_class"), FOREST_CLASS_NAMES, ForestClass.values),
        dominant_species=(row.get("dominant_species") or "").strip()[:50],
        age_class=_choice(row.get("age_class"), AGE_CLASS_NAMES, AgeClass.values),
        stock_volume_m3=volume,
    )


def _existing_codes(codes: list[str]) -> set[str]:
    found = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(Parcel.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


def check_rows(rows, progress: Callable[[int, int], None] | None = None):
    """(parcels to write, errors, warnings): every row checked, every problem reported."""
    villages = {v.full_code: v for v in Village.objects.select_related("township__county").all()}
    codes = [str(r.get("code") or "").strip() for _line, r in rows]
    existing = _existing_codes([c for c in codes if c])
    seen: dict[str, int] = {}
    parcels, errors, warnings = [], [], []
    for index, (line, row) in enumerate(rows, start=1):
        code = str(row.get("code") or "").strip()
        problems = _row_problems(row, code, villages, existing, seen, line)
        if problems:
            errors.extend(RowError(line, code, p) for p in problems)
        else:
            parcel = _build(row, villages[code[:12]])
            parcels.append(parcel)
            warnings.extend(RowError(line, code, w) for w in parcel.warnings)
        if code and code not in seen:
            seen[code] = line
        if progress and (index % 250 == 0 or index == len(rows)):
            progress(index, len(rows))
    return parcels, errors, warnings


def _row_problems(row, code, villages, existing, seen, line) -> list[str]:
    missing = [c for c in REQUIRED if not str(row.get(c) or "").strip()]
    if missing:
        return [_("Missing value(s): %(cols)s.") % {"cols": _headings(missing)}]
    problems = []
    village = villages.get(code[:12]) if len(code) == 19 and code.isdigit() else None
    if len(code) == 19 and code.isdigit() and village is None:
        problems.append(
            _("Village: no registered village has the code %(prefix)s (unknown village).")
            % {"prefix": code[:12]}
        )
    if code in seen:
        problems.append(
            _("Parcel code: duplicate of line %(line)s in this file.") % {"line": seen[code]}
        )
    elif code in existing:
        problems.append(_("Parcel code: duplicate, this code is already registered."))
    draft = _build(row, village)
    errors = parcel_errors(
        code=code,
        village=village,
        area_mu=row.get("area_mu"),
        land_class=draft.land_class,
        geometry=draft.geometry,
        forest_class=draft.forest_class,
        age_class=draft.age_class,
    )
    problems.extend(errors.values())
    return problems


def import_parcels(
    name: str,
    data: bytes,
    *,
    dry_run=False,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check every row; write all of them in one transaction, or none when any row is bad."""
    rows = read_rows(name, data)
    result = ImportResult(total=len(rows), dry_run=dry_run)
    parcels, result.errors, result.warnings = check_rows(rows, progress)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        Parcel.objects.bulk_create(parcels, batch_size=500)
        audit.record(
            action="parcels.imported",
            actor=actor,
            payload={"file": name, "count": len(parcels)},
        )
    result.imported = len(parcels)
    return result
