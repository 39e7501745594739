"""An .xlsx checked before openpyxl loads it: the zip container from its directory, then every XML
part streamed through expat, counting what openpyxl would build, and stopping at the first bound.

openpyxl creates an object for every cell of a merged range, of a hyperlink's or a comment's range
and for every <c> it meets: a 9 KB file merging A40:XFD1048576 asks for 17 billion of them. So
the scan counts those, as openpyxl would number them, without building a tree. It reads every part
that looks like XML, whatever its name or root, because openpyxl finds sheets through relationships
an attacker writes: only spreadsheet-namespace elements count, so charts and drawings cost nothing.
openpyxl reads sheets with the same expat (ElementTree.iterparse): a part the scan cannot parse is
refused, except a legacy VML drawing, which Excel may write loosely and openpyxl never reads.
"""

import io
import posixpath
import re
import time
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from django.utils.translation import gettext as _

from communes.numbers import whole_number

from . import limits
from .container import check_container
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_MERGED_CELLS, MAX_MERGES, MAX_ROWS, WorkbookRefused

CHUNK = 64 * 1024
MAIN = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"}
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_ID = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships id",
    "http://purl.oclc.org/ooxml/officeDocument/relationships id",
}
# ASCII digits only: re's \d and int() accept other scripts' digits ("A٣"), int("²") raises, and
# int() of a 5.000-digit row number raises too. The row itself is read by the portal's one helper.
_COORDINATE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


@dataclass
class PartScan:
    """What one part holding cells would make openpyxl build."""

    part: str
    sheet: str
    rows: int = 0
    max_row: int = 0
    max_column: int = 0
    cells: int = 0
    formulas_without_value: list[str] = field(default_factory=list)


@dataclass
class Scan:
    parts: dict[str, PartScan] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)  # part → the sheet's name in the workbook

    def formulas_without_value(self) -> list[str]:
        return [f"{p.sheet}!{cell}" for p in self.parts.values() for cell in p.formulas_without_value]


def scan_xlsx(data: bytes, *, deadline: float = limits.DEADLINE_SECONDS) -> Scan:
    """Refuse (WorkbookRefused) a workbook that would cost openpyxl more than the limits allow."""
    members = check_container(data)
    scanner = _Scanner(started=time.perf_counter(), deadline=deadline)
    # Relationships first, then the workbook they name: each sheet is then known by its name.
    rels = [m for m in members if m.filename.endswith(".rels")]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in rels:
            scanner.read(archive, member)
        books = scanner.targets_of("", "/officeDocument")
        for member in sorted((m for m in members if m not in rels), key=lambda m: m.filename not in books):
            scanner.read(archive, member)
    return scanner.scan


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _coordinate(text: str) -> tuple[int, int] | None:
    match = _COORDINATE.match(text)
    row = None if match is None else whole_number(match[2])
    return None if row is None else (row, _column_number(match[1]))


