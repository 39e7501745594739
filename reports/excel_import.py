"""Reading an annex workbook back into a document: check the file, find the table by its labels,
match commune names, and show every change before one transaction writes it.

The file is refused before openpyxl sees it when it is too large, not a zip (an encrypted
workbook is an OLE file), or would inflate beyond a limit (a zip bomb): the sizes come from the
zip directory, and Python's zipfile never inflates a member beyond its declared size.
"""

import datetime as dt
import difflib
import hashlib
import io
import json
import re
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from communes.bulk import update_in_bulk
from communes.models import ChangeRecord, Unit, UnitAlias
from communes.names import fold, name_key
from communes.numbers import NumberError, parse_count, parse_rate
from targets.models import Comparison, FigureKind, ReportedFigure, Target, TargetDocument
from targets.units import document_units

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 2000
MAX_RATIO = 100  # deflate rarely beats 100:1 on real sheets; bombs reach 1000:1
HEADER_ROWS, HEADER_COLUMNS, MAX_ROWS = 40, 80, 3000
SESSION_KEY = "excel_imports"
RESULT, PLAN = "result", "plan"
FIELD_LABELS = {
    "population": gettext_noop("Dân số"),
    "enrolled": gettext_noop("Số người tham gia BHYT"),
    "rate": gettext_noop("Tỷ lệ bao phủ"),
}


class ImportRefused(Exception):
    """The file or the choices cannot be imported; every message is shown, nothing is written."""

    def __init__(self, errors):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


def max_megabytes() -> int:
    return settings.IMPORT_MAX_BYTES // (1024 * 1024)


def max_unzipped_bytes() -> int:
    # openpyxl holds a whole sheet in memory (merged cells need it): a real annex inflates to
    # well under 1 MB, so four times the upload limit is generous.
    return getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", 4 * settings.IMPORT_MAX_BYTES)


def body_too_large(content_length: str | None) -> bool:
    """A request body that cannot hold a workbook under the limit (the form adds a few kB)."""
    try:
        return int(content_length or 0) > settings.IMPORT_MAX_BYTES + 64 * 1024
    except ValueError:
        return False


# -- the file -----------------------------------------------------------------------------------


def check_container(data: bytes) -> None:
    """Refuse what is not a plain .xlsx before any XML is parsed."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(_("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": max_megabytes()})
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportRefused(_("Tệp được bảo vệ bằng mật khẩu: hãy mở bằng Excel, bỏ mật khẩu rồi tải lên lại."))
        raise ImportRefused(_("Tệp Excel 97–2003 (.xls) chưa đọc được: hãy mở bằng Excel và lưu lại dạng .xlsx."))
    if not data.startswith(ZIP_MAGIC):
        raise ImportRefused(_("Tệp không phải bảng tính Excel (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_("Tệp bị hỏng, không mở được. Hãy lưu lại bằng Excel rồi tải lên lại."))
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("Tệp không phải bảng tính Excel (.xlsx)."))
    total = sum(m.file_size for m in members)
    inflated = any(m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if len(members) > MAX_MEMBERS or total > max_unzipped_bytes() or inflated:
        raise ImportRefused(_("Tệp nén bất thường (giải nén ra quá lớn): không đọc để bảo vệ hệ thống."))


def open_workbook(data: bytes):
    check_container(data)
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise ImportRefused(_("Tệp bị hỏng hoặc không đúng định dạng .xlsx, không đọc được."))


# -- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    kind: str  # result | plan
    year: int
    population: int  # column numbers
    enrolled: int
    rate: int


@dataclass
class Layout:
    sheet: Worksheet
    name_column: int
    number_column: int | None
    first_row: int
    groups: list[Group]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class _Header:
    """Header cells with merged ranges resolved to their top-left value."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.ranges = list(sheet.merged_cells.ranges)

    def merged(self, row: int, column: int):
        for cell_range in self.ranges:
            if cell_range.min_row <= row <= cell_range.max_row and cell_range.min_col <= column <= cell_range.max_col:
                return cell_range
        return None

    def text(self, row: int, column: int) -> str:
        cell_range = self.merged(row, column)
        if cell_range is not None:
            row, column = cell_range.min_row, cell_range.min_col
        return _text(self.sheet.cell(row=row, column=column).value)


