"""The social-insurance office's monthly workbook: which column names the commune, which holds the
number of people with a valid card, and the rows read from them.

The office's layout changes from month to month (a title block of varying height, columns added,
a total row on top or at the bottom, signatures below), so columns are found by their header
words, diacritics and case ignored. When the words do not decide, the page asks the officer: no
guess is made between two count columns. Names are kept as written; the caller matches them.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communes.names import fold
from communes.numbers import NumberError, parse_count

from .limits import number
from .table import Table, Value

HEADER_ROWS = 30
NAME, COUNT, POPULATION = "name", "count", "population"
NAME_WORDS = re.compile(r"\b(xa|phuong|dac khu|thi tran|don vi|ten|dia ban)\b")
COUNT_WORDS = re.compile(r"\b(so nguoi tham gia|so nguoi co the|so the|the bhyt|tham gia bhyt|con han)\b")
# Beside the count: the expired cards, the uninsured, the rate, the targets, the change on last month.
NOT_COUNT = re.compile(r"\b(het han|chua|ty le|so tien|chi tieu|ke hoach|giao|tang|giam|so sanh)\b")
NOT_NAME = re.compile(r"^(ma|stt|tt|so tt|ghi chu)\b|\bdon vi tinh\b|\bty le\b")
PREFERRED_COUNT = re.compile(r"\bcon han\b")  # the monthly figure is the stock of valid cards
TOTAL_LABEL = re.compile(
    r"^(tong|cong|tong so|tong cong|toan tinh|toan huyen)$|^(tong cong|toan tinh|toan huyen|cong toan)\b"
)
SIGNATURE = re.compile(
    r"\b(nguoi lap|lap bieu|giam doc|thu truong|ke toan|noi nhan|ky ten|ghi ro ho ten|ghi chu)\b"
    r"|^(kt|tm|q|ktl)\b|\bngay \d+ thang \d+ nam \d+"
)
NUMBERING = re.compile(r"^\(?[a-z0-9]{1,2}\)?$")  # the "(1) (2) (3)" or "A B 1 2" row under a printed header


@dataclass(frozen=True)
class Columns:
    """Where the agency's table is: column numbers are 1-based, as the spreadsheet shows them."""

    header_row: int
    name: int
    count: int
    population: int | None = None
    first_row: int | None = None  # the first row under the header (and its sub-header), when known


@dataclass(frozen=True)
class Candidates:
    """What the header words suggest, for the page to offer when find_columns cannot decide."""

    header_row: int | None
    headers: dict[int, str] = field(default_factory=dict)  # column → its header as written
    name: list[int] = field(default_factory=list)
    count: list[int] = field(default_factory=list)
    population: list[int] = field(default_factory=list)
    first_row: int | None = None


@dataclass(frozen=True)
class AgencyRow:
    line: int
    name: str
    count: int | None
    population: int | None = None


@dataclass(frozen=True)
class TotalRow:
    line: int
    label: str
    count: int | None
    population: int | None = None


@dataclass
class AgencyRows:
    rows: list[AgencyRow] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a line that cannot be read: the officer fixes it
    warnings: list[str] = field(default_factory=list)  # shown, and the officer may go on

    @property
    def counted(self) -> int:
        return sum(row.count for row in self.rows if row.count is not None)


def _words(value: Value) -> str:
    return "" if value is None else re.sub(r"[^a-z0-9]+", " ", fold(str(value))).strip()


def _kind(header: str) -> str | None:
    words = _words(header)
    if not words:
        return None
    if words.startswith("dan so") and "ty le" not in words:
        return POPULATION
    if COUNT_WORDS.search(words) and not NOT_COUNT.search(words):
        return COUNT
    if NAME_WORDS.search(words) and not NOT_NAME.search(words) and not NOT_COUNT.search(words):
        return NAME
    return None


