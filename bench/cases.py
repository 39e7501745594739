"""What `make bench` measures: one declarative entry per case (see reports/benchmark.py).

The context (which district, which document) is found in the synthetic country by
`bench_context`; the national annex is the synthetic national plan that `run_bench` adds once
(bench.country.ensure_country_document: every commune, ~10.600 rows). A case whose URL
answers 404 is reported as "not available" rather than failing the run.
"""

import datetime as dt
import gc
import io
import itertools
import statistics
import time

import openpyxl
from django.db.models import Count, F

from bench.country import COUNTRY_DOCUMENT_NUMBER
from communes.models import Enrollment, Level, Unit
from reports.tables_data import ranking_rows, ranking_table
from targets.models import TargetDocument

from .harness import Case

YEAR = 2025
MONTH = dt.date(2025, 12, 1)


def _communes_per(parent_field: str, level: str):
    return Unit.objects.filter(level=level, is_synthetic=True).annotate(n=Count(parent_field)).order_by("n", "code")


def bench_context() -> dict:
    """The units and documents the cases use: the largest and smallest of each kind."""
    districts = _communes_per("children", Level.DISTRICT)
    provinces = _communes_per("children__children", Level.PROVINCE)
    typical_province = min(provinces, key=lambda p: (abs(p.n - 170), p.code))
    documents = TargetDocument.objects.annotate(rows=Count("targets")).order_by("-rows", "pk")
    country_wide = documents.filter(number=COUNTRY_DOCUMENT_NUMBER).first()
    plans = documents.exclude(number=COUNTRY_DOCUMENT_NUMBER)
    doc_of = {d.scope_id: d for d in plans.filter(scope__in=[typical_province, provinces.last()])}
    return {
        "district": districts.last(),
        "small_district": districts.first(),
        "commune": Unit.objects.filter(parent=districts.last()).order_by("code").first(),
        "province": typical_province,
        "small_province": provinces.first(),
        "big_province": provinces.last(),
        "province_document": doc_of.get(typical_province.pk),
        "import_document": doc_of.get(provinces.last().pk),
        "small_document": plans.filter(scope=districts.first()).first(),
        "country_document": country_wide,
        "year": YEAR,
        "month": MONTH,
    }


def _url(pattern: str, *keys: str):
    def resolve(ctx: dict) -> str | None:
        values = [ctx.get(key) for key in keys]
        if any(value is None for value in values):
            return None
        return pattern.format(
            *[getattr(v, "code", None) or getattr(v, "pk", v) for v in values], month=f"{MONTH:%Y-%m}", year=YEAR
        )

    return resolve


def _doc_url(pattern: str, key: str):
    return lambda ctx: pattern.format(ctx[key].pk) if ctx.get(key) else None


def _annex_workbook(client, ctx):
    """The 500-row workbook to import: the province document's own annex, exported (a round trip)."""
    document = ctx.get("import_document")
    if document is None:
        return None
    response = client.get(f"/documents/{document.pk}/annex.xlsx")
    if response.status_code != 200:
        return None
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return f"annex-{document.pk}.xlsx", content


