"""What the entry page shows around the inputs: where errors are seen, labels, hints, history."""

import datetime as dt
import json
import re

import pytest

from .entry_helpers import login, post_grid

URL = "/districts/109/entry/2022-01/"
KHONG_LAO, MA_LY_PHO = "03583", "03574"


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def cell_html(page: str, name: str) -> str:
    """The <td> that holds the input called `name`."""
    for td in re.findall(r"<td\b.*?</td>", page, flags=re.S):
        if f'name="{name}"' in td:
            return td
    raise AssertionError(f"no cell holds {name}")


def test_the_population_source_sits_beside_the_population_and_its_error_with_the_lines_checks(
    client, officer_phong_tho
):
    login(client, officer_phong_tho)
    page = post_grid(
        client, URL, {f"{KHONG_LAO}-population": "3.966", f"{KHONG_LAO}-enrolled": "1700"}
    ).content.decode()
    row = re.search(rf'<tr data-row="\d+" data-code="{KHONG_LAO}".*?</tr>', page, flags=re.S)[0]
    cells = re.findall(r"<td\b.*?</td>", row, flags=re.S)
    population = next(i for i, td in enumerate(cells) if f'name="{KHONG_LAO}-population"' in td)
    source = cells[population + 1]  # its own cell, on the same line, right after the population
    assert source.startswith('<td class="col-source"><label class="source bad">')
    assert f'name="{KHONG_LAO}-population_source"' in source and "<span" not in source  # no line under it
    checks = re.search(r'<div class="checks-in".*?</div>', row, flags=re.S)[0]
    assert 'data-for="population_source"' in checks and "Nguồn dân số mới: Ghi nguồn của số dân mới" in checks
    assert '<th class="col-source">Nguồn dân số mới</th>' in page
    assert 'class="entry-grid needs-source"' in page  # the column is open while a line needs it
    assert 'class="entry-grid needs-source"' not in client.get(URL).content.decode()