def _headers(table: Table, row: int, width: int) -> dict[int, str]:
    texts = {}
    for column in range(1, width + 1):
        value = table.value(row, column)
        if value is not None:
            texts[column] = str(value).strip()
    return texts


def _sub_header(table: Table, row: int, width: int, name: int) -> dict[int, str] | None:
    """The row under a two-level header ("Số thẻ BHYT" over "Còn hạn | Hết hạn"): text only, and
    nothing of its own in the name column (merged down from the header, or empty)."""
    texts = {}
    for column in range(1, width + 1):
        value = table.value(row + 1, column)
        if value is None or value == table.value(row, column):  # empty, or merged down from the header
            continue
        if not isinstance(value, str) or NUMBERING.match(_words(value)):
            return None
        texts[column] = value.strip()
    return texts if texts and name not in texts else None


def _candidates_at(table: Table, row: int) -> Candidates:
    width = max((len(r) for r in table.rows[row - 1 : row + 1]), default=0)
    headers = _headers(table, row, width)
    names = [c for c, t in headers.items() if _kind(t) == NAME]
    below = _sub_header(table, row, width, names[0]) if names else None
    if below:
        headers = {c: " ".join(t for t in (headers.get(c), below.get(c)) if t) for c in sorted({*headers, *below})}
    # A header merged across columns reads the same in each: only its first column is a candidate.
    stored = table.rows[row - 1]
    for column in sorted(headers, reverse=True):
        own = column <= len(stored) and stored[column - 1] is not None
        if not own and headers.get(column - 1) == headers[column]:
            del headers[column]
    kinds = {c: _kind(t) for c, t in headers.items()}
    found = {kind: [c for c, k in kinds.items() if k == kind] for kind in (NAME, COUNT, POPULATION)}
    return Candidates(
        header_row=row,
        headers=headers,
        name=found[NAME],
        count=found[COUNT],
        population=found[POPULATION],
        first_row=row + (2 if below else 1),
    )


def column_candidates(table: Table) -> Candidates:
    """The header row (within the first rows) with a name column and a count column, and the
    columns its words suggest; else the row that came closest, or no row at all."""
    best, best_score = Candidates(header_row=None), 0
    for row in range(1, min(len(table.rows), HEADER_ROWS) + 1):
        found = _candidates_at(table, row)
        # A title merged across the table names both a commune and a count, in one column: no header.
        if found.name and found.count and set(found.name) != set(found.count):
            return found
        score = bool(found.name) + bool(found.count)
        if score > best_score:
            best, best_score = found, score
    return best


def find_columns(table: Table) -> Columns | None:
    """The columns when the header words leave no doubt; None when the officer must choose."""
    found = column_candidates(table)
    count = found.count
    if len(count) > 1:
        count = [c for c in count if PREFERRED_COUNT.search(_words(found.headers[c]))]
    if found.header_row is None or len(found.name) != 1 or len(count) != 1 or len(found.population) > 1:
        return None
    return Columns(
        header_row=found.header_row,
        name=found.name[0],
        count=count[0],
        population=found.population[0] if found.population else None,
        first_row=found.first_row,
    )


# -- the rows -------------------------------------------------------------------------------------


def _text(value: Value) -> str:
    return "" if value is None else str(value).strip()


def _count(value: Value) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return parse_count(value)
    return parse_count(str(value).strip().lstrip("'"))  # a float 4179.5 reads as text: "must be whole"


