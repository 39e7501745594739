"""Monthly entry: the grid, reopening a closed month, a commune-month's history."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communes.calendar import reporting_month
from communes.models import ChangeRecord, Level
from communes.periods import add_months
from communes.scope import Scope, UnitEnded, visible_unit_or_404
from communes.successors import successors_of
from reports import formatting

from . import annex_file, grid_html, page
from .areas import URL_NAMES, ended_page, month_or_404
from .forms import GridForm, ReopenForm
from .grid import initial_grid, kept_grid, read_grid
from .reopening import reopen_month
from .rows import entry_rows, month_status, payer_groups
from .save import Conflict, apply_grid, find_conflicts


@login_required
def entry_start(request, level: str, code: str):
    """The entry page of the month being reported, or of the unit's last month if it ended before."""
    unit = visible_unit_or_404(request.user, level, code, reach=True)
    month = reporting_month()
    if unit.valid_to is not None and unit.valid_to < month:
        month = unit.valid_to.replace(day=1)
    return redirect(URL_NAMES[level], code=unit.code, month=f"{month:%Y-%m}")


@login_required
@formatting.separators_fixed_in
def district_entry(request, code: str, month: str):
    return _entry(request, Level.DISTRICT, code, month)


@login_required
@formatting.separators_fixed_in
def province_entry(request, code: str, month: str):
    return _entry(request, Level.PROVINCE, code, month)


def _entry(request, level: str, code: str, month_text: str):
    month = month_or_404(month_text)
    try:
        area = visible_unit_or_404(request.user, level, code, on=month, reach=True, or_ended=True)
    except UnitEnded as ended:
        return ended_page(request, ended.unit, month, "entry")
    status = month_status(area=area, month=month)
    rows = entry_rows(area=area, month=month, user=request.user, status=status)
    groups = payer_groups(month)
    if request.method != "POST":
        grid = initial_grid(rows=rows, groups=groups)
        return render_entry(request, area, month, status, rows, groups, grid)
    _refuse_forged_post(request, rows, status)
    if not any(row.editable for row in rows):
        # The month closed (or its reopening ended) while the officer typed: say why, keep every
        # typed value on the page to copy, save nothing.
        grid = kept_grid(data=request.POST, rows=rows, groups=groups)
        return render_entry(request, area, month, status, rows, groups, grid, http_status=403, kept=True)
    form = GridForm(request.POST, rows=rows, groups=groups, month=month, area=area)
    form.is_valid()
    if form.forged:
        return render_entry(
            request,
            area,
            month,
            status,
            rows,
            groups,
            kept_grid(data=request.POST, rows=rows, groups=groups),
            http_status=400,
            kept=True,
            refusal=_(
                "Biểu mẫu bị hỏng hoặc đã bị sửa (trường ẩn không hợp lệ): chưa lưu gì. Tải lại trang "
                "rồi nhập lại; các số vừa gõ còn bên dưới để chép."
            ),
        )
    grid, workbook = form.grid, form.cleaned_data.get("workbook")
    if grid.has_errors or grid.needs_confirmation:
        conflicts = find_conflicts(grid=grid, month=month, groups=groups)
        if conflicts:
            return _conflict_page(request, area, month, status, groups, conflicts)
        return render_entry(request, area, month, status, rows, groups, grid)
    try:
        changes = apply_grid(grid=grid, month=month, user=request.user, groups=groups, workbook=workbook)
    except Conflict as conflict:
        return _conflict_page(request, area, month, status, groups, conflict.messages)
    messages.success(request, _("Đã lưu %(n)s thay đổi.") % {"n": changes} if changes else _("Không có gì thay đổi."))
    return redirect(URL_NAMES[level], code=area.code, month=month_text)


def _conflict_page(request, area, month, status, groups, conflicts: list[str]):
    """The figures as they are now beside what the officer typed; saving again is a deliberate
    overwrite, so the form now carries the current versions."""
    rows = entry_rows(area=area, month=month, user=request.user, status=status)
    grid = read_grid(data=request.POST, rows=rows, groups=groups, month=month)
    for item in grid.rows:
        item.version, item.progress_version = item.row.version, item.row.progress_version
    grid.opened, grid.conflicts = timezone.now(), conflicts
    return render_entry(request, area, month, status, rows, groups, grid, http_status=409)


def _refuse_forged_post(request, rows, status) -> None:
    """A POST naming a commune this user may not change now is refused whole, not silently trimmed.
    When the whole month closed, the communes the user could change were it open are allowed
    through, to be shown back with the reason."""
    editable = {row.unit.code for row in rows if row.editable}
    if not editable and not status.future:
        scope = Scope.of(request.user)
        editable = {row.unit.code for row in rows if scope.can_edit(row.unit)}
    if not editable:
        raise PermissionDenied(_("Bạn không thể sửa số liệu tháng này."))
    posted = {key.split("-", 1)[0] for key in request.POST if "-" in key and key != "csrfmiddlewaretoken"}
    if posted - editable:
        raise PermissionDenied(_("Biểu mẫu có xã ngoài phạm vi của bạn."))


