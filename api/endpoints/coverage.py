"""The computed coverage of a unit, for a year or a month, and the rows its dashboard ranks."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from communes.models import Level
from communes.periods import month_end
from reports.views import default_year

from ..coverage_data import month_coverage, ranking, year_coverage
from ..errors import bad_parameter, not_found
from ..lookup import month_or_400, unit_or_404, year_or_400
from ..schemas import CoverageOut, RankingOut
from .units import REFUSALS

router = Router(tags=["Bao phủ"])
YEAR = Query(None, description="năm (mặc định: năm đang báo cáo, như trang bảng điều khiển)")


@router.get(
    "/units/{code}/coverage",
    response={200: CoverageOut, **REFUSALS},
    summary="Tỷ lệ bao phủ, chỉ tiêu, khoảng cách, trạng thái, dự báo của đơn vị",
)
def unit_coverage(
    request: HttpRequest,
    code: str,
    year: int | None = YEAR,
    month: str | None = Query(None, description="YYYY-MM: số liệu của một tháng thay cho cả năm"),
    on: dt.date | None = None,
    level: str | None = None,
):
    """For a year: the figures of the unit's dashboard (its headline; for a commune, its row in its
    district's or province's dashboard). For a month: the same arithmetic over that month."""
    chosen = month_or_400(month)
    if chosen is not None:
        if year is not None:
            raise bad_parameter("year", _("Chọn year hoặc month, không cả hai."))
        unit = unit_or_404(request, code, level=level, on=on or month_end(chosen))
        return month_coverage(unit, chosen)
    year_or_400(year)
    unit = unit_or_404(request, code, level=level, on=on, year=None if on else year)
    figures = year_coverage(unit, year or default_year(unit))
    if figures is None:
        raise not_found(_("%(unit)s không có số liệu năm %(year)s.") % {"unit": unit.full_name, "year": year})
    return figures


@router.get(
    "/units/{code}/coverage/children",
    response={200: RankingOut, **REFUSALS},
    summary="Các đơn vị trực thuộc được xếp hạng, như bảng của trang",
)
def unit_ranking(
    request: HttpRequest, code: str, year: int | None = YEAR, on: dt.date | None = None, level: str | None = None
):
    """The table of the unit's page for the year: its communes (a district; a province since
    7/2025), its districts (a province before), or the provinces (the country), ranked, with the
    totals row."""
    year_or_400(year)
    unit = unit_or_404(request, code, level=level, on=on, year=None if on else year)
    if unit.level == Level.COMMUNE:
        raise not_found(_("Xã không có đơn vị trực thuộc để xếp hạng."))
    return ranking(unit, year or default_year(unit))