def _range(ref: str) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column); a reference openpyxl could not read is refused."""
    first, _sep, last = ref.strip().partition(":")
    start, end = _coordinate(first), _coordinate(last or first)
    if start is None or end is None:
        raise limits.damaged()
    return min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1])


def _rels_source(name: str) -> str:
    """xl/_rels/workbook.xml.rels describes xl/workbook.xml; _rels/.rels the package."""
    folder, _sep, base = name.rpartition("/")
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")]).lstrip("/")


class _Scanner:
    def __init__(self, *, started: float, deadline: float):
        self.started, self.deadline = started, deadline
        self.scan = Scan()
        self.relationships: dict[str, dict[str, tuple[str, str]]] = {}  # source part → id → (target, type)
        self.cells = self.merged_cells = self.merges = self.strings = 0
        self.part = ""
        self.sheet: PartScan | None = None
        self._starts = {
            "sheet": self._sheet,
            "dimension": self._dimension,
            "row": self._row,
            "c": self._cell,
            "f": self._formula,
            "v": self._value,
            "is": self._value,
            "mergeCell": self._merge,
            "hyperlink": self._ranged,
            "comment": self._ranged,
            "si": self._string,
        }

    # -- reading -----------------------------------------------------------------------------------

    def targets_of(self, source: str, kind: str) -> set[str]:
        return {target for target, type_ in self.relationships.get(source, {}).values() if type_.endswith(kind)}

    def read(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        self.part, self.sheet = member.filename, None
        self.row = self.column = 0
        self.in_cell = self.has_formula = self.has_value = self.in_value = False
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
        parser.CharacterDataHandler = self._text
        # Excel never writes a DTD: entities are the classic way to make a small XML part expensive.
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = self._refuse_declaration
        try:
            with archive.open(member) as stream:
                first = True
                while chunk := stream.read(CHUNK):
                    if first and not _looks_like_xml(chunk):
                        return  # images, printer settings: openpyxl parses no such part as a sheet
                    first = False
                    self._check_time()
                    parser.Parse(chunk, False)
                if not first:
                    parser.Parse(b"", True)
        except expat.ExpatError:
            if not self._only_drawn():
                raise limits.damaged()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
            raise limits.damaged()  # a CRC, a compression method or an encrypted member openpyxl cannot read

    def _only_drawn(self) -> bool:
        """Legacy VML drawings are often not well-formed XML, and openpyxl never parses them."""
        kinds = [t for rels in self.relationships.values() for target, t in rels.values() if target == self.part]
        return bool(kinds) and all(t.endswith("/vmlDrawing") for t in kinds) and self.sheet is None

    def _check_time(self) -> None:
        if time.perf_counter() - self.started > self.deadline:
            raise limits.too_slow()

    def _refuse_declaration(self, *args) -> None:
        raise WorkbookRefused(_("Tệp chứa khai báo XML bất thường: không đọc để bảo vệ hệ thống."))

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, _sep, local = name.rpartition(" ")
        if namespace in MAIN:
            handler = self._starts.get(local)
            if handler is not None:
                handler(attrs)
        elif namespace == RELATIONSHIPS and local == "Relationship" and attrs.get("TargetMode") != "External":
            self._relationship(attrs)

    def _end(self, name: str) -> None:
        namespace, _sep, local = name.rpartition(" ")
        if namespace not in MAIN:
            return
        if local in ("v", "is"):
            self.in_value = False
        elif local == "c" and self.in_cell:
            self.in_cell = False
            if self.has_formula and not self.has_value and self.sheet is not None:
                self.sheet.formulas_without_value.append(self.coordinate)

    def _text(self, data: str) -> None:
        if self.in_value and data:
            self.has_value = True

    # -- elements --------------------------------------------------------------------------------

    def _relationship(self, attrs: dict[str, str]) -> None:
        source = _rels_source(self.part)
        target = attrs.get("Target", "")
        target = (
            target[1:]
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
        )
        self.relationships.setdefault(source, {})[attrs.get("Id", "")] = (target, attrs.get("Type", ""))

    def _sheet(self, attrs: dict[str, str]) -> None:
        rid = next((v for k, v in attrs.items() if k in R_ID), None)
        target = self.relationships.get(self.part, {}).get(rid or "")
        if target is not None:
            self.scan.sheet_names[target[0]] = attrs.get("name", "")[:100]

    def _current(self) -> PartScan:
        if self.sheet is None:
            name = self.scan.sheet_names.get(self.part, self.part)
            self.sheet = self.scan.parts.setdefault(self.part, PartScan(part=self.part, sheet=name))
        return self.sheet

    def _where(self) -> str:
        return limits.sheet_label(self._current().sheet)

    def _dimension(self, attrs: dict[str, str]) -> None:
        try:
            _first_row, _first_column, last_row, last_column = _range(attrs.get("ref", "A1"))
        except WorkbookRefused:
            return  # openpyxl ignores the declared extent; a writer's mistake there is no reason to refuse
        if last_row > MAX_ROWS:
            raise limits.too_many_rows(self._where(), last_row)
        if last_column > MAX_COLUMNS:
            raise limits.too_many_columns(self._where(), last_column)

    def _row(self, attrs: dict[str, str]) -> None:
        sheet = self._current()
        sheet.rows += 1
        row = attrs.get("r")
        if row is None:  # as openpyxl numbers a row without a number: the one after the last
            self.row += 1
        else:
            # openpyxl reads r with int() or float(): "²" fails there, "٣" is row 3, "1e9" row a billion.
            number = whole_number(row)
            if number is None:
                raise limits.damaged()
            self.row = number
        self.column = 0
        if sheet.rows > MAX_ROWS or self.row > MAX_ROWS:
            raise limits.too_many_rows(self._where())
        sheet.max_row = max(sheet.max_row, self.row)

    def _cell(self, attrs: dict[str, str]) -> None:
        sheet = self._current()
        reference = attrs.get("r") or None  # openpyxl too reads r="" as no reference
        place = None if reference is None else _coordinate(reference)
        if reference is None:  # as openpyxl numbers a cell without a reference: the next one in its row
            self.column += 1
            place = (self.row, self.column)
        elif place is None:  # "A²", "A٣", "1A": openpyxl would fail on it or misplace it
            raise limits.damaged()
        else:
            self.column = place[1]
        row, column = place
        self.coordinate = attrs.get("r") or f"{_letters(column)}{row}"
        self.in_cell, self.has_formula, self.has_value = True, False, False
        if row > MAX_ROWS:
            raise limits.too_many_rows(self._where())
        if column > MAX_COLUMNS:
            raise limits.too_many_columns(self._where())
        sheet.cells += 1
        sheet.max_row, sheet.max_column = max(sheet.max_row, row), max(sheet.max_column, column)
        self._count_cells(1)

    def _count_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise limits.too_many_cells()

    def _formula(self, attrs: dict[str, str]) -> None:
        self.has_formula = True

    def _value(self, attrs: dict[str, str]) -> None:
        self.in_value = True

    def _string(self, attrs: dict[str, str]) -> None:
        self.strings += 1  # more shared strings than cells could use is padding, and openpyxl reads them all
        if self.strings > MAX_CELLS:
            raise limits.too_many_cells()

    def _checked_range(self, ref: str, what: str) -> int:
        first_row, first_column, last_row, last_column = _range(ref)
        if last_row > MAX_ROWS or last_column > MAX_COLUMNS:
            raise WorkbookRefused(
                _("%(where)s: %(what)s %(ref)s vượt quá giới hạn %(rows)s dòng × %(columns)s cột.")
                % {
                    "where": self._where(),
                    "what": what,
                    "ref": ref[:40],
                    "rows": limits.number(MAX_ROWS),
                    "columns": limits.number(MAX_COLUMNS),
                }
            )
        return (last_row - first_row + 1) * (last_column - first_column + 1)

    def _merge(self, attrs: dict[str, str]) -> None:
        area = self._checked_range(attrs.get("ref", ""), _("vùng gộp ô"))
        self.merges += 1
        self.merged_cells += area
        if self.merges > MAX_MERGES:
            raise WorkbookRefused(
                _("%(where)s có hơn %(max)s vùng gộp ô: tối đa %(max)s.")
                % {"where": self._where(), "max": limits.number(MAX_MERGES)}
            )
        if self.merged_cells > MAX_MERGED_CELLS:
            raise WorkbookRefused(
                _("%(where)s: các vùng gộp ô vượt quá %(max)s ô: tối đa %(max)s ô gộp trong một tệp.")
                % {"where": self._where(), "max": limits.number(MAX_MERGED_CELLS)}
            )

    def _ranged(self, attrs: dict[str, str]) -> None:
        """A hyperlink or a comment on a range: openpyxl creates each cell of it."""
        self._count_cells(self._checked_range(attrs.get("ref", ""), _("vùng")))


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _looks_like_xml(chunk: bytes) -> bool:
    # NULs count as padding: XML in UTF-16 or UTF-32, with or without a byte-order mark, which lxml reads.
    head = chunk.lstrip(b"\x00")
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    return head.lstrip(b" \t\r\n\x00").startswith(b"<")