def _is_name_header(folded: str) -> bool:
    if folded.startswith("don vi tinh"):  # "Đơn vị tính: người" above a table is not a header
        return False
    return folded.startswith(("ten xa", "ten don vi", "xa, thi tran", "don vi")) or folded in ("xa", "ten")


def find_layout(sheet: Worksheet) -> Layout | None:
    """The annex table on this sheet, found by its labels; None when the sheet has none.

    Raises ImportRefused when the table is there but a column is missing."""
    header = _Header(sheet)
    rows = min(sheet.max_row, HEADER_ROWS)
    columns = min(sheet.max_column, HEADER_COLUMNS)
    first_error = None
    for row in range(1, rows + 1):
        for column in range(1, columns + 1):
            if _is_name_header(fold(_text(sheet.cell(row=row, column=column).value))):
                try:
                    return _layout_from(header, row, column, columns)
                except ImportRefused as error:
                    first_error = first_error or error  # a later cell may head the real table
    if first_error is not None:
        raise first_error
    return None


def _layout_from(header: _Header, name_row: int, name_column: int, columns: int) -> Layout:
    sheet = header.sheet
    number_column = None
    for column in range(1, columns + 1):
        if fold(header.text(name_row, column)) in ("tt", "stt", "so tt"):
            number_column = column
    for sub_row in range(name_row, name_row + 5):
        starts = [c for c in range(1, columns + 1)
                  if fold(_text(sheet.cell(row=sub_row, column=c).value)).startswith("dan so")]
        if starts:
            break
    else:
        raise ImportRefused(_("Thiếu cột “Dân số” dưới dòng tiêu đề “Tên xã, thị trấn”."))
    groups, errors = [], []
    for start in starts:
        try:
            groups.append(_group_at(header, name_row, sub_row, start, columns))
        except ImportRefused as error:
            errors += error.errors
    seen = set()
    for group in groups:
        if (group.kind, group.year) in seen:
            errors.append(_("Nhóm cột năm %(year)s xuất hiện hai lần.") % {"year": group.year})
        seen.add((group.kind, group.year))
    if errors:
        raise ImportRefused(errors)
    return Layout(sheet=sheet, name_column=name_column, number_column=number_column, first_row=sub_row + 1,
                  groups=groups)


def _group_at(header: _Header, name_row: int, sub_row: int, start: int, columns: int) -> Group:
    sheet = header.sheet
    found = {}
    for column in range(start + 1, min(start + 4, columns + 1)):
        label = fold(_text(sheet.cell(row=sub_row, column=column).value))
        if "tham gia" in label and "enrolled" not in found:
            found["enrolled"] = column
        elif label.startswith("ty le") and "rate" not in found:
            found["rate"] = column
    year, kind = None, None
    for row in range(sub_row - 1, max(name_row, sub_row - 4) - 1, -1):
        text = header.text(row, start)
        folded = fold(text)
        if kind is None and "ke hoach" in folded:
            kind = PLAN
        elif kind is None and ("ket qua" in folded or "thuc hien" in folded):
            kind = RESULT
        years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", text)]
        if year is None and years:
            year = years[0]
            if len(years) > 1:
                # "Kế hoạch năm 2022 – 2025" over several groups: the n-th group is the n-th year.
                cell_range = header.merged(row, start)
                first = cell_range.min_col if cell_range is not None else start
                year = years[0] + (start - first) // 3
                if year > years[-1]:
                    year = None
    column_name = sheet.cell(row=sub_row, column=start).column_letter
    if year is None:
        raise ImportRefused(_("Không xác định được năm của nhóm cột “Dân số” ở cột %(column)s.") % {"column": column_name})
    missing = [FIELD_LABELS[f] for f in ("enrolled", "rate") if f not in found]
    if missing:
        raise ImportRefused(_("Năm %(year)s: thiếu cột %(columns)s.") % {
            "year": year, "columns": ", ".join(f"“{m}”" for m in missing)})
    return Group(kind=kind or PLAN, year=year, population=start, enrolled=found["enrolled"], rate=found["rate"])


# -- the rows -----------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    line: int
    name: str
    number: int | None
    unit_id: int | None
    proposals: list[int]
    figures: dict[str, dict]  # "result:2021" / "plan:2022" -> {"population", "enrolled", "rate"}

    def to_session(self) -> dict:
        return {"line": self.line, "name": self.name, "number": self.number, "unit_id": self.unit_id,
                "proposals": list(self.proposals),
                "figures": {key: dict(values) for key, values in self.figures.items()}}


