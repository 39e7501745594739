"""docs/benchmarks.md: the figures between the markers, the hand-written text around them kept."""

import json

from bench import report
from bench.results import Result


def _run(*results: Result, database: str = "coverage_bench") -> dict:
    return {
        "country": "today",
        "title": "Today's country",
        "database": database,
        "measured_at": "02/12/2026",
        "requests": 20,
        "data": "34 provinces",
        "context": "big province: 79",
        "machine": ["CPU: test"],
        "load": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
        "results": [r.to_dict() for r in results],
    }


def _page(name: str, median: float, **kwargs) -> Result:
    return Result(
        name=name,
        status="ok",
        times_ms=[median] * 20,
        cpu_ms=[median / 2] * 20,
        queries=12,
        sql_floor_ms=1.0,
        bare_floor_ms=1.0,
        size=2048,
        peak_mb=1.5,
        **kwargs,
    )


def test_a_result_survives_its_json_round_trip():
    result = _page("tỉnh", 30.0, goal_ms=60, small_queries=12)
    assert Result.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_goals_are_judged_on_the_median_the_floor_and_the_queries():
    fast = _page("tỉnh", 8.0, goal_ms=60, small_queries=12)
    assert fast.verdicts() == [("≤ 60 ms", True), ("≤ 5× floor", True), ("queries constant", True)]
    slow = _page("xã", 30.0, goal_ms=25, small_queries=9)
    assert slow.missed and [met for _what, met in slow.verdicts()] == [False, False, False]
    save = _page("lưu", 30.0, action="resubmit", goal_ms=150)
    assert save.verdicts() == [("≤ 150 ms", True)]  # the floor goal is for reading pages


def test_a_memory_goal_is_judged_on_the_fresh_workers_resident_set_and_unmeasured_is_not_met():
    refused = _page("tệp tấn công", 12.0, action="upload", goal_ms=2000, goal_rss_mb=200, peak_rss_mb=96.4)
    assert refused.verdicts() == [("≤ 2000 ms", True), ("RSS ≤ 200 MB", True)]
    text = report.render([_run(refused)])
    assert (
        "- tệp tấn công: median ≤ 2000 ms and a fresh worker's peak RSS ≤ 200 MB: met (median 12,0 ms, RSS 96,4 MB)."
        in text
    )
    grown = _page("tệp tấn công", 12.0, action="upload", goal_ms=2000, goal_rss_mb=200, peak_rss_mb=226.0)
    unmeasured = _page("tệp tấn công", 12.0, action="upload", goal_ms=2000, goal_rss_mb=200)
    assert grown.missed and unmeasured.missed
    assert "**missed** (median 12,0 ms, RSS –)" in report.render([_run(unmeasured)])


def test_a_run_renders_its_table_goals_and_the_profile_of_what_missed():
    missed = _page("Trang xã", 30.0, goal_ms=25, profile="10 requests profiled\ncommune  reports/views.py:1")
    text = report.render([_run(_page("Bảng tỉnh", 8.0, goal_ms=60), missed), _run(database="coverage_bench_history")])
    assert "### Today's country (`coverage_bench`)" in text and "(`coverage_bench_history`)" in text
    assert "| Bảng tỉnh | ok | 8,0 | 8,0 | 4,0 | 12 |" in text
    assert "- Trang xã: median ≤ 25 ms: **missed** (median 30,0 ms)." in text
    assert "#### Trang xã" in text and "```\n10 requests profiled\ncommune  reports/views.py:1\n```" in text
    assert "- Every reading page within 5× its floor: 1 of 2; over: Trang xã (15,0×)." in text
    assert text.count("### Machine") == 1


def test_the_figures_replace_only_what_lies_between_the_markers(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text(f"# Benchmarks\n\nMethod.\n\n{report.START}\nold figures\n{report.END}\n\n## Analysis\n\nWhy.\n")
    report.write_between_markers(path, "new figures")
    assert path.read_text() == (
        f"# Benchmarks\n\nMethod.\n\n{report.START}\nnew figures\n{report.END}\n\n## Analysis\n\nWhy.\n"
    )
    fresh = tmp_path / "load.md"
    report.write_between_markers(fresh, "figures")
    assert fresh.read_text() == f"{report.START}\nfigures\n{report.END}\n"


def test_the_command_line_assembles_several_runs(tmp_path, capsys):
    runs = []
    for name in ("today", "history"):
        runs.append(tmp_path / f"{name}.json")
        runs[-1].write_text(json.dumps(_run(_page(name, 5.0), database=f"coverage_{name}")))
    out = tmp_path / "benchmarks.md"
    assert report.main([str(out), *map(str, runs)]) == 0
    assert "`coverage_today`" in out.read_text() and "`coverage_history`" in out.read_text()
    assert report.main([]) == 2


def test_a_run_says_how_fast_the_machine_ran_python_before_and_after_its_cases():
    timed = {**_run(), "python_loop_ms": [5.47, 9.29]}
    text = report.render([timed, _run(database="coverage_bench_history")])
    assert "took 5,5 ms before the cases and 9,3 ms after" in text
    assert text.count("page-like Python work") == 1  # a run without the figure says nothing of it


def test_a_missed_case_says_how_fast_the_machine_ran_just_before_it():
    missed = _page("Trang xã", 30.0, goal_ms=25, python_loop_ms=8.14)
    text = report.render([_run(missed)])
    assert "just before this case: the fixed Python work took 8,1 ms" in text


def test_an_export_over_its_floor_shows_its_ratio_with_the_library_alone_counted_in():
    export = _page(
        "Xuất phụ lục",
        460.0,
        unskippable="openpyxl alone writing the same workbook (its cells, styles and layout) and saving it",
        unskippable_ms=418.0,
    )
    text = report.render([_run(export)])
    # 460 ms against a floor of 2 ms (230×); against 2 + 418 ms, 1,1×.
    assert "over: Xuất phụ lục (230,0×; 1,1× with openpyxl alone writing the same workbook counted in)." in text
    assert "Left out of that floor, timed alone: openpyxl alone writing the same workbook" in text
    assert "the floor would be 420,0 ms and this case 1,1× of it." in text
