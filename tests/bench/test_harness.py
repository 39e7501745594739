"""The bench harness on the small seed data: pages measured with their floor, writes posted as a
browser does, pages that are missing reported rather than failed, missed goals profiled."""

from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings

from bench import cases_history, cases_today
from bench.edits import shift_enrolled
from bench.forms import page_form
from bench.harness import BENCH_TOKEN, Runner, name_choices
from bench.results import Case
from tests.conftest import make_user


def _runner(requests: int = 3, profile: bool = False) -> Runner:
    client = Client()
    client.force_login(make_user("bench_admin", superuser=True))
    return Runner(client=client, context={"year": 2021}, requests=requests, profile=profile)


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_page_is_measured_with_its_queries_and_a_floor(phong_tho):
    result = _runner().run(Case("huyện", "/districts/109/?year=2021", small_url="/districts/109/?year=2022"))
    assert result.status == "ok"
    assert len(result.times_ms) == 3 and result.median > 0 and result.p95 >= result.median
    # The year without figures skips the two queries that read a month (each commune's figures and who
    # entered them): at most two fewer, never more.
    assert result.queries and result.small_queries and 0 <= result.queries - result.small_queries <= 2
    assert result.size > 1000 and result.bare_floor_ms > 0 and result.peak_mb > 0
    assert result.sql_floor_ms is None  # EXPLAIN ANALYZE needs PostgreSQL: no floor, no ratio on SQLite


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_missing_page_or_missing_data_is_reported_not_failed(db):
    runner = _runner()
    assert runner.run(Case("lưới", "/districts/109/not-built/")).status == "not available (404)"
    assert runner.run(Case("toàn quốc", lambda ctx: None)).status == "not available (no such data)"


def test_the_bare_floor_page_needs_a_login(client, db):
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert client.get("/__bench__/bare/10/").status_code == 302


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_case_that_misses_its_goal_carries_the_top_of_its_profile(phong_tho):
    result = _runner(profile=True).run(Case("huyện", "/districts/109/?year=2021", goal_ms=0.001))
    assert result.missed and "requests profiled (pyinstrument" in result.profile
    assert "district  reports/views.py" in result.profile  # the tree starts at the view, below the middleware
    assert "Most time in the function itself:" in result.profile


def test_every_case_has_a_floor_and_the_goals_of_todays_pages():
    assert all(case.floor_sql for case in cases_today.CASES + cases_history.CASES)
    goals = {case.name: (case.goal_ms, case.goal_mb, case.goal_rss_mb) for case in cases_today.CASES if case.goal_ms}
    assert sorted(goals.values(), key=lambda g: (g[0], g[1] or 0, g[2] or 0)) == [
        (25, None, None),
        (60, None, None),
        (60, None, None),
        (100, None, None),  # the national page
        (100, None, None),  # the API's 60 months of a province
        (150, None, None),
        (200, None, None),  # the API's push of 168 communes
        (300, None, None),  # the agency's workbook previewed in the grid
        (2_000, None, 200),  # hostile workbooks: refused in time, the worker's memory bounded
        (2_000, 150, None),
        (2_000, 150, None),
    ]


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_a_save_case_posts_the_pages_own_form_back_urlencoded(db):
    from tests.bench import bench_test_urls

    bench_test_urls.POSTS.clear()
    bench_test_urls.CONTENT_TYPES.clear()
    result = _runner().run(Case("lưu", "/grid/", action="resubmit", small_url="/grid/", edit=shift_enrolled()))
    assert result.status == "ok" and len(result.times_ms) == 3
    # a form without files goes urlencoded, as a browser sends it (the test client's default is multipart)
    assert set(bench_test_urls.CONTENT_TYPES) == {"application/x-www-form-urlencoded"}
    # one lower, then one higher: every save writes, and the data ends where it began
    assert bench_test_urls.POSTS[0] == {"1-version": ["3"], "1-enrolled": ["46105"], "1-population": ["50.000"]}
    assert bench_test_urls.POSTS[1]["1-enrolled"] == ["46107"]
    assert len(bench_test_urls.POSTS) == 1 + 3 + 2 + 1  # warm-up, timed, queries (large and small), memory
    assert result.queries and result.queries == result.small_queries


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_an_import_case_uploads_the_workbook_through_the_pages_form(db):
    from tests.bench import bench_test_urls

    bench_test_urls.POSTS.clear()
    case = Case("nhập", "/upload/", action="upload", upload=lambda client, ctx: ("annex.xlsx", b"PK workbook"))
    runner = _runner()
    assert runner.run(case).status == "ok"
    assert bench_test_urls.POSTS[0] == {"file": b"PK workbook", "document": "7"}
    empty = Case("nhập trống", "/upload/", action="upload", upload=lambda client, ctx: None)
    assert runner.run(empty).status == "not available (no upload form or workbook)"


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_a_save_that_re_renders_the_form_is_an_error_not_a_time(db):
    case = Case("lưu", "/refused/", action="resubmit", edit=shift_enrolled())
    assert _runner().run(case).status == "error: answered 200, not a redirect (nothing saved)"


@override_settings(ROOT_URLCONF="tests.bench.bench_test_urls")
def test_work_a_floor_leaves_out_is_timed_alone(db):
    timed = []

    def audit(runner, case):
        timed.append(case.name)
        return 4.0

    case = Case(
        "lưu",
        "/grid/",
        floor_sql="SELECT 1",
        action="resubmit",
        edit=shift_enrolled(),
        unskippable=("the audit records", audit),
    )
    result = _runner().run(case)
    assert timed == ["lưu"] and (result.unskippable, result.unskippable_ms) == ("the audit records", 4.0)


def test_names_the_import_cannot_tell_apart_are_chosen_by_their_exact_spelling():
    html = (
        '<table><tr><td class="num">15</td><td>Thanh An</td><td>x</td></tr>'
        '<tr><td class="num">174</td><td>Thạnh An</td><td>x</td></tr></table>'
        '<form method="post">'
        + "".join(
            f'<select name="unit_{line}"><option value="">— chọn xã —</option>'
            '<option value="7">Xã Thanh An (gần giống nhất)</option>'
            '<option value="9">Xã Thạnh An (gần giống nhất)</option></select>'
            for line in (15, 174)
        )
        + "</form>"
    )
    assert name_choices(html, page_form(html)) == {"unit_15": "7", "unit_174": "9"}


def test_a_second_run_revokes_the_first_runs_api_token_and_sends_its_own(db):
    from api.tokens import active_tokens, find_token

    user = get_user_model().objects.create_user("bench_api")
    first = Runner(client=Client(), context={"year": 2021, "user": user}, requests=1).api_headers()
    second = Runner(client=Client(), context={"year": 2021, "user": user}, requests=1).api_headers()
    assert first != second
    assert [token.name for token in active_tokens(user)] == [BENCH_TOKEN]
    assert not find_token(first["Authorization"].removeprefix("Bearer ")).is_active
    assert find_token(second["Authorization"].removeprefix("Bearer ")).is_active
