"""Monthly entry: the grid, reopening a closed month, a commune-month's history, completeness."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communes.calendar import closing_time, reporting_month
from communes.models import ChangeRecord, Enrollment, Level, Unit
from communes.numbers import NumberError, parse_optional_count
from communes.periods import add_months, parse_month
from communes.scope import Scope, visible_unit_or_404
from communes.successors import successors_of
from reports import coverage, formatting

from .forms import GridForm, ReopenForm
from .grid import field_name, initial_grid, kept_grid, read_grid
from .reopening import reopen_month
from .rows import entry_rows, month_status, payer_groups, resolve_area
from .save import Conflict, apply_grid, find_conflicts

URL_NAMES = {Level.DISTRICT: "entry", Level.PROVINCE: "province_entry"}


class _Ended(Exception):
    def __init__(self, unit: Unit):
        self.unit = unit


def _month_or_404(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise Http404(_("Tháng không hợp lệ."))
    return month


def _area_or_404(user, level: str, code: str, month: dt.date) -> Unit:
    """The district or province in force that month, if the user reaches into it; _Ended if it had ended."""
    area, ended = resolve_area(level=level, code=code, month=month)
    scope = Scope.of(user)
    if area is not None and scope.reaches_into(area):
        return area
    if ended is not None and scope.reaches_into(ended):
        raise _Ended(ended)
    raise Http404(_("Không tìm thấy đơn vị hoặc bạn không có quyền xem."))


def _ended_page(request, unit: Unit, month: dt.date, view_name: str):
    successors = [
        {"unit": s, "url_name": URL_NAMES.get(s.level) if view_name == "entry" else "province_completeness"}
        for s in successors_of(unit)
    ]
    return render(request, "entry/entry_ended.html",
                  {"unit": unit, "month": month, "successors": successors}, status=410)


@login_required
def entry_start(request, level: str, code: str):
    """The entry page of the month being reported, or of the unit's last month if it ended before."""
    unit = visible_unit_or_404(request.user, level, code, reach=True)
    month = reporting_month()
    if unit.valid_to is not None and unit.valid_to < month:
        month = unit.valid_to.replace(day=1)
    return redirect(URL_NAMES[level], code=unit.code, month=f"{month:%Y-%m}")


@login_required
def district_entry(request, code: str, month: str):
    return _entry(request, Level.DISTRICT, code, month)


@login_required
def province_entry(request, code: str, month: str):
    return _entry(request, Level.PROVINCE, code, month)


def _entry(request, level: str, code: str, month_text: str):
    month = _month_or_404(month_text)
    try:
        area = _area_or_404(request.user, level, code, month)
    except _Ended as ended:
        return _ended_page(request, ended.unit, month, "entry")
    status = month_status(area=area, month=month)
    rows = entry_rows(area=area, month=month, user=request.user, status=status)
    groups = payer_groups(month)
    if request.method != "POST":
        grid = initial_grid(rows=rows, groups=groups)
        return _render_entry(request, area, month, status, rows, groups, grid)
    _refuse_forged_post(request, rows, status)
    if not any(row.editable for row in rows):
        # The month closed (or its reopening ended) while the officer typed: say why, keep every
        # typed value on the page to copy, save nothing.
        grid = kept_grid(data=request.POST, rows=rows, groups=groups)
        return _render_entry(request, area, month, status, rows, groups, grid, http_status=403, kept=True)
    form = GridForm(request.POST, rows=rows, groups=groups, month=month)
    form.is_valid()
    if form.forged:
        return _render_entry(request, area, month, status, rows, groups, kept_grid(data=request.POST, rows=rows,
                             groups=groups), http_status=400, kept=True, refusal=_(
                                 "Biểu mẫu bị hỏng hoặc đã bị sửa (trường ẩn không hợp lệ): chưa lưu gì. Tải lại trang "
                                 "rồi nhập lại; các số vừa gõ còn bên dưới để chép."))
    grid = form.grid
    if grid.has_errors or grid.needs_confirmation:
        conflicts = find_conflicts(grid=grid, month=month, groups=groups)
        if conflicts:
            return _conflict_page(request, area, month, status, groups, conflicts)
        return _render_entry(request, area, month, status, rows, groups, grid)
    try:
        changes = apply_grid(grid=grid, month=month, user=request.user, groups=groups)
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
    return _render_entry(request, area, month, status, rows, groups, grid, http_status=409)


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


