"""What `make bench` measures on today's country (`coverage_bench`), and the goals.

The context is found in the database: the province with the most communes (168) and the one with
the fewest, a commune of the largest with history since 01/2021, this year's synthetic national
plan of every commune (3.321 annex rows) and the provinces' plans (bench/today_documents.py).
"""

from django.db.models import Count, Q

from communes.calendar import reporting_month
from communes.models import Level
from targets.models import TargetDocument

from . import edits, floors, workbook_alone
from .results import Case
from .today import FIRST_MONTH, todays
from .today_documents import national_decision_number, national_plan_number, province_plan_number


def context() -> dict:
    """The units and documents the cases use. Call it with the bench's settings in force: the
    month being reported depends on ENTRY_CLOSE_DAYS."""
    month = reporting_month()
    year = month.year
    in_force = Q(children__valid_to__isnull=True, children__level=Level.COMMUNE)
    provinces = todays(Level.PROVINCE).annotate(n=Count("children", filter=in_force)).order_by("n", "code")
    big, small = provinces.last(), provinces.first()
    commune = todays(Level.COMMUNE).filter(parent=big, valid_from=FIRST_MONTH).order_by("code").first()

    def document(number: str) -> TargetDocument | None:
        return TargetDocument.objects.filter(number=number, is_synthetic=True).first()

    return {
        "year": year,
        "month": month,
        "big_province": big,
        "small_province": small,
        "commune": commune,
        "communes": big.n if big else 0,
        "national_plan": document(national_plan_number(year)),
        "national_decision": document(national_decision_number(year)),
        "big_plan": document(province_plan_number(big.code, year)) if big else None,
        "small_plan": document(province_plan_number(small.code, year)) if small else None,
    }


def _unit_url(pattern: str, key: str):
    def resolve(ctx: dict) -> str | None:
        unit = ctx.get(key)
        return pattern.format(code=unit.code, year=ctx["year"], month=f"{ctx['month']:%Y-%m}") if unit else None

    return resolve


def _document_url(pattern: str, key: str):
    return lambda ctx: pattern.format(ctx[key].pk) if ctx.get(key) else None


_PROVINCE = "/provinces/{code}/?year={year}"
_GRID = "/provinces/{code}/entry/{month}/"
_ANNEX, _ACTUALS = "/documents/{0}/annex.xlsx", "/documents/{0}/annex-actuals.xlsx"
_PROVINCES = "SELECT u.id FROM communes_unit u WHERE u.level = 'province' AND u.valid_to IS NULL"

