"""Pushing a month's counts for a set of communes: the entry grid's own path, without its page.

The JSON becomes the grid's POST fields (`<code>-enrolled`, `<code>-version`, …; entry/grid.py),
judged by the grid's form (entry/forms.py), guarded and saved by entry/save.py: the same messages,
warnings, version check, closing rules and change records as a save on the page, the records
marked channel "api" and opened by the token's name. Only the communes named are part of the
grid: a neighbour's stored figures are neither judged nor written."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Enrollment, Population, Unit
from communes.scope import Scope
from entry.forms import GridForm
from entry.grid import GridInput, field_name
from entry.rows import Row, entry_rows, month_status, payer_groups
from entry.save import Conflict, apply_grid, find_conflicts
from reports import formatting

from .errors import ApiError
from .lookup import month_text, unit_ref
from .schemas import PushIn

CHANNEL = "api"
CELLS = ("enrolled", "population", "population_source", "note")


@dataclass
class Pushed:
    changes: int
    body: dict


def push_month(*, area: Unit, month: dt.date, user, payload: PushIn, token_name: str) -> Pushed:
    """Validate and save; every refusal is an ApiError and leaves the data as it was."""
    status = month_status(area=area, month=month)
    rows = _named_rows(area=area, month=month, user=user, status=status, payload=payload)
    groups = payer_groups(month)
    data = _fields(payload, groups={g.code for g in groups})
    form = GridForm(data, rows=rows, groups=groups, month=month, area=area)
    form.is_valid()
    if form.forged:
        raise ApiError(422, "invalid_request", _("read_at hoặc version không hợp lệ: chưa lưu gì."))
    grid = form.grid
    if payload.confirm:
        # "confirm": true ticks every warning's box, as an officer does beside each cell.
        for item in grid.rows:
            item.confirmed |= set(item.tokens.values())
    if grid.has_errors or grid.needs_confirmation:
        # As the page: a figure that went stale under the client is a conflict to be named first.
        if conflicts := find_conflicts(grid=grid, month=month, groups=groups):
            raise _conflict(conflicts, rows, payload, month)
        if grid.has_errors:
            raise ApiError(
                422,
                "invalid_figures",
                _("Số liệu chưa hợp lệ: chưa lưu gì. Sửa các ô được nêu rồi gửi lại."),
                problems=_problems(grid, "errors"),
            )
        raise ApiError(
            422,
            "confirmation_required",
            _('Có cảnh báo cần xác nhận: chưa lưu gì. Kiểm tra lại, hoặc gửi lại với "confirm": true.'),
            problems=_problems(grid, "warnings"),
        )
    via = _("API, khoá “%(name)s”") % {"name": token_name}
    try:
        changes = apply_grid(grid=grid, month=month, user=user, groups=groups, channel=CHANNEL, via=via)
    except Conflict as conflict:
        raise _conflict(conflict.messages, rows, payload, month) from None
    message = _("Đã lưu %(n)s thay đổi.") % {"n": changes} if changes else _("Không có gì thay đổi.")
    return Pushed(
        changes=changes,
        body={
            "unit": unit_ref(area),
            "month": month_text(month),
            "changes": changes,
            "message": message,
            "communes": _saved(rows, month),
            "confirmed": _problems(grid, "warnings") if payload.confirm else [],
        },
    )


def _named_rows(*, area: Unit, month: dt.date, user, status, payload: PushIn) -> list[Row]:
    """The grid's rows of the communes the payload names; refused whole when one is unknown, named
    twice, or not the token's to change now (nothing is silently left out)."""
    codes = [item.code for item in payload.communes]
    if len(set(codes)) != len(codes):
        twice = sorted({code for code in codes if codes.count(code) > 1})
        raise ApiError(
            422, "invalid_request", _("Mỗi xã chỉ được nêu một lần: %(codes)s.") % {"codes": ", ".join(twice)}
        )
    by_code = {row.unit.code: row for row in entry_rows(area=area, month=month, user=user, status=status)}
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        # Not under the area that month, or not visible to the token: both answer the same.
        raise ApiError(
            404,
            "not_found",
            _("Không tìm thấy xã %(codes)s trong %(area)s tháng %(month)s, hoặc bạn không có quyền xem.")
            % {"codes": ", ".join(unknown[:20]), "area": area.full_name, "month": f"{month:%m/%Y}"},
        )
    rows = [by_code[code] for code in codes]
    locked = [row for row in rows if not row.editable]
    if locked:
        scope = Scope.of(user)
        if all(scope.can_edit(row.unit) for row in locked):
            raise ApiError(
                403,
                "month_not_open" if status.future else "month_closed",
                status.reason or _("Tháng này đang khoá sổ."),
            )
        raise ApiError(
            403,
            "forbidden",
            _("Bạn không có quyền sửa số liệu của: %(units)s.")
            % {"units": ", ".join(row.unit.full_name for row in locked[:20])},
        )
    return rows


