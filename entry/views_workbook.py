"""The social-insurance office's monthly workbook, brought into the entry grid.

GET: the upload form. POST: read the file with bounded work (entry/workbooks.py), find its commune
and count columns (entry/agency.py) or ask for them, and show the month's grid filled with its
counts, each changed cell marked old → new. Nothing is written: the officer saves the grid as any
grid is saved (same checks, same conflict guard, same audit, the counts logged as the workbook's).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes.scope import UnitEnded, visible_unit_or_404

from .agency import Candidates, Columns, column_candidates, find_columns, read_counts
from .annex_file import body_too_large, max_megabytes
from .areas import URL_NAMES, ended_page, month_or_404
from .forms import AgencyUploadForm, WorkbookColumnsForm
from .grid import field_name, read_grid
from .limits import WorkbookRefused, max_bytes
from .rows import entry_rows, month_status, payer_groups
from .table import Table
from .views import render_entry
from .workbook_preview import column_letter, lay_over, sign_table
from .workbooks import read_rows

PREVIEW_ROWS, PREVIEW_COLUMNS = 14, 12


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request, level: str, code: str, month: str):
    month_date = month_or_404(month)
    try:
        area = visible_unit_or_404(request.user, level, code, on=month_date, reach=True, or_ended=True)
    except UnitEnded as ended:
        return ended_page(request, ended.unit, month_date, "entry")
    status = month_status(area=area, month=month_date)
    rows = entry_rows(area=area, month=month_date, user=request.user, status=status)
    page = _Page(request, area=area, month=month_date)
    if not any(row.editable for row in rows):
        return page.form(error=status.reason or _("Bạn không thể sửa số liệu tháng này."), status=403, refused=True)
    if request.method == "GET":
        return page.form()
    if body_too_large(request.META.get("CONTENT_LENGTH")):
        return page.form(error=_("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": max_megabytes()}, status=413)
    if "table" in request.POST:  # the columns chosen for a file already read
        return _chosen(request, page, rows, status)
    form = AgencyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return page.form(error=" ".join(form.errors["workbook"]), status=400)
    upload = form.cleaned_data["workbook"]
    try:
        # One byte past the limit is enough for read_rows to refuse the file: the rest is never read.
        table = read_rows(upload.read(max_bytes() + 1), upload.name or "")
    except WorkbookRefused as refused:
        return page.form(error=refused.message, lines=refused.errors, status=400)
    filename = (upload.name or "")[:100]
    columns = find_columns(table)
    if columns is None:
        return page.choose(table, filename, column_candidates(table))
    return _preview(request, page, rows, status, table, columns, filename)


def _chosen(request, page: "_Page", rows, status):
    form = WorkbookColumnsForm(request.POST)
    valid = form.is_valid()
    if form.kept is None:  # the table the page kept did not verify: nothing to choose from
        return page.form(error=" ".join(form.errors["table"]), status=400)
    table, filename = form.kept
    candidates = column_candidates(table)
    if not valid:
        return page.choose(table, filename, candidates, form=form, status=400)
    header_row = form.cleaned_data["header_row"]
    first_row = candidates.first_row if header_row == candidates.header_row else None
    columns = Columns(
        header_row=header_row,
        name=form.cleaned_data["name"],
        count=form.cleaned_data["count"],
        population=None,
        first_row=first_row,
    )
    return _preview(request, page, rows, status, table, columns, filename, form=form)


def _preview(request, page: "_Page", rows, status, table: Table, columns: Columns, filename: str, form=None):
    found = read_counts(table, columns)
    if not found.rows:
        return page.choose(
            table,
            filename,
            column_candidates(table),
            form=form,
            status=400,
            error=_("Không có dòng xã nào dưới dòng tiêu đề đã chọn: hãy chọn lại dòng tiêu đề và các cột."),
        )
    cells, report = lay_over(
        area=page.area, month=page.month, rows=rows, table=table, columns=columns, found=found, filename=filename
    )
    # The grid as it would be posted: the stored versions, the time it was shown, the workbook's counts.
    data = {"opened": timezone.now().isoformat(), **cells}
    for row in rows:
        data[field_name(row.unit.code, "version")] = str(row.version)
        data[field_name(row.unit.code, "pversion")] = str(row.progress_version)
    groups = payer_groups(page.month)
    grid = read_grid(data=data, rows=rows, groups=groups, month=page.month)
    return render_entry(request, page.area, page.month, status, rows, groups, grid, workbook=report)


def _width(table: Table) -> int:
    return max((len(r) for r in table.rows), default=0)


class _Page:
    """The upload page: the form, a refusal, or the columns to choose."""

    def __init__(self, request, *, area, month):
        self.request, self.area, self.month = request, area, month

    def _render(self, extra: dict, status: int):
        context = {
            "area": self.area,
            "month": self.month,
            "max_mb": max_megabytes(),
            "entry_url_name": URL_NAMES[self.area.level],
            "workbook_url_name": "entry_workbook" if self.area.level == "district" else "province_entry_workbook",
            **extra,
        }
        return render(self.request, "entry/workbook.html", context, status=status)

    def form(self, *, error: str = "", lines: list[str] | None = None, status: int = 200, refused: bool = False):
        """`refused`: the user may not change the month: the reason, and no file to choose."""
        return self._render({"error": error, "error_lines": lines or [], "refused": refused}, status)

    def choose(
        self, table: Table, filename: str, candidates: Candidates, *, form=None, status: int = 200, error: str = ""
    ):
        width = _width(table)
        labels = _column_labels(table, candidates, width)
        initial = {
            "header_row": candidates.header_row or 1,
            "name": candidates.name[0] if candidates.name else None,
            "count": candidates.count[0] if len(candidates.count) == 1 else None,
        }
        chosen = {k: (form.data.get(k) if form is not None else initial[k]) for k in initial}
        sample = [
            (
                n,
                [
                    table.rows[n - 1][c] if c < len(table.rows[n - 1]) else None
                    for c in range(min(width, PREVIEW_COLUMNS))
                ],
            )
            for n in range(1, min(len(table.rows), PREVIEW_ROWS) + 1)
        ]
        return self._render(
            {
                "choosing": True,
                "filename": filename,
                "sheet": table.sheet,
                "signed_table": sign_table(table, filename=filename),
                "columns": labels,
                "chosen": {k: str(v) if v is not None else "" for k, v in chosen.items()},
                "rows_count": len(table.rows),
                "form_errors": form.errors if form is not None else {},
                "sample": sample,
                "sample_letters": [column_letter(c) for c in range(1, min(width, PREVIEW_COLUMNS) + 1)],
                "error": error,
                "count_candidates": candidates.count,
            },
            status,
        )


def _column_labels(table: Table, candidates: Candidates, width: int) -> list[tuple[str, str]]:
    """(column number, "D – its header") for every column, the header row's words where there are."""
    out = []
    for column in range(1, width + 1):
        header = candidates.headers.get(column)
        if header is None and candidates.header_row:
            value = table.value(candidates.header_row, column)
            header = str(value) if value is not None else ""
        label = column_letter(column) + (f" – {str(header)[:60]}" if header else "")
        out.append((str(column), label))
    return out
