"""How large a spreadsheet the portal agrees to read, and how it says no.

The bounds are what the work costs, measured on openpyxl 3.1 (load_workbook, data_only=True):
100.000 cells load in 0,7 s and 40 MB; 50.000 merged cells in 0,5 s; 1.000.000 cells in 26 s and
370 MB. An agency's monthly list for a whole province is 3.321 communes × ~10 columns at most, an
annex a few hundred rows: both sit far below every bound.
"""

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MAX_ROWS = 5_000
MAX_COLUMNS = 200
# Within 5.000 × 200 a sheet could still hold a million cells (26 s): the whole file is bounded too.
MAX_CELLS = 100_000
# openpyxl creates one object per merged cell and formats each range's borders: 50.000 merged cells
# cost 0,5 s. Real workbooks merge a title across the table and a few group headers (< 1.000 cells).
MAX_MERGED_CELLS = 50_000
# Each range costs openpyxl ~60 µs and every lookup of "is this cell merged" walks all of them.
MAX_MERGES = 1_000
# The scan reads at most the inflated size the container check allowed; this stops it earlier when
# the machine is slow or the XML is built to be expensive.
DEADLINE_SECONDS = 2.0


class WorkbookRefused(ValueError):
    """The file cannot be read: `message` is shown to the officer, `details` listed under it."""

    def __init__(self, message: str, details: list[str] | None = None):
        self.message = message
        self.details = list(details or [])
        super().__init__(message)

    @property
    def errors(self) -> list[str]:
        """Every line to show, as the annex import's ImportRefused carries them."""
        return [self.message, *self.details]


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def max_unzipped_bytes() -> int:
    # As the annex import: a real workbook inflates to well under 1 MB, four times the upload is generous.
    return getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", 4 * settings.IMPORT_MAX_BYTES)


def number(value: int) -> str:
    """46.106 in Vietnamese, as every figure in a message."""
    return formats.number_format(value, force_grouping=True)


def sheet_label(sheet: str) -> str:
    return _("Trang “%(sheet)s”") % {"sheet": sheet}


def too_large() -> WorkbookRefused:
    return WorkbookRefused(_("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)})


def damaged() -> WorkbookRefused:
    return WorkbookRefused(_("Tệp bị hỏng hoặc không đúng định dạng .xlsx, không đọc được."))


# What each upload reads: the annex import only .xlsx (it reads cells' formats), the agency page any
# spreadsheet an office saves.
XLSX_ONLY = ".xlsx"
ANY_SPREADSHEET = gettext_noop(".xlsx, .xls hoặc .csv")


def not_a_spreadsheet(kinds: str) -> WorkbookRefused:
    return WorkbookRefused(_("Tệp không phải bảng tính: hãy tải lên tệp %(kinds)s.") % {"kinds": _(kinds)})


def web_page() -> WorkbookRefused:
    return WorkbookRefused(
        _("Tệp này là trang web (HTML) chứ không phải bảng tính: hãy mở bằng Excel và lưu lại dạng .xlsx.")
    )


def macros() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "Tệp có macro (VBA): cổng không nhận tệp chứa macro. Hãy mở bằng Excel, lưu lại dạng "
            "“Excel Workbook (.xlsx)” rồi tải lên."
        )
    )


def password_protected() -> WorkbookRefused:
    return WorkbookRefused(_("Tệp được bảo vệ bằng mật khẩu: hãy mở bằng Excel, bỏ mật khẩu rồi tải lên lại."))


def protective() -> WorkbookRefused:
    return WorkbookRefused(_("Tệp nén bất thường (giải nén ra quá lớn): không đọc để bảo vệ hệ thống."))


def too_slow() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "Kiểm tra tệp mất quá nhiều thời gian: không đọc để bảo vệ hệ thống. Hãy chỉ giữ bảng số liệu rồi tải lên lại."
        )
    )


_KEEP_THE_TABLE = gettext_noop("Hãy chỉ giữ bảng số liệu rồi tải lên lại.")


def too_many_rows(where: str, rows: int | None = None) -> WorkbookRefused:
    """`rows` is the extent the file declares; None when counting passed the limit (the rest is not read)."""
    values = {"where": where, "rows": number(rows or 0), "max": number(MAX_ROWS), "hint": _(_KEEP_THE_TABLE)}
    if rows is None:
        return WorkbookRefused(_("%(where)s có hơn %(max)s dòng: tối đa %(max)s dòng. %(hint)s") % values)
    return WorkbookRefused(_("%(where)s có %(rows)s dòng: tối đa %(max)s dòng. %(hint)s") % values)


def too_many_columns(where: str, columns: int | None = None) -> WorkbookRefused:
    values = {"where": where, "columns": number(columns or 0), "max": number(MAX_COLUMNS), "hint": _(_KEEP_THE_TABLE)}
    if columns is None:
        return WorkbookRefused(_("%(where)s có hơn %(max)s cột: tối đa %(max)s cột. %(hint)s") % values)
    return WorkbookRefused(_("%(where)s có %(columns)s cột: tối đa %(max)s cột. %(hint)s") % values)


def too_many_cells() -> WorkbookRefused:
    return WorkbookRefused(
        _("Tệp có hơn %(max)s ô dữ liệu: tối đa %(max)s ô. %(hint)s")
        % {"max": number(MAX_CELLS), "hint": _(_KEEP_THE_TABLE)}
    )
