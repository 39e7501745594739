"""The bench harness on the small seed data: pages measured, pages not built yet reported, not failed."""

from django.test import Client
from django.test.utils import override_settings

from bench.cases import CASES, shift_enrolled
from bench.harness import Case, Runner, read_form
from bench.management.commands.run_bench import render
from communes.models import Level
from reports.tables_data import ranking_rows
from tests.conftest import make_user


def _runner(db_user=None) -> Runner:
    client = Client()
    client.force_login(db_user or make_user("bench_admin", superuser=True))
    return Runner(client=client, context={"year": 2021}, requests=3)


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_page_is_measured_with_its_queries_and_a_floor(phong_tho):
    result = _runner().run(Case("huyện", "/districts/109/?year=2021", small_url="/districts/109/?year=2022"))
    assert result.status == "ok"
    assert len(result.times_ms) == 3 and result.median > 0 and result.p95 >= result.median
    # The year without figures skips the queries that read months: at most one fewer, never more.
    assert result.queries and result.small_queries and 0 <= result.queries - result.small_queries <= 1
    assert result.size > 1000 and result.bare_floor_ms > 0 and result.peak_mb > 0
    # read again, the page is kept; right after a write (here: kept pages forgotten) it is recomputed,
    # and its queries are those of the recomputed page, not of the kept copy
    assert len(result.cold_times_ms) == len(result.cold_cpu_ms) == 5 and result.queries > 10


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_page_not_built_yet_is_reported_not_failed(db):
    result = _runner().run(Case("lưới", "/districts/109/not-built-yet/"))
    assert result.status == "not available yet (404 on this branch)"
    assert result.median is None


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_case_without_its_data_is_reported_not_failed(db):
    assert _runner().run(Case("toàn quốc", lambda ctx: None)).status == "not available yet (no such data)"


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_callable_case_times_the_selector(phong_tho):
    result = _runner().run(Case("xếp hạng", lambda ctx: ranking_rows(Level.DISTRICT, ctx["year"]), action="call"))
    assert result.status == "ok" and result.queries == 3


def test_the_bare_floor_page_needs_a_login(client, db):
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert client.get("/__bench__/bare/10/").status_code == 302


def test_a_form_is_read_as_a_browser_would_post_it():
    form = read_form(
        '<form method="get"><input name="q" value="x"></form>'
        '<form action="/i18n/setlang/" method="post"><input name="language" value="en"><input name="next" value="/">'
        '<input name="csrfmiddlewaretoken" value="t"></form>'
        '<form action="/accounts/logout/" method="post"><input name="csrfmiddlewaretoken" value="t"></form>'
        '<form method="post" action="/save/"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input name="enrolled-1" value="46.106"><input type="checkbox" name="confirm" checked>'
        '<input type="checkbox" name="other"><textarea name="note">ghi chú</textarea>'
        '<select name="year"><option value="2021">2021</option><option value="2022" selected>2022</option></select>'
        '<input type="file" name="workbook"><button type="submit">Lưu</button></form>'
    )
    assert form.action == "/save/"
    assert form.data == [
        ("csrfmiddlewaretoken", "t"),
        ("enrolled-1", "46.106"),
        ("confirm", "on"),
        ("note", "ghi chú"),
        ("year", "2022"),
    ]
    assert form.files == ["workbook"] and not form.multipart
    assert read_form('<form method="post" enctype="multipart/form-data"><input name="a"></form>').multipart


def test_every_case_has_a_floor_and_the_report_says_what_is_missing(phong_tho):
    assert all(case.floor_sql for case in CASES)
    runner = _runner()
    with override_settings(ROOT_URLCONF="bench.urls"):
        results = [
            runner.run(Case("Bảng huyện", "/districts/109/?year=2021", goal_ms=0.001)),
            runner.run(Case("Lưới", "/districts/109/not-built-yet/")),
        ]
    text = render(results, context={}, requests=3, load=((0.1, 0.1, 0.1), (0.2, 0.2, 0.2)))
    assert "| Bảng huyện | ok |" in text and "❌ ≤ 0.001 ms" in text
    assert "Not measured on this branch (page not built yet, or no such data): Lưới." in text
    assert "make bench" in text and "## Machine" in text


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_a_save_case_posts_the_pages_own_form_back(db):
    from tests.bench import bench_test_urls

    bench_test_urls.POSTS.clear()
    bench_test_urls.CONTENT_TYPES.clear()
    case = Case("lưu", "/grid/", action="resubmit", small_url="/grid/", edit=shift_enrolled())
    result = _runner().run(case)
    assert result.status == "ok" and len(result.times_ms) == 3
    # a form without files goes urlencoded, as a browser sends it (the test client's default is multipart)
    assert set(bench_test_urls.CONTENT_TYPES) == {"application/x-www-form-urlencoded"}
    # one lower, then one higher: every save writes, and the data ends where it began
    assert bench_test_urls.POSTS[0] == {"1-version": ["3"], "1-enrolled": ["46105"], "1-population": ["50.000"]}
    assert bench_test_urls.POSTS[1]["1-enrolled"] == ["46107"]
    assert len(bench_test_urls.POSTS) == 1 + 3 + 2 + 1  # warm-up, timed, queries (large and small), memory
    # counted before the redirect is followed (a new request empties the query log)
    assert result.queries and result.queries == result.small_queries


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_an_import_case_uploads_the_workbook_through_the_pages_form(db):
    from tests.bench import bench_test_urls

    bench_test_urls.POSTS.clear()
    case = Case("nhập", "/upload/", action="upload", upload=lambda client, ctx: ("annex.xlsx", b"PK workbook"))
    assert _runner().run(case).status == "ok"
    assert bench_test_urls.POSTS[0] == {"file": b"PK workbook", "document": "7"}


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_an_import_case_without_a_workbook_is_not_available(db):
    case = Case("nhập", "/upload/", action="upload", upload=lambda client, ctx: None)
    assert _runner().run(case).status == "not available yet (no upload form or workbook)"


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_a_save_that_re_renders_the_form_is_an_error_not_a_time(db):
    case = Case("lưu", "/refused/", action="resubmit", edit=shift_enrolled())
    assert _runner().run(case).status == "error: answered 200, not a redirect (nothing saved)"


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_work_a_floor_leaves_out_is_timed_alone_and_reported_beside_it(db):
    timed = []

    def audit(runner, case):
        timed.append(case.name)
        return 4.0

    case = Case("lưu", "/grid/", floor_sql="SELECT 1", action="resubmit", edit=shift_enrolled(),
                unskippable=("the audit records", audit))
    result = _runner().run(case)
    assert timed == ["lưu"] and result.unskippable_ms == 4.0
    result.sql_floor_ms, result.bare_floor_ms, result.times_ms = 1.0, 1.0, [30.0] * 3  # over 3× its floor
    text = render([result], context={}, requests=3, load=((0.1, 0.1, 0.1), (0.2, 0.2, 0.2)))
    assert ("Left out of that floor, timed alone: the audit records, 4,0 ms (2,0× the floor); counted in, the "
            "floor would be 6,0 ms and this case 5,0× of it.") in text
