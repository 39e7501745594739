"""Monthly figures: a unit's sums month by month, and its communes' stored counts and populations
for incremental sync (`updated_since` + keyset pages)."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from communes.calendar import reporting_month
from communes.models import Enrollment, EnrollmentByGroup, Level, Population, Unit
from communes.periods import add_months
from reports import formatting, series

from ..auth import scope_of
from ..errors import bad_parameter
from ..lookup import month_or_400, month_text, number, unit_brief, unit_or_404, unit_ref, year_or_400
from ..pagination import next_link, paginate
from ..schemas import FigurePage, MonthsOut, PopulationPage
from ..sync import SINCE, changed_since
from .units import REFUSALS

router = Router(tags=["Số liệu hằng tháng"])
DEFAULT_MONTHS = 60


@router.get(
    "/units/{code}/months",
    response={200: MonthsOut, **REFUSALS},
    summary="Tổng số tham gia và dân số của đơn vị theo tháng",
)
def unit_months(
    request: HttpRequest,
    code: str,
    start: str | None = None,
    end: str | None = None,
    on: dt.date | None = None,
    level: str | None = None,
):
    """Σ enrolled and Σ population over the unit's communes month by month (a commune: its own
    figures), the sums the dashboards chart; 60 months up to the month being reported by default."""
    unit = unit_or_404(request, code, level=level, on=on)
    last = month_or_400(end, "end") or reporting_month()
    first = month_or_400(start, "start") or add_months(last, -(DEFAULT_MONTHS - 1))
    if first > last:
        raise bad_parameter("start", _("start phải trước end."))
    if unit.level == Level.COMMUNE:
        sums = series.monthly_sums([unit], start=first, end=last)
    else:
        sums = series.area_sums([unit], start=first, end=last).get(unit.pk, {})
    months = [
        {
            "month": month_text(s.month),
            "enrolled": s.enrolled,
            "population": s.population,
            "rate": number(s.rate),
            "reported": s.reported,
            "synthetic": s.synthetic,
        }
        for _month, s in sorted(sums.items())
    ]
    return {"unit": unit_ref(unit), "start": month_text(first), "end": month_text(last), "months": months}


@router.get(
    "/units/{code}/figures",
    response={200: FigurePage, **REFUSALS},
    summary="Số tham gia của từng xã theo tháng (đồng bộ)",
)
def unit_figures(
    request: HttpRequest,
    code: str,
    start: str | None = None,
    end: str | None = None,
    updated_since: dt.datetime | None = SINCE,
    on: dt.date | None = None,
    level: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Each commune-month count under the unit (the unit itself for a commune), with its version,
    its payer groups and who entered it when; ordered by entry time, so a sync reads what changed."""
    now = timezone.now()
    unit = unit_or_404(request, code, level=level, on=on)
    counts = Enrollment.objects.filter(unit__in=_units_under(request, unit)).select_related("unit", "entered_by")
    if (first := month_or_400(start, "start")) is not None:
        counts = counts.filter(month__gte=first)
    if (last := month_or_400(end, "end")) is not None:
        counts = counts.filter(month__lte=last)
    counts = changed_since(counts, updated_since, field="entered_at")
    page = paginate(counts, order=("entered_at", "pk"), cursor=cursor, limit=limit)
    groups: dict[int, dict[str, int]] = {}
    for item in EnrollmentByGroup.objects.filter(enrollment__in=page.items).select_related("group"):
        groups.setdefault(item.enrollment_id, {})[item.group.code] = item.enrolled
    items = [
        {
            "unit": unit_brief(e.unit),
            "month": month_text(e.month),
            "enrolled": e.enrolled,
            "note": e.note,
            "source": e.source,
            "version": e.version,
            "groups": groups.get(e.pk, {}),
            "is_synthetic": e.is_synthetic,
            "entered_at": timezone.localtime(e.entered_at),
            "entered_by": formatting.person(e.entered_by, empty="") or None,
        }
        for e in page.items
    ]
    return {"unit": unit_ref(unit), "server_time": now, "items": items, "next": next_link(request, page)}


@router.get(
    "/units/{code}/populations",
    response={200: PopulationPage, **REFUSALS},
    summary="Dân số từng năm của các xã (đồng bộ)",
)
def unit_populations(
    request: HttpRequest,
    code: str,
    year: int | None = None,
    updated_since: dt.datetime | None = SINCE,
    on: dt.date | None = None,
    level: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Each commune's population per year, with its source and date, ordered by entry time."""
    now = timezone.now()
    unit = unit_or_404(request, code, level=level, on=on)
    rows = Population.objects.filter(unit__in=_units_under(request, unit)).select_related("unit")
    if year_or_400(year) is not None:
        rows = rows.filter(year=year)
    rows = changed_since(rows, updated_since, field="entered_at")
    page = paginate(rows, order=("entered_at", "pk"), cursor=cursor, limit=limit)
    items = [
        {
            "unit": unit_brief(p.unit),
            "year": p.year,
            "population": p.population,
            "source": p.source,
            "as_of": p.as_of,
            "is_synthetic": p.is_synthetic,
            "entered_at": timezone.localtime(p.entered_at),
        }
        for p in page.items
    ]
    return {"unit": unit_ref(unit), "server_time": now, "items": items, "next": next_link(request, page)}


def _units_under(request, unit: Unit):
    """The unit and every unit below it, at any time, that the token sees."""
    return scope_of(request).filter_visible(Unit.objects.within(unit)).values("pk")