def _edited_workbook(content: bytes) -> bytes:
    """The annex with every commune's last plan year one person larger (population and enrolled):
    the rate is unchanged, so the import accepts it and writes two cells per row."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    population_column = sheet.max_column - 3  # … | Dân số | tham gia | Tỷ lệ | Ghi chú
    for row in sheet.iter_rows(min_row=7):
        if isinstance(row[0].value, int):  # a commune's row (TT), not the totals or notes
            for cell in (row[population_column - 1], row[population_column]):
                if isinstance(cell.value, int):
                    cell.value += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _apply_workbooks(client, ctx):
    """Two workbooks applied in turn (edited, then the original): every apply writes ~1.000 cells
    and the data ends where it began."""
    original = _annex_workbook(client, ctx)
    if original is None:
        return None
    name, content = original
    return [(f"edited-{name}", _edited_workbook(content)), original]


def shift_enrolled():
    """A save that changes every commune: each `<code>-enrolled` count one lower, then one higher on
    the next save (far below the 5% drop warning, never above the population), so the page really
    writes every row each time and the data ends where it began."""
    steps = itertools.cycle((-1, 1))

    def edit(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
        step = next(steps)
        edited = []
        for name, value in fields:
            digits = value.replace(".", "").replace(" ", "")
            if name.endswith("-enrolled") and digits.isdigit() and int(digits) > 0:
                value = str(int(digits) + step)
            edited.append((name, value))
        return edited

    return edit


def one_commune_saved():
    """The write before each request "right after a save" (untimed): one commune's December count
    one lower, then one higher, as a save would; its own transaction brings the roll-up up to date
    (communes/rollup.py)."""
    steps = itertools.cycle((-1, 1))

    def save(ctx: dict) -> None:
        Enrollment.objects.filter(unit=ctx["commune"], month=ctx["month"]).update(enrolled=F("enrolled") + next(steps))

    return save


# --- the raw SQL that computes each case's figures (its floor) --------------------------------

_COMMUNE_FIGURES = """
SELECT u.id, u.code, u.name, p.population, e.enrolled, e.month
FROM communes_unit u
LEFT JOIN communes_population p ON p.unit_id = u.id AND p.year = %s
LEFT JOIN LATERAL (
    SELECT enrolled, month FROM communes_enrollment
    WHERE unit_id = u.id AND month BETWEEN %s AND %s ORDER BY month DESC LIMIT 1
) e ON true
"""


def _year_bounds(ctx):
    return [ctx["year"], dt.date(ctx["year"], 1, 1), dt.date(ctx["year"], 12, 1)]


def _district_sql(ctx):
    return _COMMUNE_FIGURES + " WHERE u.parent_id = %s ORDER BY u.code", [*_year_bounds(ctx), ctx["district"].pk]


def _ranking_sql(where: str, params_of):
    def sql(ctx):
        query = f"""
        SELECT d.id, SUM(f.population), SUM(f.enrolled), COUNT(*)
        FROM ({_COMMUNE_FIGURES} WHERE u.level = 'commune') f
        JOIN communes_unit c ON c.id = f.id JOIN communes_unit d ON d.id = c.parent_id
        {where} GROUP BY d.id"""
        return query, [*_year_bounds(ctx), *params_of(ctx)]

    return sql


def _commune_sql(ctx):
    return (
        """SELECT e.month, e.enrolled, p.population FROM communes_enrollment e
        LEFT JOIN communes_population p ON p.unit_id = e.unit_id AND p.year = EXTRACT(YEAR FROM e.month)
        WHERE e.unit_id = %s ORDER BY e.month""",
        [ctx["commune"].pk],
    )


def _grid_sql(ctx):
    month, previous = ctx["month"], (ctx["month"] - dt.timedelta(days=1)).replace(day=1)
    return (
        """SELECT u.id, p.population, e.enrolled, e.version, l.enrolled FROM communes_unit u
        LEFT JOIN communes_population p ON p.unit_id = u.id AND p.year = %s
        LEFT JOIN communes_enrollment e ON e.unit_id = u.id AND e.month = %s
        LEFT JOIN communes_enrollment l ON l.unit_id = u.id AND l.month = %s
        WHERE u.parent_id = %s ORDER BY u.code""",
        [month.year, month, previous, ctx["district"].pk],
    )


def _save_sql(ctx):
    return (
        """UPDATE communes_enrollment SET enrolled = enrolled + 1, version = version + 1
        WHERE month = %s AND unit_id IN (SELECT id FROM communes_unit WHERE parent_id = %s)""",
        [ctx["month"], ctx["district"].pk],
    )


# --- what a write cannot skip and its floor leaves out ------------------------------------------

_AUDIT_INSERT = """INSERT INTO communes_changerecord (unit_id, period, field, old_value, new_value, note, channel, at)
"""


def _save_writes(runner, case) -> float:
    """What the save does beside its floor's UPDATE, as raw SQL: lock the 30 rows first, and write one
    audit record per changed count."""
    ctx = runner.context
    rows = "FROM communes_enrollment e JOIN communes_unit u ON u.id = e.unit_id WHERE u.parent_id = %s AND e.month = %s"
    where = [ctx["district"].pk, ctx["month"]]
    return runner.explain_ms([
        (f"SELECT e.id {rows} FOR UPDATE OF e", where),
        (_AUDIT_INSERT + f"SELECT e.unit_id, e.month, 'enrolled', e.enrolled - 1, e.enrolled, '', 'entry', now() {rows}",
         where),
    ])


def _apply_writes(runner, case) -> float:
    """The SQL of the same apply (its floor only reads the plan): lock the document, change two plan
    cells of every commune's last plan year, and write one audit record per changed cell."""
    document = runner.context["import_document"].pk
    last_year = "(SELECT max(year) FROM targets_target WHERE document_id = %s)"
    return runner.explain_ms([
        ("SELECT id FROM targets_targetdocument WHERE id = %s FOR UPDATE", [document]),
        ("UPDATE targets_target SET planned_population = planned_population + 1, planned_enrolled = planned_enrolled + 1 "
         f"WHERE document_id = %s AND year = {last_year}", [document, document]),
        (_AUDIT_INSERT + "SELECT t.unit_id, make_date(t.year, 1, 1), f.name, t.planned_population, "
         "t.planned_population + 1, 'Nhập Excel', 'import', now() FROM targets_target t "
         "CROSS JOIN (VALUES ('plan_population'), ('plan_enrolled')) AS f (name) "
         f"WHERE t.document_id = %s AND t.year = {last_year}", [document, document]),
    ])