def render_entry(
    request,
    area,
    month,
    status,
    rows,
    groups,
    grid,
    http_status: int = 200,
    kept: bool = False,
    refusal: str = "",
    workbook=None,
):
    """The grid page; `workbook` is the report of an agency workbook whose counts fill the grid."""
    scope = Scope.of(request.user)
    has_cohort = any(r.member for r in rows)
    lines = page.lines(grid, groups, has_cohort=has_cohort)
    context = {
        "area": area,
        "month": month,
        "status": status,
        "rows": rows,
        "groups": groups,
        "grid": grid,
        "lines": lines,
        "grid_rows": grid_html.rows_html(lines, month_text=f"{month:%Y-%m}", kept=kept),
        "problems": page.problems(lines),
        "kept": kept,
        "refusal": refusal,
        "editable": any(r.editable for r in rows),
        "has_cohort": has_cohort,
        "can_reopen": not status.open and not status.future and scope.can_reopen(area),
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1),
        "url_name": URL_NAMES[area.level],
        "ended_root": _ended_root(scope, month),
        "workbook": workbook,
        "workbook_signed": workbook.signed if workbook else request.POST.get("workbook", ""),
        "changed": sum(cell["changed"] for line in lines for cell in [*line["cells"], line["source"]]),
        "needs_source": any(line["expanded"] for line in lines),
        "client": page.client_data(area=area, month=month, rows=rows, user=request.user),
        "show_groups": any(
            cell["group"] and (cell["error"] or cell["warning"] or cell["changed"])
            for line in lines
            for cell in line["cells"]
        ),
        "max_mb": annex_file.max_megabytes(),
    }
    return render(request, "entry/entry.html", context, status=http_status)


def _ended_root(scope: Scope, month: dt.date):
    """An officer's own commune that no longer exists that month, and what replaced it."""
    root = scope.root
    if root is None or root.valid_to is None or root.valid_to >= month:
        return None
    return {"unit": root, "successors": successors_of(root)}


@login_required
@require_POST
def reopen(request, level: str, code: str, month: str):
    month_date = month_or_404(month)
    try:
        area = visible_unit_or_404(request.user, level, code, on=month_date, reach=True, or_ended=True)
    except UnitEnded as ended:
        raise Http404 from ended
    if not Scope.of(request.user).can_reopen(area):
        raise PermissionDenied(_("Chỉ lãnh đạo hoặc quản trị viên được mở lại tháng đã khoá."))
    status = month_status(area=area, month=month_date)
    form = ReopenForm(request.POST)
    if status.future or status.open:
        messages.error(request, _("Tháng này không bị khoá."))
    elif not form.is_valid():
        messages.error(
            request,
            _("Mở lại: %(problems)s")
            % {"problems": " ".join(message for errors in form.errors.values() for message in errors)},
        )
    else:
        reopening = reopen_month(
            area=area,
            month=month_date,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(
            request,
            _("Đã mở lại tháng %(month)s đến %(until)s.")
            % {"month": f"{month_date:%m/%Y}", "until": formatting.fmt_datetime(reopening.until)},
        )
    return redirect(URL_NAMES[area.level], code=area.code, month=month)


FIELD_LABELS = {
    "enrolled": gettext_lazy("Số người tham gia"),
    "population": gettext_lazy("Dân số"),
    "cohort_affected": gettext_lazy("Số người bị ảnh hưởng"),
    "cohort_affected_pupils": gettext_lazy("Số học sinh bị ảnh hưởng"),
    "cohort_pupils": gettext_lazy("Học sinh đã tham gia lại"),
    "cohort_households": gettext_lazy("Tham gia lại theo hộ"),
}


CHANNELS = {
    "entry": gettext_lazy("Nhập tay"),
    "import": gettext_lazy("Nhập từ Excel"),
    "workbook": gettext_lazy("Từ bảng tính BHXH"),
    "api": gettext_lazy("Qua API"),
    "targets": gettext_lazy("Nhập chỉ tiêu"),
    "admin": gettext_lazy("Quản trị"),
}


@login_required
def commune_entry_history(request, code: str, month: str):
    month_date = month_or_404(month)
    unit = visible_unit_or_404(request.user, Level.COMMUNE, code, on=month_date)
    records = (
        ChangeRecord.objects.filter(unit=unit)
        .filter(Q(period=month_date) | Q(field="population", period=dt.date(month_date.year, 1, 1)))
        .select_related("user")
    )
    groups = {g.code: g.name for g in payer_groups(month_date)}
    changes = [
        {"record": r, "label": _label(r.field, groups), "channel": str(CHANNELS.get(r.channel, r.channel))}
        for r in records
    ]
    return render(request, "entry/entry_history.html", {"unit": unit, "month": month_date, "changes": changes})


def _label(name: str, groups: dict[str, str]) -> str:
    if name.startswith("group:"):
        return _("Nhóm: %(name)s") % {"name": groups.get(name[6:], name[6:])}
    return str(FIELD_LABELS.get(name, name))
