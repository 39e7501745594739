"""Reading an Excel 97–2003 workbook (.xls) with xlrd, within the bounds an .xlsx is held to.

xlrd builds a whole sheet when asked for it, and pads each row up to its last cell: a 1 MB file
with a number in column 256 of each of 65.536 rows asks for 16 million slots. So the sheet's cell
records are read first, from the workbook stream xlrd has already extracted, and a sheet reaching
beyond the limits is refused before xlrd builds it.
"""

import io
import struct

import xlrd
from django.utils.translation import gettext as _
from xlrd import compdoc

from . import limits
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, WorkbookRefused
from .table import Table, plain, trimmed

BOF_RECORDS = {0x0009, 0x0209, 0x0409, 0x0809}
EOF_RECORD = 0x000A
# FORMULA (three BIFF versions), LABEL, LABELSST, NUMBER, RK, RSTRING, BOOLERR: row and column first.
CELL_RECORDS = {0x0006, 0x0206, 0x0406, 0x0204, 0x00FD, 0x0203, 0x027E, 0x00D6, 0x0205}
MULRK_RECORD = 0x00BD  # several numbers in one row: first column after the row, last column at the end
DIMENSIONS_RECORD = 0x0200
SST_RECORD = 0x00FC  # the shared strings, read whole by xlrd when it opens the file
# BLANK and MULBLANK only carry formatting: xlrd skips them unless asked for formatting, so do we.


def damaged() -> WorkbookRefused:
    return WorkbookRefused(
        _("Tệp .xls bị hỏng hoặc không đúng định dạng, không đọc được. Hãy mở bằng Excel và lưu lại dạng .xlsx.")
    )


def read_xls(data: bytes, *, sheet: str | None = None) -> Table:
    if len(data) > limits.max_bytes():
        raise limits.too_large()
    _check_shared_strings(data)
    try:
        # ragged_rows: a row ends at its last cell instead of being padded to the widest one.
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO())
    except xlrd.XLRDError as error:
        if "encrypted" in str(error).lower():
            raise limits.password_protected()
        raise damaged()
    except Exception:  # xlrd raises many kinds on a damaged file; all mean the same to the user
        raise damaged()
    names = book.sheet_names()
    try:
        index = _pick(book, names, sheet)
        built = book.sheet_by_index(index)
        rows = [
            trimmed(
                [
                    _value(kind, value, book.datemode)
                    for kind, value in zip(built.row_types(r), built.row_values(r), strict=True)
                ]
            )
            for r in range(built.nrows)
        ]
    except WorkbookRefused:
        raise
    except Exception:
        raise damaged()
    return Table(sheet=names[index], rows=rows, sheets=names)


def _pick(book: xlrd.Book, names: list[str], sheet: str | None) -> int:
    if sheet is not None:
        if sheet not in names:
            raise WorkbookRefused(_("Tệp không có trang “%(sheet)s”.") % {"sheet": sheet[:100]})
        _check_sheet(book, names.index(sheet), sheet)
        return names.index(sheet)
    for index, name in enumerate(names):
        if _check_sheet(book, index, name):
            return index
    raise WorkbookRefused(_("Tệp không có trang nào có dữ liệu."))


def _check_sheet(book: xlrd.Book, index: int, name: str) -> int:
    """The sheet's cell count, read from its records; refused when it reaches beyond the limits.

    `mem` and `_sh_abs_posn` are xlrd's stream and each sheet's offset in it (xlrd 2.0)."""
    mem, position = book.mem, book._sh_abs_posn[index]
    if position < 0:
        raise damaged()
    where = limits.sheet_label(name)
    depth = cells = 0
    while position + 4 <= len(mem):
        code, length = struct.unpack_from("<HH", mem, position)
        body, position = position + 4, position + 4 + length
        if code in BOF_RECORDS:
            depth += 1  # a chart inside the sheet is a substream of its own, with its own EOF
            continue
        if code == EOF_RECORD:
            depth -= 1
            if depth <= 0:
                break
            continue
        if depth != 1 or body + length > len(mem):
            continue
        if code == DIMENSIONS_RECORD:
            # BIFF8: rows as 32-bit numbers; earlier versions 16-bit. Both give one past the last.
            layout = "<IIHH" if length >= 14 else "<HHHH"
            if length >= struct.calcsize(layout):
                _first_row, end_row, _first_column, end_column = struct.unpack_from(layout, mem, body)
                if end_row > MAX_ROWS:
                    raise limits.too_many_rows(where, end_row)
                if end_column > MAX_COLUMNS:
                    raise limits.too_many_columns(where, end_column)
            continue
        if code in CELL_RECORDS and length >= 4:
            row, first = struct.unpack_from("<HH", mem, body)
            last = first
        elif code == MULRK_RECORD and length >= 6:
            row, first = struct.unpack_from("<HH", mem, body)
            (last,) = struct.unpack_from("<H", mem, body + length - 2)
        else:
            continue
        if row + 1 > MAX_ROWS:
            raise limits.too_many_rows(where)
        if max(first, last) + 1 > MAX_COLUMNS:
            raise limits.too_many_columns(where)
        cells += abs(last - first) + 1
        if cells > MAX_CELLS:
            raise limits.too_many_cells()
    return cells


def _check_shared_strings(data: bytes) -> None:
    """xlrd builds every shared string when it opens the file, before any sheet is judged: a table of
    more strings than the sheets' cells could use is padding, refused as the .xlsx scan refuses it."""
    if not data.startswith(compdoc.SIGNATURE):
        return  # a bare BIFF stream (Excel 2–4): xlrd reads it, and its own records are bounded below
    try:
        document = compdoc.CompDoc(data, logfile=io.StringIO())
        mem, position, size = next(
            (found for name in ("Workbook", "Book") if (found := document.locate_named_stream(name))[0]), (None, 0, 0)
        )
    except Exception:  # CompDocError, struct.error, IndexError: a damaged container
        raise damaged()
    if mem is None:
        raise damaged()
    end = min(len(mem), position + size)
    while position + 4 <= end:
        code, length = struct.unpack_from("<HH", mem, position)
        if code == EOF_RECORD:
            return  # the end of the workbook's globals: the sheets come after
        if code == SST_RECORD and length >= 8:
            (unique,) = struct.unpack_from("<i", mem, position + 8)
            if not 0 <= unique <= MAX_CELLS:
                raise limits.too_many_cells()
        position += 4 + length


def _value(kind: int, value, datemode: int):
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return plain(xlrd.xldate.xldate_as_datetime(value, datemode))
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return plain(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERR")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return plain(bool(value))
    return plain(value)