def _workbook_read(runner, case) -> float | None:
    """openpyxl reading the uploaded workbook, and nothing else: median of 5."""
    workbook = runner.workbook(case)
    if workbook is None:
        return None
    timings = []
    for _ in range(5):
        gc.collect()  # as before every timed request
        started = time.perf_counter()
        openpyxl.load_workbook(io.BytesIO(workbook[1]), data_only=True)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _annex_sql(key: str):
    def sql(ctx):
        return (
            """SELECT t.row_number, u.name, t.year, t.planned_population, t.planned_enrolled, t.rate,
                      r.population, r.enrolled, r.rate
            FROM targets_target t JOIN communes_unit u ON u.id = t.unit_id
            LEFT JOIN targets_reportedfigure r ON r.document_id = t.document_id AND r.unit_id = t.unit_id
            WHERE t.document_id = %s ORDER BY t.row_number, t.year""",
            [ctx[key].pk if ctx.get(key) else 0],
        )

    return sql


def _ranking_selector(ctx):
    """What a national ranking page asks the database: the ranked districts and their total."""
    return ranking_table(Level.DISTRICT, ctx["year"])


def _province_selector(ctx):
    return ranking_rows(Level.DISTRICT, ctx["year"], units=Unit.objects.filter(parent=ctx["province"]))


CASES = [
    Case(
        "Bảng điều khiển huyện (30 xã)",
        _url("/districts/{0}/?year={year}", "district"),
        _district_sql,
        goal_ms=100,
        small_url=_url("/districts/{0}/?year={year}", "small_district"),
    ),
    Case("Trang xã (60 tháng)", _url("/communes/{0}/", "commune"), _commune_sql),
    Case(
        "Bảng điều khiển tỉnh (~170 xã)",
        _url("/provinces/{0}/?year={year}", "province"),
        _ranking_sql("WHERE d.parent_id = %s", lambda ctx: [ctx["province"].pk]),
        small_url=_url("/provinces/{0}/?year={year}", "small_province"),
    ),
    Case(
        "Xếp hạng toàn quốc các huyện (trang chủ)",
        "/?year=2025",
        _ranking_sql("", lambda ctx: []),
        goal_ms=500,
    ),
    Case(
        "Xếp hạng toàn quốc các huyện (hàm ranking_table, có dòng tổng)",
        _ranking_selector,
        _ranking_sql("", lambda ctx: []),
        action="call",
        goal_ms=500,
    ),
    Case(
        "Xếp hạng các huyện của một tỉnh (hàm ranking_rows, ~170 xã)",
        _province_selector,
        _ranking_sql("WHERE d.parent_id = %s", lambda ctx: [ctx["province"].pk]),
        action="call",
    ),
    Case(
        "Mở lưới nhập 30 xã",
        _url("/districts/{0}/entry/{month}/", "district"),
        _grid_sql,
        small_url=_url("/districts/{0}/entry/{month}/", "small_district"),
    ),
    Case(
        "Lưu lưới nhập 30 xã",
        _url("/districts/{0}/entry/{month}/", "district"),
        _save_sql,
        action="resubmit",
        edit=shift_enrolled(),
        unskippable=("the rows locked first and one audit record per count, in SQL", _save_writes),
        goal_ms=150,
        small_url=_url("/districts/{0}/entry/{month}/", "small_district"),
    ),
    Case(
        "Xuất phụ lục một tỉnh (~170 xã)",
        _doc_url("/documents/{0}/annex.xlsx", "province_document"),
        _annex_sql("province_document"),
        small_url=_doc_url("/documents/{0}/annex.xlsx", "small_document"),
    ),
    Case(
        "Xuất phụ lục toàn quốc (~10.600 dòng)",
        _doc_url("/documents/{0}/annex.xlsx", "country_document"),
        _annex_sql("country_document"),
        goal_ms=10_000,
        goal_mb=300,
        note="the synthetic national plan (number TQ/KH-MP) that run_bench adds once: every commune's rows copied "
        "from the provinces' plans, ~10.600 annex rows",
    ),
    Case(
        "Nhập bảng tính 500 dòng (xem trước)",
        _doc_url("/documents/{0}/import/", "import_document"),
        _annex_sql("import_document"),
        action="upload",
        upload=_annex_workbook,
        unskippable=("openpyxl reading the workbook", _workbook_read),
        note="the largest province's own annex (~500 communes), exported then uploaded: parsed, matched and compared",
    ),
    Case(
        "Nhập bảng tính 500 dòng (ghi)",
        _doc_url("/documents/{0}/import/", "import_document"),
        _annex_sql("import_document"),
        action="apply",
        upload=_apply_workbooks,
        unskippable=("the SQL of the same writes: lock, update, one audit record per cell", _apply_writes),
        note="the upload and its preview are prepared untimed; timed: the apply POST writing every row's changed "
        "plan cells (two per commune) with their audit records, one transaction",
    ),
]