def _fields(payload: PushIn, *, groups: set[str]) -> dict[str, str]:
    """The grid's POST fields for the named communes: a field the JSON leaves out is left out here
    too, so the cell keeps its stored value; null is an empty cell."""
    data = {"opened": _aware(payload.read_at).isoformat() if payload.read_at else ""}
    unknown: list[str] = []
    for item in payload.communes:
        data[field_name(item.code, "version")] = str(item.version)
        for cell in CELLS:
            if cell in item.model_fields_set:
                data[field_name(item.code, cell)] = _text(getattr(item, cell))
        for group, value in (item.groups or {}).items():
            if group not in groups:
                unknown.append(group)
            data[field_name(item.code, f"g-{group}")] = _text(value)
    if unknown:
        raise ApiError(
            422,
            "invalid_request",
            _("Không có nhóm đối tượng mã %(codes)s trong tháng này.") % {"codes": ", ".join(sorted(set(unknown)))},
        )
    return data


def _text(value) -> str:
    return "" if value is None else str(value)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _problems(grid: GridInput, kind: str) -> list[dict]:
    return [
        {"commune": item.row.unit.code, "field": key, "message": message}
        for item in grid.rows
        for key, message in getattr(item, kind).items()
    ]


def _conflict(messages: list[str], rows: list[Row], payload: PushIn, month: dt.date) -> ApiError:
    """409, naming who changed what when (the grid's messages), with each commune's figure as it is
    now where its version is not the one sent, so the client can read it again before deciding."""
    sent = {item.code: item.version for item in payload.communes}
    stored = {
        e.unit_id: e
        for e in Enrollment.objects.filter(unit__in=[row.unit for row in rows], month=month).select_related(
            "entered_by"
        )
    }
    current = [
        {
            "code": row.unit.code,
            "version": e.version,
            "enrolled": e.enrolled,
            "entered_by": formatting.person(e.entered_by, empty="") or None,
            "entered_at": timezone.localtime(e.entered_at),
        }
        for row in rows
        if (e := stored.get(row.unit.pk)) is not None and e.version != sent[row.unit.code]
    ]
    return ApiError(
        409,
        "conflict",
        _("Số liệu đã được người khác sửa sau khi bạn đọc: chưa lưu gì. Đọc lại rồi gửi lại với version mới."),
        problems=[_conflict_problem(m, rows) for m in messages],
        current=current,
    )


def _conflict_problem(message: str, rows: list[Row]) -> dict:
    """The grid's message opens with the commune's name: its code beside it, when the name is not
    shared by two communes of the push."""
    named = [row.unit.code for row in rows if message.startswith(f"{row.unit.full_name}:")]
    return {"commune": named[0] if len(named) == 1 else None, "field": None, "message": message}


def _saved(rows: list[Row], month: dt.date) -> list[dict]:
    """Each named commune's figures as stored now (values, not models: a province's 168 rows)."""
    units = [row.unit.pk for row in rows]
    counts = {
        unit: (version, enrolled)
        for unit, version, enrolled in Enrollment.objects.filter(unit__in=units, month=month).values_list(
            "unit", "version", "enrolled"
        )
    }
    populations = dict(Population.objects.filter(unit__in=units, year=month.year).values_list("unit", "population"))
    return [
        {
            "code": row.unit.code,
            "version": counts.get(row.unit.pk, (0, None))[0],
            "enrolled": counts.get(row.unit.pk, (0, None))[1],
            "population": populations.get(row.unit.pk),
        }
        for row in rows
    ]