@dataclass
class Parsed:
    sheet: str
    groups: list[dict]
    rows: list[ParsedRow]
    assigned: dict[str, str]  # year -> rate as text ("96.05")
    notes: list[str] = field(default_factory=list)

    def to_session(self) -> dict:
        # Copied field by field: dataclasses.asdict deep-copies every leaf, and a JSON round trip on
        # top of it was a sixth of a 500-row preview. The values are already JSON's own types.
        return {"sheet": self.sheet, "groups": [dict(g) for g in self.groups],
                "rows": [row.to_session() for row in self.rows], "assigned": dict(self.assigned),
                "notes": list(self.notes)}

    @classmethod
    def from_session(cls, data: dict) -> "Parsed":
        rows = [ParsedRow(**row) for row in data["rows"]]
        return cls(sheet=data["sheet"], groups=data["groups"], rows=rows, assigned=data["assigned"],
                   notes=data.get("notes", []))


# `where` names the cell in a message. It is a callable, called only when there is a message: built
# for every cell of a 500-row workbook, the translated text was a tenth of the preview's time.
Where = Callable[[], str]


def _count(value, where: Where) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise ImportRefused(_("%(where)s: không phải là số.") % {"where": where()})
    if isinstance(value, (int, float)):
        if value < 0:
            raise ImportRefused(_("%(where)s: số người không được âm.") % {"where": where()})
        if value != int(value):
            raise ImportRefused(_("%(where)s: số người phải là số nguyên.") % {"where": where()})
        return int(value)
    try:
        return parse_count(_text(value).lstrip("'"))
    except NumberError as error:
        raise ImportRefused(f"{where()}: {error}")