CASES = [
    Case(
        "Bảng điều khiển tỉnh lớn nhất (168 xã)",
        _unit_url(_PROVINCE, "big_province"),
        floors.area_page("big_province"),
        goal_ms=60,
        small_url=_unit_url(_PROVINCE, "small_province"),
    ),
    Case("Trang xã (số liệu từ 01/2021)", _unit_url("/communes/{code}/", "commune"), floors.commune_page, goal_ms=25),
    Case("Trang toàn quốc (34 tỉnh)", "/country/", floors.ranking_page(_PROVINCES, lambda ctx: []), goal_ms=100),
    Case(
        "Mở lưới nhập 168 xã (tháng đang báo cáo)",
        _unit_url(_GRID, "big_province"),
        floors.grid("big_province"),
        goal_ms=60,
        small_url=_unit_url(_GRID, "small_province"),
    ),
    Case(
        "Lưu lưới nhập 168 xã",
        _unit_url(_GRID, "big_province"),
        floors.save("big_province"),
        action="resubmit",
        edit=edits.shift_enrolled(),
        unskippable=edits.save_writes("big_province"),
        goal_ms=150,
        small_url=_unit_url(_GRID, "small_province"),
        note="the page's own form posted back urlencoded, every commune's enrolled count one lower then one "
        "higher: every timed save writes 168 counts and their audit records",
    ),
    Case(
        "Xuất phụ lục kế hoạch toàn quốc theo xã (3.321 dòng)",
        _document_url(_ANNEX, "national_plan"),
        floors.annex("national_plan"),
        unskippable=workbook_alone.writing(),
        goal_ms=2_000,
        goal_mb=150,
        note="the synthetic national plan of every commune (make_synthetic_country --today): 3.321 annex rows",
    ),
    Case(
        "Xuất phụ lục và thực hiện, kế hoạch toàn quốc theo xã (3.321 dòng)",
        _document_url(_ACTUALS, "national_plan"),
        floors.annex_actuals("national_plan"),
        unskippable=workbook_alone.writing(),
        goal_ms=2_000,
        goal_mb=150,
        note="the same plan beside the actuals; a national document's actuals are read per province "
        "(reports/annex_actuals.py), so its 3.321 commune lines carry the plan and the provinces' lines the actuals",
    ),
    Case(
        "Xuất phụ lục quyết định toàn quốc (34 tỉnh)",
        _document_url(_ACTUALS, "national_decision"),
        floors.annex_actuals("national_decision"),
        unskippable=workbook_alone.writing(),
    ),
    Case(
        "Xuất phụ lục và thực hiện của tỉnh lớn nhất (168 xã)",
        _document_url(_ACTUALS, "big_plan"),
        floors.annex_actuals("big_plan"),
        unskippable=workbook_alone.writing(),
        small_url=_document_url(_ACTUALS, "small_plan"),
    ),
    Case(
        "Nhập bảng tính 168 dòng (xem trước)",
        _document_url("/documents/{0}/import/", "big_plan"),
        floors.annex("big_plan"),
        action="upload",
        upload=edits.annex_workbook("big_plan"),
        unskippable=edits.workbook_read(),
        note="the largest province's own annex, exported then uploaded: parsed, matched and compared",
    ),
    Case(
        "Nhập bảng tính 168 dòng (ghi)",
        _document_url("/documents/{0}/import/", "big_plan"),
        floors.annex("big_plan"),
        action="apply",
        upload=edits.workbooks_to_apply("big_plan"),
        unskippable=edits.apply_writes("big_plan"),
        note="the upload and its preview are prepared untimed; timed: the apply POST writing every row's changed "
        "plan cells (two per commune) with their audit records, one transaction",
    ),
    Case(
        "API: đẩy số liệu tháng của 168 xã",
        _unit_url("/api/v1/units/{code}/months/{month}/figures", "big_province"),
        floors.save("big_province"),
        action="api_push",
        payload=edits.api_push("big_province"),
        goal_ms=200,
        note="POST with a token and an Idempotency-Key, every commune's enrolled count one lower then one higher, "
        "with the versions read untimed: the grid's form, checks, conflict guard and audit",
    ),
    Case(
        "API: đọc 60 tháng của tỉnh lớn nhất",
        lambda ctx: (
            f"/api/v1/units/{ctx['big_province'].code}/months?start={ctx['year'] - 4}-01&end={ctx['year']}-12"
            if ctx.get("big_province")
            else None
        ),
        floors.area_page("big_province"),
        action="api_get",
        goal_ms=100,
    ),
    Case(
        "Tệp tấn công: gộp ô đến cuối trang, 2 triệu ô gộp, 100.000 dòng (bị từ chối)",
        _document_url("/documents/{0}/import/", "big_plan"),
        "SELECT 1",  # a refusal reads nothing: its floor is the bare page of its size
        action="upload",
        upload=edits.hostile_workbooks(),
        expect=400,
        goal_ms=2_000,
        goal_rss_mb=200,
        note="each upload must be refused with its message in well under the goal, the worker's memory bounded",
    ),
    Case(
        "Tải bảng tính BHXH 168 xã và xem trước trong lưới",
        _unit_url(_GRID + "workbook/", "big_province"),
        floors.grid("big_province"),
        action="upload",
        upload=edits.agency_workbook("big_province"),
        goal_ms=300,
        note="the agency's monthly workbook of the largest province uploaded: read with bounded work, columns "
        "found, names matched, shown in the grid old → new; nothing written",
    ),
]
