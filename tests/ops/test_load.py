"""The load tool's parts: reading a form like a browser, the officer's save, the figures check."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from communes.models import Enrollment, Level, Unit
from ops import load
from tests.conftest import unit

ROOT = Path(__file__).resolve().parents[2]

GRID = """
<form action="/i18n/setlang/" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="T"></form>
<form method="post" action="/districts/109/entry/2024-03/">
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
  <input type="hidden" name="c-1-version" value="3">
  <input name="c-1-population" value="1.663"> <input name="c-1-enrolled" value="1.500">
  <input name="c-1-group-ns" value=""> <input name="c-1-prev_enrolled" value="1400" readonly>
  <input type="number" name="c-2-enrolled" value="">
  <textarea name="c-2-note">ghi chú &amp; lý do</textarea>
  <select name="source"><option value="a">A</option><option value="b" selected>B</option></select>
  <input type="checkbox" name="keep" value="1" checked><input type="checkbox" name="off" value="1">
  <input type="file" name="attachment"> <input name="ignored" disabled value="x">
  <button type="submit" name="action" value="save">Lưu</button>
</form>
<form action="/accounts/logout/" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="T"></form>
"""


def test_the_grid_form_is_read_like_a_browser_would_submit_it():
    form = load.main_form(GRID)
    assert form.action == "/districts/109/entry/2024-03/"
    assert load.enrolled_fields(form) == ["c-1-enrolled", "c-2-enrolled"]
    data = load.form_data(form, {"c-1-enrolled": "1001", "c-2-enrolled": "1002"})
    assert data == [
        ("csrfmiddlewaretoken", "TOKEN"), ("c-1-version", "3"), ("c-1-population", "1.663"),
        ("c-1-enrolled", "1001"), ("c-1-group-ns", ""), ("c-1-prev_enrolled", "1400"), ("c-2-enrolled", "1002"),
        ("c-2-note", "ghi chú & lý do"), ("source", "b"), ("keep", "1"), ("action", "save"),
    ]


def test_a_confirmation_box_is_ticked_only_when_asked():
    form = load.main_form(GRID.replace('name="off"', 'name="confirm_drop"'))
    assert ("confirm_drop", "1") not in load.form_data(form, {})
    assert ("confirm_drop", "1") in load.form_data(form, {}, confirm=True)


class FakeBrowser:
    """Answers like an entry page: the grid, then a redirect after a save (or a warning first)."""

    def __init__(self, *, status: int = 200, warn_first: bool = False):
        self.status, self.warn_first, self.posts = status, warn_first, []

    def request(self, method, path, data=None):
        if method == "GET":
            return load.Response(self.status, {}, GRID.encode(), 12.0)
        self.posts.append(dict(data))
        if self.warn_first and len(self.posts) == 1:
            page = GRID.replace('name="off"', 'name="confirm_drop"') + '<p class="error">giảm hơn 5%</p>'
            return load.Response(200, {}, page.encode(), 20.0)
        return load.Response(302, {"location": path}, b"", 30.0)


def test_an_officer_save_posts_the_whole_form_back_with_new_enrolled_counts():
    recorder, browser = load.Recorder(), FakeBrowser()
    assert load.officer_saves(browser, recorder, "109", "2024-03", 5) is True
    posted = browser.posts[0]
    assert posted["csrfmiddlewaretoken"] == "TOKEN" and posted["c-1-version"] == "3"
    assert (posted["c-1-enrolled"], posted["c-2-enrolled"]) == ("1005", "1006")
    assert recorder.saved == {("109", "2024-03"): [1005, 1006]}
    assert [s.ok for s in recorder.samples] == [True, True]


def test_an_officer_confirms_a_warning_and_saves():
    recorder, browser = load.Recorder(), FakeBrowser(warn_first=True)
    load.officer_saves(browser, recorder, "109", "2024-03", 0)
    assert len(browser.posts) == 2 and browser.posts[1]["confirm_drop"] == "1"
    assert recorder.samples[-1].ok


def test_a_missing_entry_page_is_reported_as_not_available():
    recorder = load.Recorder()
    assert load.officer_saves(FakeBrowser(status=404), recorder, "109", "2024-03", 0) is False
    assert recorder.samples == [] and len(recorder.not_available) == 1


def test_the_role_mix_gives_each_officer_a_district_month_of_their_own():
    roles = load.role_mix(30)
    assert (roles.count("leader"), roles.count("officer"), roles.count("staff")) == (12, 12, 6)
    assert len(load.role_mix(3)) == 3 and "officer" in load.role_mix(3)
    assert load.role_mix(100).count("officer") == len(load.OFFICER_MONTHS)


def test_percentile():
    assert load.percentile(list(range(1, 101)), 0.95) == 95
    assert load.percentile([], 0.95) == 0.0


def test_the_check_compares_stored_figures_with_the_last_save(db):
    recorder = load.Recorder()
    district = unit(Level.DISTRICT, "109")
    communes = list(Unit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code")[:2])
    for i, commune in enumerate(communes):
        Enrollment.objects.create(unit=commune, month=dt.date(2024, 3, 1), enrolled=1000 + i)
    recorder.saved[("109", "2024-03")] = [1000, 1001]
    assert load.check_saved_figures(recorder) == []
    recorder.saved[("109", "2024-03")] = [1000, 1002]
    assert load.check_saved_figures(recorder) == ["109 2024-03: stored [1000, 1001] but the last save sent [1000, 1002]"]


def test_the_tool_refuses_a_database_server_off_this_machine():
    with pytest.raises(SystemExit, match="on this machine"):
        load.database_url("postgres://postgres@db.example.vn:5432", "x")


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="the load tool needs PostgreSQL; its short run is part of the PostgreSQL suite")
def test_a_short_load_run_ends_without_errors_and_cleans_up():
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TESTING")}
    env.update(LOAD_USERS="4", LOAD_SECONDS="4", LOAD_THINK_MS="200", LOAD_P95_MS="600000", LOAD_PG_URL=server,
               WEB_CONCURRENCY="2")
    result = subprocess.run([sys.executable, "-m", "ops.load"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert '"errors": 0' in result.stdout and '"saved_figures_check": true' in result.stdout
    assert "dropped, gunicorn stopped" in result.stdout


def test_the_enrolled_cells_can_be_named_by_a_pattern(monkeypatch):
    monkeypatch.setenv("LOAD_ENROLLED_FIELD", r"c-\d+-population")
    assert load.enrolled_fields(load.main_form(GRID)) == ["c-1-population"]


def test_officers_save_grids_over_http_and_every_figure_is_stored_once(transactional_db, live_server, settings,
                                                                     monkeypatch):
    """The whole officer scenario against a live server: login, CSRF, form read, save, check.
    (Live-server tests are flushed afterwards, so this one loads the units itself.)"""
    from communes.seed import load_units

    load_units()
    settings.ROOT_URLCONF = "tests.ops.fake_entry_urls"
    monkeypatch.setattr(load, "PASSWORD", "Tai-khoan-tai-thu-test")
    accounts = load.prepare_accounts_and_counts(["officer", "officer", "leader"])
    port = int(live_server.url.rsplit(":", 1)[1])
    recorder = load.Recorder()
    for username, role, assignment in accounts:
        browser = load.logged_in(port, username, recorder)
        if role == "officer":
            for round_no in range(3):
                assert load.officer_saves(browser, recorder, *assignment, round_no) is True
    assert all(sample.ok for sample in recorder.samples), [s.detail for s in recorder.samples if not s.ok]
    assert set(recorder.saved) == {("109", "2024-01"), ("219", "2024-01")}
    assert load.check_saved_figures(recorder) == []
    phong_tho = Enrollment.objects.filter(unit__parent__code="109", month=dt.date(2024, 1, 1))
    assert phong_tho.count() == 17  # one figure per commune of Phong Thổ, saved three times
    assert sorted(phong_tho.values_list("enrolled", flat=True)) == recorder.saved[("109", "2024-01")]
    assert recorder.saves[("109", "2024-01")] == 3