def _rate(cell, where: Where) -> Decimal | None:
    value = cell.value
    if value is None or _text(value) == "":
        return None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = Decimal(repr(value))
            # A cell formatted as a percentage (or any fraction up to 1) holds 0.425 for 42,50%.
            if "%" in (cell.number_format or "") or number <= 1:
                number *= 100
            return parse_rate(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return parse_rate(_text(value).lstrip("'"))
    except NumberError as error:
        raise ImportRefused(f"{where()}: {error}")


def _field_where(where: Where, name: str) -> Where:
    return lambda: f"{where()}, {_(FIELD_LABELS[name]).lower()}"


def _read_group(sheet: Worksheet, row: int, group: Group, where: Where) -> dict | None:
    errors, values = [], {}
    for name in ("population", "enrolled"):
        try:
            values[name] = _count(sheet.cell(row=row, column=getattr(group, name)).value, _field_where(where, name))
        except ImportRefused as error:
            errors += error.errors
            values[name] = "error"
    try:
        rate = _rate(sheet.cell(row=row, column=group.rate), lambda: f"{where()}, {_('tỷ lệ')}")
        values["rate"] = None if rate is None else str(rate)
    except ImportRefused as error:
        errors += error.errors
        values["rate"] = "error"
    if errors:
        raise ImportRefused(errors)
    if all(v is None for v in values.values()):
        return None
    missing = [_(FIELD_LABELS[k]).lower() for k, v in values.items() if v is None]
    if missing:
        raise ImportRefused(_("%(where)s: thiếu %(what)s.") % {"where": where(), "what": ", ".join(missing)})
    if values["enrolled"] > values["population"]:
        raise ImportRefused(_("%(where)s: số người tham gia lớn hơn dân số.") % {"where": where()})
    return values


class Matcher:
    """Commune names to the document's units: by name key, then by known aliases."""

    def __init__(self, document: TargetDocument):
        self.units = {u.pk: u for u in document_units(document).select_related("parent")}
        self.keys: dict[str, set[int]] = {}
        for unit in self.units.values():
            self._add(name_key(unit.name), unit.pk)
            self._add(name_key(unit.full_name), unit.pk)
        for alias in UnitAlias.objects.filter(unit__in=self.units.keys()):
            self._add(alias.key, alias.unit_id)

    def _add(self, key: str, pk: int) -> None:
        if key:
            self.keys.setdefault(key, set()).add(pk)

    def match(self, name: str) -> int | None:
        found = self.keys.get(name_key(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def proposals(self, name: str) -> list[int]:
        """Closest units first (never taken without the user's confirmation)."""
        close = difflib.get_close_matches(name_key(name), list(self.keys), n=6, cutoff=0.5)
        ordered: list[int] = []
        for key in close:
            for pk in sorted(self.keys[key]):
                if pk not in ordered:
                    ordered.append(pk)
        return ordered[:3]


def _row_where(line: int, name: str, year: int) -> Where:
    return lambda: _("Dòng %(line)s (%(name)s), năm %(year)s") % {"line": line, "name": name, "year": year}


def parse_workbook(workbook, *, document: TargetDocument) -> Parsed:
    errors: list[str] = []
    layout, first_error = None, None
    for sheet in workbook.worksheets:
        try:
            layout = find_layout(sheet)
        except ImportRefused as error:
            # Another sheet may hold the annex (the "with actuals" workbook has it second).
            first_error = first_error or error
            continue
        if layout is not None:
            break
    if layout is None and first_error is not None:
        raise first_error
    if layout is None:
        raise ImportRefused(_("Không tìm thấy bảng phụ lục: cần các cột “Tên xã, thị trấn”, “Dân số”, "
                              "“Số người tham gia BHYT”, “Tỷ lệ bao phủ”."))
    matcher = Matcher(document)
    sheet = layout.sheet
    rows: list[ParsedRow] = []
    assigned: dict[str, str] = {}
    notes: list[str] = []
    for line in range(layout.first_row, min(sheet.max_row, layout.first_row + MAX_ROWS) + 1):
        name = _text(sheet.cell(row=line, column=layout.name_column).value).lstrip("'").strip()
        folded = fold(name)
        if folded.startswith(("tong cong", "tong so", "cong")) or folded == "tong":
            notes.append(_("Dòng %(line)s (Tổng cộng) không được nhập: tổng luôn được tính lại từ các dòng.") % {
                "line": line})
            continue
        if "tinh giao" in folded:
            for group in layout.groups:
                try:
                    rate = _rate(sheet.cell(row=line, column=group.rate), _row_where(line, name, group.year))
                except ImportRefused as error:
                    errors += error.errors
                    continue
                if rate is not None:
                    assigned[str(group.year)] = str(rate)
            continue
        figures = {}
        for group in layout.groups:
            try:
                values = _read_group(sheet, line, group, _row_where(line, name or "?", group.year))
            except ImportRefused as error:
                errors += error.errors
                continue
            if values is not None:
                figures[f"{group.kind}:{group.year}"] = values
        if not figures:
            continue  # a blank line, a note under the table, or a commune left empty
        if not name:
            errors.append(_("Dòng %(line)s có số nhưng thiếu tên xã.") % {"line": line})
            continue
        unit_id = matcher.match(name)
        number = sheet.cell(row=line, column=layout.number_column).value if layout.number_column else None
        rows.append(ParsedRow(
            line=line, name=name, number=number if isinstance(number, int) and 0 < number < 10000 else None,
            unit_id=unit_id, proposals=[] if unit_id else matcher.proposals(name), figures=figures,
        ))
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused(_("Bảng phụ lục không có dòng số liệu nào của các xã."))
    groups = [asdict(g) for g in layout.groups]
    return Parsed(sheet=sheet.title, groups=groups, rows=rows, assigned=assigned, notes=notes)


def read_upload(upload, *, document: TargetDocument) -> Parsed:
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(_("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": max_megabytes()})
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    return parse_workbook(open_workbook(data), document=document)


def read_bytes(data: bytes, *, document: TargetDocument) -> Parsed:
    return parse_workbook(open_workbook(data), document=document)


# -- the changes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # result | plan | assigned
    unit_id: int
    unit_label: str
    year: int
    field: str  # population | enrolled | rate
    old: object
    new: object

    @property
    def field_label(self) -> str:
        return _(FIELD_LABELS[self.field])

    @property
    def kind_label(self) -> str:
        return {RESULT: _("Kết quả thực hiện"), PLAN: _("Kế hoạch"), "assigned": _("UBND tỉnh giao")}[self.kind]


@dataclass
class Unresolved:
    row: ParsedRow
    proposals: list[Unit]
    choice: int | None


@dataclass
class Preview:
    changes: list[Change]
    unresolved: list[Unresolved]
    errors: list[str]
    unchanged: int
    rows: int
    notes: list[str]
    units: list[Unit]
    fingerprint: str = ""

    @property
    def can_apply(self) -> bool:
        return not self.unresolved_open and not self.errors

    @property
    def unresolved_open(self) -> list[Unresolved]:
        return [u for u in self.unresolved if u.choice is None]


def _resolved_unit(row: ParsedRow, confirmed: dict[str, int]) -> int | None:
    return row.unit_id or confirmed.get(str(row.line))


def _stored(rows, fields: dict[str, str]) -> dict[tuple[int, int], dict]:
    """(unit, year) -> the stored values under the import's field names. Plain values, not model
    instances: a 500-commune plan holds some 2.000 rows, and building models was a fifth of a preview."""
    columns = list(fields.values())
    return {(unit_id, year): dict(zip(fields, values, strict=True))
            for unit_id, year, *values in rows.values_list("unit_id", "year", *columns)}


def _current(document: TargetDocument, unit_ids) -> tuple[dict, dict]:
    figures = _stored(ReportedFigure.objects.filter(document=document, kind=FigureKind.YEAR_RESULT, is_plan=False,
                                                    unit__in=unit_ids), RESULT_FIELDS)
    targets = _stored(Target.objects.filter(document=document), PLAN_FIELDS)
    return figures, targets


def _diff(stored: dict | None, new_values: dict) -> list[tuple[str, object, object]]:
    out = []
    for name in ("population", "enrolled", "rate"):
        old = stored[name] if stored is not None else None
        new = new_values[name]
        new = Decimal(new) if name == "rate" and new is not None else new
        if old != new:
            out.append((name, old, new))
    return out


RESULT_FIELDS = {"population": "population", "enrolled": "enrolled", "rate": "rate"}
PLAN_FIELDS = {"population": "planned_population", "enrolled": "planned_enrolled", "rate": "rate"}


def preview(*, document: TargetDocument, parsed: Parsed, confirmed: dict[str, int]) -> Preview:
    units = {u.pk: u for u in document_units(document)}
    unresolved, errors, seen = [], [], {}
    for row in parsed.rows:
        if row.unit_id is None:
            choice = confirmed.get(str(row.line))
            unresolved.append(Unresolved(row=row, proposals=[units[p] for p in row.proposals if p in units],
                                         choice=choice))
        unit_id = _resolved_unit(row, confirmed)
        if unit_id is None:
            continue
        if unit_id in seen:
            errors.append(_("%(unit)s xuất hiện hai lần (dòng %(first)s và %(second)s).") % {
                "unit": units[unit_id].full_name, "first": seen[unit_id], "second": row.line})
        seen[unit_id] = row.line
    figures, targets = _current(document, list(seen))
    changes: list[Change] = []
    unchanged = 0
    for row in parsed.rows:
        unit_id = _resolved_unit(row, confirmed)
        if unit_id is None:
            continue
        label = units[unit_id].full_name
        for key, values in sorted(row.figures.items(), key=lambda kv: (kv[0].split(":")[1], kv[0])):
            kind, year = key.split(":")
            year = int(year)
            found = _diff((figures if kind == RESULT else targets).get((unit_id, year)), values)
            unchanged += 3 - len(found)
            changes += [Change(kind, unit_id, label, year, name, old, new) for name, old, new in found]
    for year, rate in sorted(parsed.assigned.items()):
        target = targets.get((document.scope_id, int(year)))
        old = target["rate"] if target else None
        if old != Decimal(rate):
            changes.append(Change("assigned", document.scope_id, document.scope.full_name, int(year), "rate", old,
                                  Decimal(rate)))
        else:
            unchanged += 1
    result = Preview(changes=changes, unresolved=unresolved, errors=errors, unchanged=unchanged,
                     rows=len(parsed.rows), notes=parsed.notes,
                     units=sorted(units.values(), key=lambda u: name_key(u.name)))
    result.fingerprint = fingerprint(changes, confirmed)
    return result


def fingerprint(changes: list[Change], confirmed: dict[str, int]) -> str:
    """What the user saw: applying refuses if the stored figures changed since the preview."""
    text = json.dumps([[c.kind, c.unit_id, c.year, c.field, str(c.old), str(c.new)] for c in changes]
                      + [sorted(confirmed.items())], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def read_confirmations(post, *, parsed: Parsed, document: TargetDocument) -> dict[str, int]:
    """The units the user chose for unknown names; only the document's communes are accepted."""
    allowed = set(document_units(document).values_list("pk", flat=True))
    confirmed = {}
    for row in parsed.rows:
        if row.unit_id is not None:
            continue
        value = post.get(f"unit_{row.line}", "")
        if not value:
            continue
        if not value.isdigit() or int(value) not in allowed:
            raise ImportRefused(_("Lựa chọn xã cho dòng %(line)s không hợp lệ.") % {"line": row.line})
        confirmed[str(row.line)] = int(value)
    return confirmed


def _as_record_value(name: str, value) -> int | None:
    """ChangeRecord keeps integers: rates in hundredths of a percent (42,50% → 4250)."""
    if value is None:
        return None
    return int(Decimal(value) * 100) if name == "rate" else int(value)


@transaction.atomic
def apply(*, document: TargetDocument, parsed: Parsed, confirmed: dict[str, int], expected: str, user,
          filename: str) -> int:
    """Write the previewed changes in one transaction and record each; returns how many."""
    TargetDocument.objects.select_for_update().get(pk=document.pk)  # one import per document at a time
    result = preview(document=document, parsed=parsed, confirmed=confirmed)
    if result.unresolved_open:
        raise ImportRefused(_("Còn tên xã chưa xác nhận: hãy chọn xã cho từng dòng được đánh dấu."))
    if result.errors:
        raise ImportRefused(result.errors)
    if result.fingerprint != expected:
        raise ImportRefused(_("Số liệu đã thay đổi kể từ lúc xem trước: hãy xem lại các thay đổi dưới đây."))
    rows = {_resolved_unit(r, confirmed): r for r in parsed.rows}
    note = _("Nhập Excel vào %(document)s – tệp %(file)s") % {"document": document, "file": filename[:200]}
    by_record: dict[tuple, list[Change]] = {}
    for change in result.changes:
        by_record.setdefault((change.kind, change.unit_id, change.year), []).append(change)
    writer = _ImportWriter(document, touched=by_record)
    records = []
    for (kind, unit_id, year), changes in by_record.items():
        new = {c.field: c.new for c in changes}
        row = rows.get(unit_id)
        if kind == RESULT:
            writer.result(unit_id, year, row, new)
        else:
            writer.target(unit_id, year, row, new, assigned=kind == "assigned")
        records += [
            ChangeRecord(unit_id=unit_id, period=dt.date(year, 1, 1), field=f"{kind}_{change.field}",
                         old_value=_as_record_value(change.field, change.old),
                         new_value=_as_record_value(change.field, change.new),
                         note=note[:500], channel="import", user=user)
            for change in changes
        ]
    writer.flush()
    ChangeRecord.objects.bulk_create(records)
    _learn_aliases(parsed, confirmed, note)
    return len(result.changes)


def _learn_aliases(parsed: Parsed, confirmed: dict[str, int], note: str) -> None:
    """The user confirmed these spellings: the next import recognises them."""
    confirmed_rows = [(row, confirmed.get(str(row.line))) for row in parsed.rows if row.unit_id is None]
    confirmed_rows = [(row, unit_id) for row, unit_id in confirmed_rows if unit_id]
    known = set(UnitAlias.objects.filter(unit_id__in={u for _, u in confirmed_rows}).values_list("unit_id", "key"))
    aliases = {}
    for row, unit_id in confirmed_rows:
        name = row.name[:100]
        key = name_key(name)  # as UnitAlias.save() keys it: from the stored (cut) name
        if (unit_id, key) not in known:
            aliases[(unit_id, key)] = UnitAlias(unit_id=unit_id, name=name, source=note[:200], key=key)
    # ignore_conflicts: another import learning the same spelling at the same moment is no error.
    UnitAlias.objects.bulk_create(aliases.values(), ignore_conflicts=True)


class _Staged:
    """One kind of the document's rows, read once: those to create, and those changed (each once,
    for one bulk UPDATE)."""

    def __init__(self, rows, key):
        self.rows = {key(row): row for row in rows}
        self.new, self.changed = [], {}

    def get(self, key, make):
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = make()
            self.new.append(row)
        elif row.pk is not None:
            self.changed[row.pk] = row
        return row

    def write(self, model, fields) -> None:
        model.objects.bulk_create(self.new)
        update_in_bulk(self.changed.values(), sorted(set(fields)))


class _ImportWriter:
    """The document's year results and plan rows the changes touch, read once, changed in memory and
    written in a few bulk statements: 500 rows cost the queries of 5. Values were validated by the
    preview; each target's changed fields are checked again here and the database enforces its
    constraints."""

    def __init__(self, document: TargetDocument, *, touched):
        self.document = document
        # Only the touched units and years are read (a superset of the touched pairs): an import
        # changing one year of a 4-year plan does not build model objects for the other three.
        units = {unit_id for _, unit_id, _ in touched}
        years = {year for _, _, year in touched}
        results = ReportedFigure.objects.filter(document=document, kind=FigureKind.YEAR_RESULT, is_plan=False,
                                                unit__in=units, as_of__in=[dt.date(y, 12, 31) for y in years])
        self.figures = _Staged(results, key=lambda f: (f.unit_id, f.as_of))
        targets = Target.objects.filter(document=document, unit__in=units, year__in=years)
        self.targets = _Staged(targets, key=lambda t: (t.unit_id, t.year))

    def result(self, unit_id: int, year: int, row: ParsedRow | None, new: dict) -> None:
        as_of = dt.date(year, 12, 31)
        figure = self.figures.get((unit_id, as_of), lambda: ReportedFigure(
            document=self.document, unit_id=unit_id, kind=FigureKind.YEAR_RESULT, is_plan=False, as_of=as_of,
            year=year, printed_name=row.name[:100] if row else "", row_number=row.number if row else None))
        for name, value in new.items():
            setattr(figure, RESULT_FIELDS[name], value)

    def target(self, unit_id: int, year: int, row: ParsedRow | None, new: dict, *, assigned: bool) -> None:
        target = self.targets.get((unit_id, year), lambda: Target(
            document=self.document, unit_id=unit_id, year=year, comparison=Comparison.AT_LEAST,
            wording="UBND tỉnh giao" if assigned else "",
            printed_name="" if assigned or row is None else row.name[:100],
            row_number=None if row is None else row.number))
        for name, value in new.items():
            setattr(target, PLAN_FIELDS[name], value)
        if target.pk is None:
            target.clean_fields(exclude=["document", "unit"])
        else:  # the other fields are as stored: checking them again for 1.000 rows cost a tenth of an apply
            changed = {PLAN_FIELDS[name] for name in new}
            target.clean_fields(exclude=[f.name for f in Target._meta.fields if f.name not in changed])
        target.clean()

    def flush(self) -> None:
        self.figures.write(ReportedFigure, RESULT_FIELDS.values())
        self.targets.write(Target, PLAN_FIELDS.values())


# -- between requests ---------------------------------------------------------------------------


@dataclass
class Pending:
    parsed: Parsed
    confirmed: dict[str, int]
    filename: str


def keep_pending(session, *, document: TargetDocument, parsed: Parsed, filename: str) -> str:
    """Keep the parsed rows server-side (in the session), under a random token: the browser holds
    only the token, so nothing it posts back can alter the figures."""
    token = secrets.token_urlsafe(16)
    imports = {k: v for k, v in session.get(SESSION_KEY, {}).items() if v["document"] != document.pk}
    imports[token] = {"document": document.pk, "filename": filename[:200], "parsed": parsed.to_session(),
                      "confirmed": {}}
    session[SESSION_KEY] = dict(list(imports.items())[-3:])
    return token


def pending(session, *, token: str, document: TargetDocument) -> Pending | None:
    entry = session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["document"] != document.pk:
        return None
    return Pending(parsed=Parsed.from_session(entry["parsed"]), confirmed=entry["confirmed"],
                   filename=entry["filename"])


def store_confirmations(session, *, token: str, confirmed: dict[str, int]) -> None:
    imports = session.get(SESSION_KEY, {})
    if token in imports:
        imports[token]["confirmed"] = confirmed
        session[SESSION_KEY] = imports


def forget_pending(session, *, token: str) -> None:
    imports = session.get(SESSION_KEY, {})
    imports.pop(token, None)
    session[SESSION_KEY] = imports
