"""The area and month an entry URL names, as every entry page reads them: a month that parses, a
district or province in force that month that the user reaches into, or the page saying it ended."""

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from communes.models import Level, Unit
from communes.periods import parse_month
from communes.scope import Scope
from communes.successors import successors_of

from .rows import resolve_area

URL_NAMES = {Level.DISTRICT: "entry", Level.PROVINCE: "province_entry"}


class Ended(Exception):
    """The URL names a unit that had ended by that month; the page says what carries it on."""

    def __init__(self, unit: Unit):
        self.unit = unit


def month_or_404(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise Http404(_("Tháng không hợp lệ."))
    return month


def area_or_404(user, level: str, code: str, month: dt.date) -> Unit:
    """The district or province in force that month, if the user reaches into it; Ended if it had ended."""
    area, ended = resolve_area(level=level, code=code, month=month)
    scope = Scope.of(user)
    if area is not None and scope.reaches_into(area):
        return area
    if ended is not None and scope.reaches_into(ended):
        raise Ended(ended)
    raise Http404(_("Không tìm thấy đơn vị hoặc bạn không có quyền xem."))


def ended_page(request, unit: Unit, month: dt.date, view_name: str):
    successors = [
        {"unit": s, "url_name": URL_NAMES.get(s.level) if view_name == "entry" else "province_completeness"}
        for s in successors_of(unit)
    ]
    return render(
        request, "entry/entry_ended.html", {"unit": unit, "month": month, "successors": successors}, status=410
    )
