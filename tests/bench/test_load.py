"""The load test's parts, and on PostgreSQL a short locust run against gunicorn."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from bench import databases, load_data, load_report
from bench.load import Config

ROOT = Path(__file__).resolve().parents[2]


def test_the_role_mix_gives_each_officer_a_province_month_of_their_own():
    roles = load_data.role_mix(30, officer_slots=34)
    assert (roles.count("leader"), roles.count("officer"), roles.count("staff")) == (12, 12, 6)
    assert len(load_data.role_mix(3, 34)) == 3 and "officer" in load_data.role_mix(3, 34)
    assert load_data.role_mix(100, officer_slots=34).count("officer") == 34
    months = load_data.province_months(dt.date(2025, 9, 1))
    assert months == [
        ("12", "2025-07"),
        ("24", "2025-07"),
        ("12", "2025-08"),
        ("24", "2025-08"),
        ("12", "2025-09"),
        ("24", "2025-09"),
    ]


def test_the_tools_refuse_a_database_server_off_this_machine():
    with pytest.raises(databases.NotLoopback, match="on this machine"):
        databases.on_server("postgres://postgres@db.example.vn:5432", "x")
    with pytest.raises(databases.NotLoopback):
        databases.on_server("postgres://postgres@10.0.0.5:5432", "x")
    assert databases.on_server("postgres://postgres@127.0.0.1:5432", "t") == "postgres://postgres@127.0.0.1:5432/t"
    assert databases.main(["ensure", "postgres://postgres@192.168.1.2:5432/x"]) == 2


def test_the_configuration_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOAD_USERS", "4")
    monkeypatch.setenv("LOAD_P95_MS", "800")
    config = Config.from_env()
    assert (config.users, config.seconds, config.think_ms, config.p95_goal_ms) == (4, 120, 3000, 800)


def _summary(*, failures: int = 0, p95: int = 120) -> dict:
    figures = {"requests": 10, "failures": failures, "throughput": 1.0, "median_ms": 40, "p95_ms": p95, "max_ms": 200}
    return {
        "users": 4,
        "seconds": 5.0,
        "scenarios": {"leader: dashboards": figures, "login": {**figures}},
        "all": figures,
        "errors": [],
        "saved": {},
        "saves": {},
        "not_available": [],
    }


def test_the_verdict_wants_no_error_a_p95_within_the_goal_and_a_clean_check(monkeypatch):
    config = Config.from_env()
    assert load_report.verdict(_summary(), config, [])
    assert not load_report.verdict(_summary(failures=1), config, [])
    assert not load_report.verdict(_summary(p95=900), config, [])
    assert not load_report.verdict(_summary(), config, ["12|2025-07: 1 of 38 communes differ"])


def test_the_report_goes_between_the_markers_of_docs_load_md(tmp_path):
    path = tmp_path / "load.md"
    path.write_text("# Load test\n\n<!-- results: start -->\nold\n<!-- results: end -->\n\nAnalysis.\n")
    load_report.write_report(path, _summary(), Config.from_env(), [])
    text = path.read_text()
    assert "| leader: dashboards | 10 | 1,0 | 40 | 120 | 200 | 0 |" in text and "**Goal met**" in text
    assert text.startswith("# Load test") and text.endswith("Analysis.\n") and "old" not in text


def test_the_saved_figures_check_finds_a_commune_that_differs(db):
    from bench import today

    month = dt.date(2025, 8, 1)
    today.load_figures(seed=1, provinces=["12"], last=month)
    from communes.models import Enrollment

    stored = dict(Enrollment.objects.filter(unit__parent__code="12", month=month).values_list("unit__code", "enrolled"))
    assert load_data.check_saved({"12|2025-08": stored}) == []
    first = sorted(stored)[0]
    problems = load_data.check_saved({"12|2025-08": {**stored, first: stored[first] + 1}})
    assert len(problems) == 1 and f"{first} stored [{stored[first]}] saved {stored[first] + 1}" in problems[0]
    missing = load_data.check_saved({"12|2025-08": {k: v for k, v in stored.items() if k != first}})
    assert "1 of 38 communes differ" in missing[0]


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the load test needs PostgreSQL (a throwaway database beside the test one); "
    "its short run is part of the PostgreSQL suite",
)
def test_a_short_locust_run_ends_without_errors_and_every_saved_figure_is_stored_once(tmp_path):
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TESTING")}
    env.update(
        LOAD_USERS="4",
        LOAD_SECONDS="5",
        LOAD_THINK_MS="200",
        LOAD_P95_MS="600000",
        LOAD_PG_URL=server,
        WEB_CONCURRENCY="2",
        LOAD_REPORT=str(tmp_path / "load.md"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.load"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert '"errors": 0' in result.stdout and '"saved_figures_check": true' in result.stdout
    assert "dropped, gunicorn stopped" in result.stdout
    assert "officer: save grid" in (tmp_path / "load.md").read_text()
