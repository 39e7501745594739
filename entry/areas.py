"""The month an entry URL names, and the page saying a unit had ended by then. The district or
province itself is looked up by the scope module (communes.scope.visible_unit_or_404, with
or_ended=True), as every page looks its unit up."""

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from communes.models import Level, Unit
from communes.periods import parse_month
from communes.successors import successors_of

URL_NAMES = {Level.DISTRICT: "entry", Level.PROVINCE: "province_entry"}


def month_or_404(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise Http404(_("Tháng không hợp lệ."))
    return month


def ended_page(request, unit: Unit, month: dt.date, view_name: str):
    successors = [
        {"unit": s, "url_name": URL_NAMES.get(s.level) if view_name == "entry" else "province_completeness"}
        for s in successors_of(unit)
    ]
    return render(
        request, "entry/entry_ended.html", {"unit": unit, "month": month, "successors": successors}, status=410
    )
