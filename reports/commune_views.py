"""The commune page and the province's communes ranking: history across the 2025 reform."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from communes.models import Level, Unit
from communes.scope import visible_unit_or_404

from .commune_data import commune_page, date_param
from .commune_tables import ProvinceCommunesTable
from .formatting import separators_fixed_in
from .province_communes import communes_then, communes_today
from .table_export import table_download, wants_xlsx
from .views import default_year, year_choices, year_param


def _todays_units(request) -> bool:
    return request.GET.get("units") == "today"


@login_required
@separators_fixed_in
def commune(request, code: str):
    on = date_param(request.GET.get("on"))
    if request.GET.get("on") and on is None:
        messages.warning(
            request,
            _("Ngày “%(text)s” không hợp lệ (viết YYYY-MM-DD): trang hiển thị đơn vị hiện nay.")
            % {"text": request.GET["on"][:20]},
        )
    year = None if on else year_param(request)
    unit = visible_unit_or_404(request.user, Level.COMMUNE, code, on=on, year=year)
    page = commune_page(unit, todays_units=_todays_units(request))
    selector = f"on={on.isoformat()}&" if on else (f"year={year}&" if year else "")
    return render(
        request,
        "reports/commune.html",
        {
            "page": page,
            "unit": unit,
            "selector": selector,
            "today": dt.date.today(),
            "history_url": _history_url(unit, page.last_counted),
        },
    )


def _history_url(unit: Unit, latest: dt.date | None) -> str:
    """The entry history of the unit's latest month with a figure (else its last month in force)."""
    month = latest or min(unit.valid_to or dt.date.today(), dt.date.today()).replace(day=1)
    return reverse("commune_entry_history", args=[unit.code, f"{month:%Y-%m}"])


@login_required
@separators_fixed_in
def province_communes(request, code: str):
    todays_units = _todays_units(request)
    on = None if todays_units else date_param(request.GET.get("on"))
    requested_year = year_param(request) or (on.year if on else None)
    # Today's communes belong to the province in force today; otherwise to the one of that date or year
    # (?on= reaches a province that ended during the year, e.g. Bắc Giang in the first half of 2025).
    province = visible_unit_or_404(
        request.user, Level.PROVINCE, code, on=on, year=None if todays_units else requested_year
    )
    year = requested_year or default_year(province)
    data = communes_today(province, year) if todays_units else communes_then(province, year)
    table = ProvinceCommunesTable(
        data.rows, total=data.total, year=year, todays_units=todays_units, order_by=request.GET.get("sort")
    )
    RequestConfig(request, paginate=False).configure(table)
    mode = "units=today&" if todays_units else ""
    if wants_xlsx(request):
        title = f"Xếp hạng các xã – {province.full_name} – năm {year}"
        if todays_units:
            title += " (theo đơn vị hiện nay)"
        return table_download(
            table, title=title, filename=f"xa-{province.code}-{year}{'-hien-nay' if todays_units else ''}.xlsx"
        )
    table.hide_empty_columns()  # on the page only: the workbook keeps its columns
    return render(
        request,
        "reports/province_communes.html",
        {
            "unit": province,
            "year": year,
            "data": data,
            "table": table,
            "years": year_choices(year),
            "todays_units": todays_units,
            "mode": mode,
            "today": dt.date.today(),
            "namesakes": Unit.objects.filter(level=province.level, code=province.code)
            .exclude(pk=province.pk)
            .order_by("valid_from"),
        },
    )
