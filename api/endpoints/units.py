"""Units over time: a unit by code and date, with what it came from and what it became; lists."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from communes.models import Unit, UnitSuccession
from communes.successors import successors_today

from ..auth import scope_of
from ..lookup import level_or_400, unit_or_404, unit_ref
from ..pagination import next_link, paginate
from ..schemas import ErrorOut, UnitOut, UnitPage
from ..sync import SINCE, changed_since

router = Router(tags=["Đơn vị hành chính"])
REFUSALS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.get("/units", response={200: UnitPage, **REFUSALS}, summary="Danh sách đơn vị (trong phạm vi của khoá)")
def list_units(
    request: HttpRequest,
    on: dt.date | None = None,
    level: str | None = None,
    parent: str | None = Query(None, description="mã đơn vị cấp trên: chỉ các đơn vị trực thuộc"),
    updated_since: dt.datetime | None = SINCE,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Units in force on `on` (today by default), of one level or all, that the token may see, by
    code. With `updated_since`, those changed since, in the order of their change; and without
    `on`, of any time: a unit a new list ended is read with its end (valid_to), where today's
    units would leave it out and a client syncing would never learn it ended."""
    now = timezone.now()
    units = scope_of(request).filter_visible(Unit.objects.all()).select_related("parent")
    if updated_since is None or on is not None:
        units = units.in_force(on or dt.date.today())
    if level_or_400(level) is not None:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent=unit_or_404(request, parent, on=on or dt.date.today()))
    if updated_since is None:
        order = ("code", "pk")
    else:
        units, order = changed_since(units, updated_since, field="updated_at"), ("updated_at", "pk")
    page = paginate(units, order=order, cursor=cursor, limit=limit)
    items = [
        {
            **unit_ref(u),
            "parent_id": u.parent_id,
            "parent_code": u.parent.code if u.parent else None,
            "updated_at": timezone.localtime(u.updated_at),
        }
        for u in page.items
    ]
    return {"server_time": now, "items": items, "next": next_link(request, page)}


@router.get("/units/{code}", response={200: UnitOut, **REFUSALS}, summary="Một đơn vị theo mã và ngày")
def get_unit(request: HttpRequest, code: str, on: dt.date | None = None, level: str | None = None):
    """The unit that bore the code on `on` (a code is reused after a merger: 07537 was Xã Phong Vân
    until 30/6/2025, Xã Biên Sơn since), else today's; its predecessors, successors and the units
    of today that carry it on."""
    unit = unit_or_404(request, code, level=level, on=on)
    successions = UnitSuccession.objects.select_related("predecessor", "successor")
    versions = Unit.objects.filter(level=unit.level, code=unit.code).exclude(pk=unit.pk).order_by("valid_from")
    return {
        **unit_ref(unit),
        "parent": unit_ref(unit.parent) if unit.parent else None,
        "is_synthetic": unit.is_synthetic,
        "source": unit.source,
        "predecessors_outside": unit.predecessors_outside,
        "predecessors": [
            _succession(s, s.predecessor)
            for s in successions.filter(successor=unit).order_by("effective_on", "predecessor__code")
        ],
        "successors": [
            _succession(s, s.successor)
            for s in successions.filter(predecessor=unit).order_by("effective_on", "successor__code")
        ],
        "successors_today": [unit_ref(u) for u in successors_today(unit)],
        "versions": [unit_ref(u) for u in versions],
    }


def _succession(link: UnitSuccession, unit: Unit) -> dict:
    return {"unit": unit_ref(unit), "effective_on": link.effective_on, "whole": link.whole, "note": link.note}
