"""What `make bench` measures on the old three-level country (`coverage_bench_history`): the pages
that read the years before the reform."""

from django.db.models import Count

from communes.models import Level, Unit
from targets.models import TargetDocument

from . import floors, workbook_alone
from .history_documents import NATIONAL_PLAN_NUMBER
from .results import Case

YEAR = 2023  # a whole year of the old country, well before the reform


def _communes_per(parent_field: str, level: str):
    return Unit.objects.filter(level=level, is_synthetic=True).annotate(n=Count(parent_field)).order_by("n", "code")


def context() -> dict:
    districts = _communes_per("children", Level.DISTRICT)
    provinces = _communes_per("children", Level.PROVINCE)
    return {
        "year": YEAR,
        "district": districts.last(),
        "small_district": districts.first(),
        "province": provinces.last(),
        "small_province": provinces.first(),
        "commune": Unit.objects.filter(parent=districts.last()).order_by("code").first(),
        "national_plan": TargetDocument.objects.filter(number=NATIONAL_PLAN_NUMBER, is_synthetic=True).first(),
    }


def _url(pattern: str, key: str):
    return lambda ctx: pattern.format(code=ctx[key].code, year=ctx["year"]) if ctx.get(key) else None


_DISTRICT = "/districts/{code}/?year={year}"
_PROVINCE = "/provinces/{code}/?year={year}"
_PROVINCES = "SELECT u.id FROM communes_unit u WHERE u.level = 'province'"
_DISTRICTS = "SELECT u.id FROM communes_unit u WHERE u.parent_id = %s"

CASES = [
    Case(
        "Bảng điều khiển huyện (30 xã), 2023",
        _url(_DISTRICT, "district"),
        floors.area_page("district"),
        small_url=_url(_DISTRICT, "small_district"),
    ),
    Case(
        "Xếp hạng các huyện của tỉnh lớn nhất (27 huyện), 2023",
        _url(_PROVINCE, "province"),
        floors.ranking_page(_DISTRICTS, lambda ctx: [ctx["province"].pk]),
        small_url=_url(_PROVINCE, "small_province"),
    ),
    Case(
        "Trang toàn quốc 2023 (63 tỉnh)",
        f"/country/?year={YEAR}",
        floors.ranking_page(_PROVINCES, lambda ctx: [], through_districts=True),
    ),
    Case("Trang xã (01/2021–06/2025)", _url("/communes/{code}/", "commune"), floors.commune_page),
    Case(
        "Xuất phụ lục kế hoạch toàn quốc (~10.600 xã)",
        lambda ctx: f"/documents/{ctx['national_plan'].pk}/annex.xlsx" if ctx.get("national_plan") else None,
        floors.annex("national_plan"),
        unskippable=workbook_alone.writing(),
        note="the synthetic national plan TQ/KH-MP of the old country: every commune's plan for 2022–2025",
    ),
]
