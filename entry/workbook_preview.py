"""The agency's monthly workbook laid over the entry grid: its counts matched to the grid's communes
by name, and what the page says about the rest (unknown names, duplicates, communes it leaves out).

Nothing is stored here, not even in the session: what the workbook says travels with the form,
signed (django.core.signing), so that the save can tell the workbook's figures from those typed by
hand, and a reload or a restored draft keeps it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core import signing
from django.utils.translation import gettext as _

from communes.models import Unit
from reports import formatting

from .agency import AgencyRows, Columns, TotalRow
from .grid import field_name
from .matching import Matcher
from .rows import Row
from .table import Table

COUNTS_SALT, TABLE_SALT = "entry.workbook", "entry.workbook.table"
NAME_SHOWN = 80


@dataclass(frozen=True)
class WorkbookCounts:
    """The counts a workbook gave, per commune code, as signed when it was read."""

    filename: str
    counts: dict[str, int]

    def gave(self, code: str, value) -> bool:
        return code in self.counts and self.counts[code] == value


@dataclass(frozen=True)
class Unknown:
    line: int
    name: str
    count: int | None
    proposals: list[Unit]


@dataclass
class WorkbookReport:
    """What the page says about the file beside the grid it fills."""

    filename: str
    sheet: str
    columns: Columns
    headers: dict[str, str]
    applied: int = 0
    unknown: list[Unknown] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    outside: int = 0  # lines naming a commune of the area the user does not enter for
    missing: list[Unit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    signed: str = ""


def sign(*, area: Unit, month: dt.date, filename: str, counts: dict[str, int]) -> str:
    return signing.dumps(
        {"a": area.pk, "m": f"{month:%Y-%m}", "f": filename[:100], "c": counts}, salt=COUNTS_SALT, compress=True
    )


def read_signed(text: str, *, area: Unit, month: dt.date) -> WorkbookCounts | None:
    """The counts, if the signature holds and names this grid; None otherwise."""
    try:
        data = signing.loads(text, salt=COUNTS_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != area.pk or data.get("m") != f"{month:%Y-%m}":
        return None
    counts = data.get("c")
    if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
        return None
    return WorkbookCounts(filename=str(data.get("f", "")), counts=counts)


def sign_table(table: Table, *, filename: str) -> str:
    """The sheet as read, for the page that asks which columns to use: sent back with the choice,
    so the file is neither uploaded twice nor kept on the server."""
    return signing.dumps(
        {"s": table.sheet, "r": table.rows, "g": table.merged, "f": filename[:100]}, salt=TABLE_SALT, compress=True
    )


def read_table(text: str) -> tuple[Table, str] | None:
    try:
        data = signing.loads(text, salt=TABLE_SALT)
    except signing.BadSignature:
        return None
    merged = [tuple(m) for m in data["g"]]
    return Table(sheet=data["s"], rows=data["r"], merged=merged), data["f"]


def lay_over(
    *, area: Unit, month: dt.date, rows: list[Row], table: Table, columns: Columns, found: AgencyRows, filename: str
) -> tuple[dict[str, str], WorkbookReport]:
    """The cells the workbook changes ({field name: count as the grid writes it}) and its report."""
    report = WorkbookReport(
        filename=filename,
        sheet=table.sheet,
        columns=columns,
        headers=_headers(table, columns),
        errors=list(found.errors),
        warnings=list(found.warnings),
        totals=list(found.totals),
    )
    by_unit = {row.unit.pk: row for row in rows}
    area_communes = Unit.objects.communes().within(area).in_force(month).select_related("parent")
    matcher = Matcher(units=area_communes)
    taken: dict[int, int] = {}  # unit -> the line that gave its count
    cells, counts = {}, {}
    for line in found.rows:
        pk = matcher.match(line.name)
        if pk is None:
            proposals = [matcher.units[p] for p in matcher.proposals(line.name)]
            report.unknown.append(
                Unknown(
                    line=line.line,
                    name=line.name[:NAME_SHOWN],
                    count=line.count,
                    proposals=[u for u in proposals if _editable(by_unit.get(u.pk))],
                )
            )
            continue
        unit = matcher.units[pk]
        if pk in taken:
            report.duplicates.append(
                _("Dòng %(line)s (%(name)s) lặp lại %(unit)s của dòng %(first)s: không lấy.")
                % {"line": line.line, "name": line.name[:NAME_SHOWN], "unit": unit.full_name, "first": taken[pk]}
            )
            continue
        taken[pk] = line.line
        row = by_unit.get(pk)
        if not _editable(row):
            report.outside += 1
            continue
        if line.count is None:
            continue  # its line is among the errors, which say why
        cells[field_name(unit.code, "enrolled")] = formatting.fmt_int(line.count)
        counts[unit.code] = line.count
    report.applied = len(counts)
    report.missing = [row.unit for row in rows if row.editable and row.unit.pk not in taken]
    report.signed = sign(area=area, month=month, filename=filename, counts=counts)
    return cells, report


def _editable(row: Row | None) -> bool:
    return row is not None and row.editable


def _headers(table: Table, columns: Columns) -> dict[str, str]:
    def text(column: int | None) -> str:
        if column is None:
            return ""
        value = table.value(columns.header_row, column)
        return f"{column_letter(column)} – {value}" if value is not None else column_letter(column)

    return {"name": text(columns.name), "count": text(columns.count), "population": text(columns.population)}


def column_letter(column: int) -> str:
    """1 → A, 27 → AA, as the spreadsheet names its columns."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