def _render_entry(request, area, month, status, rows, groups, grid, http_status: int = 200, kept: bool = False,
                  refusal: str = ""):
    scope = Scope.of(request.user)
    has_cohort = any(r.member for r in rows)
    lines = [{"item": item, "cells": _cells(item, groups, has_cohort), "source": _source_cell(item),
              "rate": coverage.coverage_rate(enrolled=_int(item.raw.get("enrolled")),
                                             population=_int(item.raw.get("population"))),
              "previous_rate": _previous_rate(item.row)} for item in grid.rows]
    context = {
        "area": area, "month": month, "status": status, "rows": rows, "groups": groups, "grid": grid,
        "lines": lines, "problems": _problems(lines, groups), "kept": kept, "refusal": refusal, "editable": any(r.editable for r in rows), "has_cohort": has_cohort,
        "can_reopen": not status.open and not status.future and scope.can_reopen(area),
        "previous_month": add_months(month, -1), "next_month": add_months(month, 1),
        "url_name": URL_NAMES[area.level], "ended_root": _ended_root(scope, month),
    }
    return render(request, "entry/entry.html", context, status=http_status)


def _cells(item, groups, has_cohort: bool) -> list[dict]:
    """The row's inputs in grid order; `col` is the column the keyboard and paste move along."""
    row = item.row
    previous = row.previous_progress
    spec = [("population", _population_hint(row)),
            ("enrolled", _previous_hint(row.previous.month if row.previous else None,
                                        row.previous.enrolled if row.previous else None))]
    spec += [(f"g-{g.code}", formatting.fmt_int(row.previous_groups.get(g.code), empty="")) for g in groups]
    if has_cohort:
        spec += [("affected", ""), ("affected_pupils", "")]
        spec += [(k, formatting.fmt_int(getattr(previous, k) if previous else None, empty="")) for k in ("pupils", "households")]
    spec += [("note", "")]
    return [_cell(item, key, col=col, hint=hint, groups=groups) for col, (key, hint) in enumerate(spec)]


def _source_cell(item) -> dict:
    """The new population's source sits under the population, in its cell: an error there is seen
    where the figure is, not in a column scrolled out of view; it is off the keyboard grid."""
    return _cell(item, "population_source", col=None, hint="", groups=[])


def _cell(item, key: str, *, col: int | None, hint: str, groups) -> dict:
    # What a screen reader says on entering the cell: the commune and the column, as a sighted
    # officer reads them off the row and the heading.
    label = f"{item.row.unit.full_name} – {column_label(key, groups)}"
    return {"key": key, "name": field_name(item.row.unit.code, key), "col": col, "hint": hint, "label": label,
            "present": key in item.raw, "value": item.raw.get(key, ""), "text": key in ("note", "population_source"),
            "error": item.errors.get(key), "warning": item.warnings.get(key)}


COLUMN_LABELS = {
    "population": gettext_lazy("Dân số"), "population_source": gettext_lazy("Nguồn dân số mới"),
    "enrolled": gettext_lazy("Số người tham gia BHYT"), "note": gettext_lazy("Ghi chú"),
    "affected": gettext_lazy("Số người bị ảnh hưởng (05-CT/HU)"),
    "affected_pupils": gettext_lazy("Số học sinh bị ảnh hưởng"),
    "pupils": gettext_lazy("Học sinh đã tham gia lại"), "households": gettext_lazy("Tham gia lại theo hộ"),
    "groups": gettext_lazy("Tổng các nhóm"),
}


def column_label(key: str, groups) -> str:
    if key.startswith("g-"):
        names = {g.code: g.name for g in groups}
        return _("Nhóm: %(name)s") % {"name": names.get(key[2:], key[2:])}
    return str(COLUMN_LABELS.get(key, key))


def _problems(lines, groups) -> list[dict]:
    """Every error and warning of the grid, listed above it: 'Xã – ô – lỗi', each a link to its cell,
    so none is missed in a wide grid that scrolls sideways."""
    out = []
    for line in lines:
        item = line["item"]
        for cell in [*line["cells"], line["source"]]:
            for kind in ("error", "warning"):
                if cell[kind]:
                    out.append({"unit": item.row.unit.full_name, "column": column_label(cell["key"], groups),
                                "message": cell[kind], "kind": kind, "anchor": cell["name"]})
        if item.warnings.get("groups"):
            out.append({"unit": item.row.unit.full_name, "column": column_label("groups", groups),
                        "message": item.warnings["groups"], "kind": "warning",
                        "anchor": field_name(item.row.unit.code, "enrolled")})
    return out


def _population_hint(row) -> str:
    population = row.population
    if population is None:
        return ""
    return f"{population.year}" + (f" · {population.source}" if population.source else "")


def _previous_hint(month, value) -> str:
    return f"T{month:%m/%Y}: {formatting.fmt_int(value)}" if month else ""


def _int(text) -> int | None:
    try:
        return parse_optional_count(text)
    except NumberError:
        return None


def _previous_rate(row):
    if not row.previous or not row.previous_population:
        return None
    return coverage.coverage_rate(enrolled=row.previous.enrolled, population=row.previous_population.population)


