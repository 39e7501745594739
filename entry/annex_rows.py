"""An annex sheet's rows read into plain values: each commune's name and figures, each cell's
problem named by its line, year and column."""

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

from communes.names import fold
from communes.numbers import NumberError, parse_count, parse_rate
from targets.models import TargetDocument

from .annex_file import ImportRefused, max_megabytes, open_workbook
from .annex_layout import FIELD_LABELS, MAX_ROWS, Group, cell_text, find_layout
from .matching import Matcher


@dataclass
class ParsedRow:
    line: int
    name: str
    number: int | None
    unit_id: int | None
    proposals: list[int]
    figures: dict[str, dict]  # "result:2021" / "plan:2022" -> {"population", "enrolled", "rate"}

    def to_session(self) -> dict:
        return {
            "line": self.line,
            "name": self.name,
            "number": self.number,
            "unit_id": self.unit_id,
            "proposals": list(self.proposals),
            "figures": {key: dict(values) for key, values in self.figures.items()},
        }


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
        return {
            "sheet": self.sheet,
            "groups": [dict(g) for g in self.groups],
            "rows": [row.to_session() for row in self.rows],
            "assigned": dict(self.assigned),
            "notes": list(self.notes),
        }

    @classmethod
    def from_session(cls, data: dict) -> "Parsed":
        rows = [ParsedRow(**row) for row in data["rows"]]
        return cls(
            sheet=data["sheet"],
            groups=data["groups"],
            rows=rows,
            assigned=data["assigned"],
            notes=data.get("notes", []),
        )


# `where` names the cell in a message. It is a callable, called only when there is a message: built
# for every cell of a 500-row workbook, the translated text was a tenth of the preview's time.
Where = Callable[[], str]


def _count(value, where: Where) -> int | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, bool):
        raise ImportRefused(_("%(where)s: không phải là số.") % {"where": where()})
    if isinstance(value, (int, float)):
        if value < 0:
            raise ImportRefused(_("%(where)s: số người không được âm.") % {"where": where()})
        if isinstance(value, float) and not value.is_integer():  # 4179,5; and 1E999, a float's infinity
            raise ImportRefused(_("%(where)s: số người phải là số nguyên.") % {"where": where()})
        value = int(value)
    try:
        return parse_count(value if isinstance(value, int) else cell_text(value).lstrip("'"))
    except NumberError as error:
        raise ImportRefused(f"{where()}: {error}")


def _rate(cell, where: Where) -> Decimal | None:
    value = cell.value
    if value is None or cell_text(value) == "":
        return None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value) or abs(value) > 1000:  # no rate, and 1E300 is too long to round
                raise NumberError(_("Tỷ lệ phải từ 0 đến 100%."))
            number = Decimal(repr(value))
            # A cell formatted as a percentage (or any fraction up to 1) holds 0.425 for 42,50%.
            if "%" in (cell.number_format or "") or number <= 1:
                number *= 100
            return parse_rate(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return parse_rate(cell_text(value).lstrip("'"))
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
        raise ImportRefused(
            _(
                "Không tìm thấy bảng phụ lục: cần các cột “Tên xã, thị trấn”, “Dân số”, "
                "“Số người tham gia BHYT”, “Tỷ lệ bao phủ”."
            )
        )
    matcher = Matcher(document)
    sheet = layout.sheet
    rows: list[ParsedRow] = []
    assigned: dict[str, str] = {}
    notes: list[str] = []
    for line in range(layout.first_row, min(sheet.max_row, layout.first_row + MAX_ROWS) + 1):
        name = cell_text(sheet.cell(row=line, column=layout.name_column).value).lstrip("'").strip()
        folded = fold(name)
        if folded.startswith(("tong cong", "tong so", "cong")) or folded == "tong":
            notes.append(
                _("Dòng %(line)s (Tổng cộng) không được nhập: tổng luôn được tính lại từ các dòng.") % {"line": line}
            )
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
        rows.append(
            ParsedRow(
                line=line,
                name=name,
                number=number if isinstance(number, int) and 0 < number < 10000 else None,
                unit_id=unit_id,
                proposals=[] if unit_id else matcher.proposals(name),
                figures=figures,
            )
        )
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