def test_a_summary_above_the_grid_lists_every_error_and_warning_with_a_link(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(
        client,
        URL,
        {f"{KHONG_LAO}-population": "3.966", f"{KHONG_LAO}-enrolled": "1500", f"{MA_LY_PHO}-enrolled": "12,5"},
    ).content.decode()
    summary = re.search(r'<div class="messages problems".*?</div>', page, flags=re.S)[0]
    assert summary.index("problems") < page.index("entry-grid")
    assert f'<a href="#{KHONG_LAO}-population_source">Xã Khổng Lào – Nguồn dân số mới</a> – Ghi nguồn' in summary
    assert f'<a href="#{MA_LY_PHO}-enrolled">Xã Ma Ly Pho – Số người tham gia BHYT</a>' in summary
    assert "phải là số nguyên" in summary
    assert f'id="{KHONG_LAO}-population_source"' in page and f'id="{MA_LY_PHO}-enrolled"' in page


def test_a_grid_without_problems_has_no_summary(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert "problems" not in client.get(URL).content.decode()


def test_the_history_names_the_channel_and_the_person_in_words(client, officer_phong_tho):
    from django.urls import reverse

    from communes.models import ChangeRecord, Level
    from tests.conftest import unit

    officer_phong_tho.first_name, officer_phong_tho.last_name = "Lò Văn", "Páo"
    officer_phong_tho.save()
    login(client, officer_phong_tho)
    post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"})
    ChangeRecord.objects.create(
        unit=unit(Level.COMMUNE, KHONG_LAO, 2022),
        period=dt.date(2022, 1, 1),
        field="enrolled",
        old_value=1700,
        new_value=1710,
        channel="import",
        user=officer_phong_tho,
    )
    page = client.get(reverse("commune_entry_history", args=[KHONG_LAO, "2022-01"])).content.decode()
    assert "<td>Nhập tay</td>" in page and "<td>Nhập từ Excel</td>" in page and "<td>entry</td>" not in page
    assert "<td>Lò Văn Páo</td>" in page
    assert re.search(r"<td>\d\d/\d\d/\d{4} \d\d:\d\d</td>", page)


def test_the_grid_names_who_entered_a_figure_and_when_in_full(client, officer_phong_tho):
    officer_phong_tho.first_name, officer_phong_tho.last_name = "Lò Văn", "Páo"
    officer_phong_tho.save()
    login(client, officer_phong_tho)
    post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"})
    page = client.get(URL).content.decode()
    assert re.search(r"· Lò Văn Páo \d\d/\d\d/\d{4} \d\d:\d\d</small>", page)


def test_the_reopening_note_names_the_leader_in_full(client, officer_phong_tho, leader_phong_tho, settings):
    from django.utils import timezone

    from communes.models import Level, MonthReopening
    from tests.conftest import unit

    settings.ENTRY_CLOSE_DAYS = 10
    leader_phong_tho.first_name, leader_phong_tho.last_name = "Tao Thị", "Hoa"
    leader_phong_tho.save()
    until = timezone.make_aware(dt.datetime(2099, 3, 5, 14, 30))
    MonthReopening.objects.create(
        unit=unit(Level.DISTRICT, "109"), month=dt.date(2022, 1, 1), until=until, reason="Nộp muộn", by=leader_phong_tho
    )
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    assert "Tháng này đã được Tao Thị Hoa mở lại đến 05/03/2099 14:30: Nộp muộn" in page


def test_a_conflict_names_its_time_as_every_page_does(client, officer_phong_tho, admin_user):
    from django.test import Client

    login(client, officer_phong_tho)
    mine = client.get(URL).content.decode()
    other = Client()
    login(other, admin_user)
    post_grid(other, URL, {f"{KHONG_LAO}-enrolled": "1680"})
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"}, page=mine).content.decode()
    assert re.search(r"số người tham gia đã được admin_x sửa lúc \d\d/\d\d/\d{4} \d\d:\d\d,", page)


def test_screen_readers_hear_the_commune_and_the_column_heading(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    labels = re.findall(rf'name="{KHONG_LAO}-[^"]+"[^>]*aria-label="([^"]+)"', page)
    assert "Xã Khổng Lào – Dân số" in labels
    assert "Xã Khổng Lào – Số người tham gia BHYT" in labels
    assert "Xã Khổng Lào – Nhóm: Người lao động và người sử dụng lao động đóng" in labels
    assert "Xã Khổng Lào – Ghi chú" in labels and "Xã Khổng Lào – Nguồn dân số mới" in labels
    assert not [label for label in labels if "g-" in label or "enrolled" in label]


def test_the_scripts_words_come_translated_from_the_template(client, officer_phong_tho, settings):
    from pathlib import Path

    for script in sorted((Path(settings.BASE_DIR) / "static/js").glob("entry*.js")):
        strings = re.findall(r'"([^"\\]*)"', script.read_text())
        assert not [s for s in strings if re.search(r"[À-ỹ]", s)], f"Vietnamese text hard-coded in {script.name}"
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    assert 'data-text-changed="{n} ô đã sửa"' in page and 'data-text-confirm="Xác nhận"' in page
    # The checks' messages come with the rules, from the server's own templates.
    data = json.loads(re.search(r'<script id="entry-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert data["rules"]["messages"]["drop"] == (
        "Giảm %(drop)s người so với tháng %(month)s (%(before)s): kiểm tra lại hoặc xác nhận."
    )


def test_last_months_rate_uses_last_months_population(client, officer_phong_tho):
    from communes.models import Level, Population
    from tests.conftest import unit

    # 2022 has a new population; December 2021's rate stays 1.663 of 2021's 3.913 people.
    Population.objects.create(unit=unit(Level.COMMUNE, KHONG_LAO, 2022), year=2022, population=5000)
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    previous = re.search(rf'data-code="{KHONG_LAO}".*?<td class="num previous">(.*?)</td>', page, flags=re.S)[1]
    assert (
        '<small class="hint">T12/2021: 1.663</small>' in previous and '<small class="hint">42,50%</small>' in previous
    )
    assert "33,26%" not in page  # 1.663 ÷ 5.000: last month's enrolled over this year's people


def test_a_spelling_two_communes_share_is_sent_with_both_codes_and_matches_neither(client, db):
    """The page sends, per spelling, every commune it may name: the paste takes a name only when it
    names one (entry-paste.js), as the importer's matcher does."""
    from communes.models import Role, Unit
    from entry.matching import Matcher
    from tests.conftest import make_user

    from .entry_helpers import make_namesakes

    district = make_namesakes("71")
    login(client, make_user("officer_namesakes", Role.OFFICER, district))
    page = client.get("/districts/71/entry/2024-01/").content.decode()
    data = json.loads(re.search(r'<script id="entry-data" type="application/json">(.*?)</script>', page, re.S)[1])
    an_binh, other_an_binh, thanh_an, thanh_an_marked = (f"71{n:04d}" for n in range(4))
    assert data["names"]["anbinh"] == [an_binh, other_an_binh]
    assert data["marked"]["an bình"] == [an_binh, other_an_binh]  # neither: the paste lists the name
    assert data["names"]["thanhan"] == [thanh_an, thanh_an_marked]
    assert (data["marked"]["thanh an"], data["marked"]["thạnh an"]) == ([thanh_an], [thanh_an_marked])
    matcher = Matcher(units=Unit.objects.filter(parent=district))
    by_code = {unit.code: pk for pk, unit in matcher.units.items()}
    assert matcher.match("Xã An Bình") is None
    assert (matcher.match("Thanh An"), matcher.match("thạnh an")) == (by_code[thanh_an], by_code[thanh_an_marked])