def _ended_root(scope: Scope, month: dt.date):
    """An officer's own commune that no longer exists that month, and what replaced it."""
    root = scope.root
    if root is None or root.valid_to is None or root.valid_to >= month:
        return None
    return {"unit": root, "successors": successors_of(root)}


@login_required
@require_POST
def reopen(request, level: str, code: str, month: str):
    month_date = _month_or_404(month)
    try:
        area = _area_or_404(request.user, level, code, month_date)
    except _Ended as ended:
        raise Http404 from ended
    if not Scope.of(request.user).can_reopen(area):
        raise PermissionDenied(_("Chỉ lãnh đạo hoặc quản trị viên được mở lại tháng đã khoá."))
    status = month_status(area=area, month=month_date)
    form = ReopenForm(request.POST)
    if status.future or status.open:
        messages.error(request, _("Tháng này không bị khoá."))
    elif not form.is_valid():
        messages.error(request, _("Mở lại: %(problems)s") % {
            "problems": " ".join(message for errors in form.errors.values() for message in errors)})
    else:
        reopening = reopen_month(area=area, month=month_date, days=form.cleaned_data["days"],
                                 reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Đã mở lại tháng %(month)s đến %(until)s.")
                         % {"month": f"{month_date:%m/%Y}", "until": formatting.fmt_datetime(reopening.until)})
    return redirect(URL_NAMES[area.level], code=area.code, month=month)


FIELD_LABELS = {
    "enrolled": gettext_lazy("Số người tham gia"), "population": gettext_lazy("Dân số"),
    "cohort_affected": gettext_lazy("Số người bị ảnh hưởng"),
    "cohort_affected_pupils": gettext_lazy("Số học sinh bị ảnh hưởng"),
    "cohort_pupils": gettext_lazy("Học sinh đã tham gia lại"), "cohort_households": gettext_lazy("Tham gia lại theo hộ"),
}


CHANNELS = {"entry": gettext_lazy("Nhập tay"), "import": gettext_lazy("Nhập từ Excel"),
            "admin": gettext_lazy("Quản trị")}


@login_required
def commune_entry_history(request, code: str, month: str):
    month_date = _month_or_404(month)
    unit = visible_unit_or_404(request.user, Level.COMMUNE, code, on=month_date)
    records = ChangeRecord.objects.filter(unit=unit).filter(
        Q(period=month_date) | Q(field="population", period=dt.date(month_date.year, 1, 1))
    ).select_related("user")
    groups = {g.code: g.name for g in payer_groups(month_date)}
    changes = [{"record": r, "label": _label(r.field, groups), "channel": str(CHANNELS.get(r.channel, r.channel))}
               for r in records]
    return render(request, "entry/entry_history.html", {"unit": unit, "month": month_date, "changes": changes})


def _label(name: str, groups: dict[str, str]) -> str:
    if name.startswith("group:"):
        return _("Nhóm: %(name)s") % {"name": groups.get(name[6:], name[6:])}
    return str(FIELD_LABELS.get(name, name))


@login_required
def district_completeness(request, code: str, month: str):
    return _completeness(request, Level.DISTRICT, code, month)


@login_required
def province_completeness(request, code: str, month: str):
    return _completeness(request, Level.PROVINCE, code, month)


def _completeness(request, level: str, code: str, month_text: str):
    month = _month_or_404(month_text)
    try:
        area = _area_or_404(request.user, level, code, month)
    except _Ended as ended:
        return _ended_page(request, ended.unit, month, "completeness")
    communes = Scope.of(request.user).filter_visible(Unit.objects.communes().within(area).in_force(month))
    communes = list(communes.order_by("code"))
    deadline = closing_time(month)
    enrollments = {e.unit_id: e for e in Enrollment.objects.filter(unit__in=communes, month=month)}
    first = dict(ChangeRecord.objects.filter(unit__in=communes, period=month, field="enrolled")
                 .values("unit").annotate(first=Min("at")).values_list("unit", "first"))
    rows = []
    for unit in communes:
        enrollment = enrollments.get(unit.pk)
        reported_at = first.get(unit.pk) or (enrollment.entered_at if enrollment else None)
        state = "missing" if enrollment is None else ("on_time" if reported_at < deadline else "late")
        rows.append({"unit": unit, "enrollment": enrollment, "reported_at": reported_at, "state": state})
    summary = {s: sum(1 for r in rows if r["state"] == s) for s in ("on_time", "late", "missing")}
    return render(request, "entry/entry_completeness.html", {
        "area": area, "month": month, "rows": rows, "summary": summary,
        "last_day": timezone.localtime(deadline - dt.timedelta(seconds=1)),
        "url_name": "completeness" if level == Level.DISTRICT else "province_completeness",
        "entry_url_name": URL_NAMES[level], "previous_month": add_months(month, -1), "next_month": add_months(month, 1),
    })
