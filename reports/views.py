import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.shortcuts import render
from django_tables2 import RequestConfig

from communes.models import Enrollment, Level, Unit
from communes.scope import Scope, visible_unit_or_404

from .table_export import table_download, wants_xlsx
from .tables import CoverageRankingTable
from .tables_data import year_table


def _year_param(request, default: int) -> int:
    """?year=YYYY, or the default when absent or not a plausible year (a forged URL)."""
    text = request.GET.get("year", "")
    if text.isdigit() and 1990 <= int(text) <= 2100:
        return int(text)
    return default


def latest_year_with_data(units) -> int:
    latest = Enrollment.objects.filter(unit__in=units).aggregate(latest=Max("month"))["latest"]
    return latest.year if latest else dt.date.today().year


@login_required
def home(request):
    scope = Scope.of(request.user)
    visible = Unit.objects.visible_to(request.user)
    provinces = visible.provinces().order_by("name", "valid_from")
    districts = visible.districts().select_related("parent").order_by("parent__name", "name", "valid_from")
    communes = visible.communes().select_related("parent").order_by("name", "valid_from") if not districts else []
    return render(
        request,
        "reports/home.html",
        {"scope": scope, "provinces": provinces, "districts": districts, "communes": communes},
    )


@login_required
def district(request, code: str):
    requested_year = _year_param(request, 0) or None
    unit = visible_unit_or_404(request.user, Level.DISTRICT, code, year=requested_year)
    communes = Unit.objects.filter(parent=unit)
    year = requested_year or latest_year_with_data(communes)
    data = year_table(unit, year)
    table = CoverageRankingTable(data.rows, total=data.total, order_by=request.GET.get("sort"))
    table.year = year
    RequestConfig(request, paginate=False).configure(table)
    if wants_xlsx(request):
        return table_download(
            table, title=f"Xếp hạng bao phủ BHYT – {unit.full_name} – năm {year}", filename=f"xep-hang-{unit.code}-{year}.xlsx"
        )
    return render(
        request,
        "reports/district.html",
        {"unit": unit, "year": year, "data": data, "table": table, "years": _year_choices(year)},
    )


def _year_choices(year: int) -> list[int]:
    return list(range(2020, max(year, dt.date.today().year) + 1))
