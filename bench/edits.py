"""What the write cases change, and the work each write cannot skip that its floor leaves out.

Every write ends where it began (a count one lower then one higher, a workbook edited then the
original), so the data measured stays the data loaded, run after run.
"""

import io
import itertools

import openpyxl

from .harness import response_body
from .officer import ENROLLED_SUFFIX, parse_count


def shift_enrolled():
    """A save that changes every commune: each `<code>-enrolled` count one lower, then one higher on
    the next save (far below the 5% drop warning, never above the population), so the page really
    writes every row each time and the data ends where it began."""
    steps = itertools.cycle((-1, 1))

    def edit(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
        step = next(steps)
        edited = []
        for name, value in fields:
            count = parse_count(value) if name.endswith(ENROLLED_SUFFIX) else None
            edited.append((name, str(count + step) if count else value))
        return edited

    return edit


def annex_workbook(key: str):
    """The workbook to import: the document's own annex, exported (a round trip)."""

    def export(client, ctx):
        document = ctx.get(key)
        if document is None:
            return None
        response = client.get(f"/documents/{document.pk}/annex.xlsx")
        if response.status_code != 200:
            return None
        return f"annex-{document.pk}.xlsx", response_body(response)

    return export


def edited_workbook(content: bytes) -> bytes:
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


def workbooks_to_apply(key: str):
    """Two workbooks applied in turn (edited, then the original): every apply writes two cells a
    commune and the data ends where it began."""
    export = annex_workbook(key)

    def books(client, ctx):
        original = export(client, ctx)
        if original is None:
            return None
        name, content = original
        return [(f"edited-{name}", edited_workbook(content)), original]

    return books


_AUDIT_INSERT = """INSERT INTO communes_changerecord (unit_id, period, field, old_value, new_value, note, channel, at)
"""


def save_writes(area_key: str):
    """What the save does beside its floor's UPDATE, as raw SQL: lock the area's rows first, and
    write one audit record per changed count."""

    def timed(runner, case) -> float:
        ctx = runner.context
        rows = (
            "FROM communes_enrollment e JOIN communes_unit u ON u.id = e.unit_id "
            "WHERE u.parent_id = %s AND e.month = %s"
        )
        where = [ctx[area_key].pk, ctx["month"]]
        return runner.explain_ms(
            [
                (f"SELECT e.id {rows} FOR UPDATE OF e", where),
                (
                    _AUDIT_INSERT
                    + "SELECT e.unit_id, e.month, 'enrolled', e.enrolled - 1, e.enrolled, '', 'entry', now() "
                    + rows,
                    where,
                ),
            ]
        )

    return "the rows locked first and one audit record per count, in SQL", timed


def apply_writes(key: str):
    """The SQL of the same apply (its floor only reads the plan): lock the document, change two plan
    cells of every commune's last plan year, and write one audit record per changed cell."""

    def timed(runner, case) -> float:
        document = runner.context[key].pk
        last_year = "(SELECT max(year) FROM targets_target WHERE document_id = %s)"
        return runner.explain_ms(
            [
                ("SELECT id FROM targets_targetdocument WHERE id = %s FOR UPDATE", [document]),
                (
                    "UPDATE targets_target SET planned_population = planned_population + 1, "
                    f"planned_enrolled = planned_enrolled + 1 WHERE document_id = %s AND year = {last_year} "
                    "AND planned_population IS NOT NULL",
                    [document, document],
                ),
                (
                    _AUDIT_INSERT + "SELECT t.unit_id, make_date(t.year, 1, 1), f.name, t.planned_population, "
                    "t.planned_population + 1, 'Nhập Excel', 'import', now() FROM targets_target t "
                    "CROSS JOIN (VALUES ('plan_population'), ('plan_enrolled')) AS f (name) "
                    f"WHERE t.document_id = %s AND t.year = {last_year} AND t.planned_population IS NOT NULL",
                    [document, document],
                ),
            ]
        )

    return "the SQL of the same writes: lock, update, one audit record per cell", timed


def workbook_read():
    """openpyxl reading the uploaded workbook, and nothing else: median of 5."""

    def timed(runner, case) -> float | None:
        workbook = runner.workbook(case)
        if workbook is None:
            return None
        return runner.median_ms(lambda: openpyxl.load_workbook(io.BytesIO(workbook[1]), data_only=True))

    return "openpyxl reading the workbook", timed


def api_push(key: str):
    """An API push of every commune of the province for the month being reported: each enrolled
    count one lower, then one higher on the next push, with the version the client read (read here,
    untimed, before each request)."""
    steps = itertools.cycle((-1, 1))

    def body(ctx: dict) -> dict:
        from communes.models import Enrollment, Unit

        province, month, step = ctx[key], ctx["month"], next(steps)
        communes = Unit.objects.communes().filter(parent=province).in_force(month)
        stored = {e.unit_id: e for e in Enrollment.objects.filter(unit__in=communes, month=month)}
        return {
            "communes": [
                {"code": c.code, "version": stored[c.pk].version, "enrolled": stored[c.pk].enrolled + step}
                for c in communes.order_by("code")
                if c.pk in stored
            ]
        }

    return body


def hostile_workbooks():
    """The attacks an upload must refuse cheaply, built in memory: a merged range to the sheet's end
    (an 8 KB file openpyxl would make 17 billion cells of), a 2-million-cell merged range, 100.000 rows."""
    # The security tests build the same attacks; one set of builders serves both.
    from tests.security.test_hostile_workbooks import annex_workbook, bare_xlsx, rewrite, sheet_xml, xlsx_of

    def merged(book: bytes, ref: str) -> bytes:
        return rewrite(
            book,
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(b"</mergeCells>", f'<mergeCell ref="{ref}"/></mergeCells>'.encode()),
        )

    def build(client, ctx):
        book = xlsx_of(annex_workbook())
        return [
            ("gop-o.xlsx", merged(book, "A40:XFD1048576")),
            ("gop-2-trieu.xlsx", merged(book, "A41:CV20040")),
            ("100000-dong.xlsx", bare_xlsx(sheet_xml(100_000))),
        ]

    return build


def agency_workbook(key: str):
    """The social-insurance office's monthly list of the province's communes, as the tests' realistic
    example builds it (a header block, merged title, a total row, names with and without "Xã")."""

    def build(client, ctx):
        from communes.models import Unit
        from tests.entry.agency_examples import agency_xlsx, communes_of

        province = ctx.get(key)
        if province is None:
            return None
        units = Unit.objects.communes().filter(parent=province).in_force(ctx["month"]).order_by("code")
        return ("bhxh-thang.xlsx", agency_xlsx(listed=communes_of(units)))

    return build