def read_counts(table: Table, columns: Columns) -> AgencyRows:
    """One entry per commune row under the header; the total row(s) apart, and checked."""
    result = AgencyRows()
    header_name = _words(table.value(columns.header_row, columns.name))
    for line in range(columns.first_row or columns.header_row + 1, len(table.rows) + 1):
        row = table.rows[line - 1]
        if not any(_text(v) for v in row):
            continue
        name = _text(table.value(line, columns.name))
        raw_count = table.value(line, columns.count)
        labels = (_text(table.value(line, c)) for c in range(1, columns.name + 1))
        label = next((text for text in labels if TOTAL_LABEL.search(_words(text))), None)
        if label is not None:
            result.totals.append(_total(result, line, label, raw_count, table, columns))
            continue
        if raw_count is None and any(SIGNATURE.search(_words(v)) for v in row if isinstance(v, str)):
            if result.rows or result.totals:
                break  # the signature block: nothing below it is data
            continue
        if _words(name) == header_name or NUMBERING.match(_words(name)):
            continue  # the header printed again after a page break, or the column numbers under it
        if not name:
            if raw_count is not None:
                result.errors.append(_("Dòng %(line)s: có số nhưng không có tên xã.") % {"line": line})
            continue
        result.rows.append(_row(result, line, name, raw_count, table, columns))
    _check_total(result, has_population=columns.population is not None)
    return result


def _row(result: AgencyRows, line: int, name: str, raw_count: Value, table: Table, columns: Columns) -> AgencyRow:
    where = {"line": line, "name": name[:60]}
    try:
        count = parse_count("") if raw_count is None else _count(raw_count)  # "" says: no number written
    except NumberError as error:
        result.errors.append(_("Dòng %(line)s (%(name)s): %(error)s") % {**where, "error": error})
        count = None
    population = None
    if columns.population is not None:
        try:
            population = _count(table.value(line, columns.population))
        except NumberError as error:
            result.errors.append(_("Dòng %(line)s (%(name)s), dân số: %(error)s") % {**where, "error": error})
    if count is not None and population and count > population:
        result.warnings.append(
            _("Dòng %(line)s (%(name)s): số người có thẻ %(count)s lớn hơn dân số %(population)s.")
            % {**where, "count": number(count), "population": number(population)}
        )
    return AgencyRow(line=line, name=name, count=count, population=population)


def _total(result: AgencyRows, line: int, label: str, raw_count: Value, table: Table, columns: Columns) -> TotalRow:
    values = {}
    for key, value in (("count", raw_count), ("population", _population(table, line, columns))):
        try:
            values[key] = _count(value)
        except NumberError as error:
            values[key] = None
            result.warnings.append(
                _("Dòng %(line)s (“%(label)s”): không đọc được tổng: %(error)s")
                % {"line": line, "label": label[:60], "error": error}
            )
    return TotalRow(line=line, label=label, count=values["count"], population=values["population"])


def _population(table: Table, line: int, columns: Columns) -> Value:
    return None if columns.population is None else table.value(line, columns.population)


def _check_total(result: AgencyRows, *, has_population: bool) -> None:
    """The grand total is the largest of the total rows (sub-totals sit above or below it)."""
    totals = [t for t in result.totals if t.count is not None]
    if not totals or any(row.count is None for row in result.rows):
        return  # a row in error: the sum would be wrong for that reason, and the error says so
    total = max(totals, key=lambda t: t.count)
    where = {"line": total.line, "label": total.label[:60]}
    if total.count != result.counted:
        result.warnings.append(
            _(
                "Dòng %(line)s (“%(label)s”) ghi tổng %(total)s người có thẻ, cộng các dòng được %(sum)s "
                "(chênh %(difference)s): hãy kiểm tra lại với BHXH."
            )
            % {
                **where,
                "total": number(total.count),
                "sum": number(result.counted),
                "difference": number(abs(total.count - result.counted)),
            }
        )
    populations = [row.population for row in result.rows]
    if has_population and total.population is not None and None not in populations:
        if total.population != sum(populations):
            result.warnings.append(
                _(
                    "Dòng %(line)s (“%(label)s”) ghi tổng dân số %(total)s, cộng các dòng được %(sum)s "
                    "(chênh %(difference)s)."
                )
                % {
                    **where,
                    "total": number(total.population),
                    "sum": number(sum(populations)),
                    "difference": number(abs(total.population - sum(populations))),
                }
            )
