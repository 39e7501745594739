import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from communes.models import Enrollment, Level, Role
from targets.models import Cohort, CohortProgress
from tests.conftest import make_counts, make_user, unit

from .test_pages import login

MAY, JUNE, JULY = dt.date(2021, 5, 1), dt.date(2021, 6, 1), dt.date(2021, 7, 1)


@pytest.fixture
def two_communes(luc_ngan):
    """Two Lục Ngạn communes reporting May–July 2021 (the district's target: 99% by end of 2021)."""
    a, b = unit(Level.COMMUNE, "07525"), unit(Level.COMMUNE, "07528")  # Chũ, Cấm Sơn
    for month, ea, eb in ((MAY, 960, 2900), (JUNE, 962, 2910), (JULY, 964, 2920)):
        make_counts(a, month, population=1000, enrolled=ea)
        make_counts(b, month, population=3000, enrolled=eb)
    return a, b


def ranking(page: str) -> str:
    """The page from the ranking table on: a commune short of its target is listed above it too."""
    return page[page.index("<h2>Xếp hạng các xã") :]


@pytest.fixture
def leader_client(client, leader):
    login(client, leader)
    return client


def test_the_headline_answers_where_we_are_and_whether_we_make_it(leader_client, two_communes):
    page = leader_client.get("/districts/219/?year=2021").content.decode()
    headline = page[page.index('id="headline"') : page.index("</section>", page.index('id="headline"'))]
    # July: 3.884 of 4.000 = 97,10% against 99% (05-CT/HU): 3.960 needed, 76 people short.
    assert "07/2021" in headline and "97,10%" in headline and "3.884 / 4.000" in headline
    assert "99,00%" in headline and "05-CT/HU" in headline
    assert "−1,90" in headline and ">76<" in headline
    # Five months left: ceil(76 / 5) = 16 a month; +12 a month carries July's 3.884 to 3.944 = 98,60%.
    assert ">5<" in headline and "16" in headline and "98,60%" in headline
    assert "Có nguy cơ" in headline


def test_an_ended_districts_page_opens_on_its_last_year(leader_client, two_communes):
    page = leader_client.get("/districts/219/").content.decode()
    assert '<option value="2025" selected>' in page


def test_the_ranking_shows_changes_inherited_targets_and_status(leader_client, two_communes):
    page = ranking(leader_client.get("/districts/219/?year=2021").content.decode())
    row_b = page[page.index('data-code="07528"') :]
    row_b = row_b[: row_b.index("</tr>")]
    # Cấm Sơn: 2.920 / 3.000 = 97,33%, +0,33 since June's 97,00%; the district's 99% applies.
    assert "97,33%" in row_b and "+0,33" in row_b and "99,00%<sup" in row_b
    # +10 a month carries Cấm Sơn to 2.970 = 99,00% in December; Chũ's +2 only to 97,40%.
    assert "Đúng hướng" in row_b
    row_a = page[page.index('data-code="07525"') :]
    assert "Chệch hướng" in row_a[: row_a.index("</tr>")]


@pytest.mark.parametrize(
    "sort",
    [
        "change_month",
        "-change_month",
        "change_year",
        "-change_year",
        "status",
        "-status",
        "document",
        "-gap_people",
        "label",
        "-as_of",
    ],
)
def test_every_column_sorts_and_units_without_figures_stay_last(leader_client, two_communes, sort):
    response = leader_client.get(f"/districts/219/?year=2021&sort={sort}")
    assert response.status_code == 200
    page = ranking(response.content.decode())
    if sort.lstrip("-") in ("change_month", "as_of"):
        reporting = max(page.index('data-code="07525"'), page.index('data-code="07528"'))
        assert reporting < page.index('data-code="07531"')  # Tân Sơn has no figure


def test_sorting_by_change_orders_the_reporting_communes(leader_client, two_communes):
    up = ranking(leader_client.get("/districts/219/?year=2021&sort=-change_month").content.decode())
    down = ranking(leader_client.get("/districts/219/?year=2021&sort=change_month").content.decode())
    # Chũ gained +0,20, Cấm Sơn +0,33.
    assert up.index('data-code="07528"') < up.index('data-code="07525"')
    assert down.index('data-code="07525"') < down.index('data-code="07528"')


def test_communes_under_1000_people_are_marked(leader_client, luc_ngan):
    make_counts(unit(Level.COMMUNE, "07525"), JULY, population=950, enrolled=900)
    page = ranking(leader_client.get("/districts/219/?year=2021").content.decode())
    row = page[page.index('data-code="07525"') :]
    assert 'class="small-unit"' in row[: row.index("</tr>")]


def test_the_chart_draws_this_year_against_the_target(leader_client, two_communes):
    page = leader_client.get("/districts/219/?year=2021").content.decode()
    chart = page[page.index('id="coverage-chart"') : page.index("</figure>")]
    assert 'data-year="2021"' in chart and chart.count("<circle") == 3
    assert 'class="target-line"' in chart and "99,00%" in chart


def test_the_change_since_last_year_compares_the_same_month(leader_client, two_communes):
    make_counts(unit(Level.COMMUNE, "07528"), dt.date(2020, 7, 1), population=3000, enrolled=2850)
    page = ranking(leader_client.get("/districts/219/?year=2021").content.decode())
    row = page[page.index('data-code="07528"') :]
    assert "+2,33" in row[: row.index("</tr>")]  # 97,33% − 95,00%


def test_the_excel_download_keeps_the_new_columns(leader_client, two_communes):
    response = leader_client.get("/districts/219/?year=2021&format=xlsx&sort=-change_month")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    assert "So tháng trước (điểm %)" in header and "Tình trạng" in header
    first = [c.value for c in sheet[4]]
    assert first[1] == "Xã Cấm Sơn"
    assert abs(first[header.index("So tháng trước (điểm %)")] - 0.33) < 1e-9
    assert first[header.index("Theo văn bản")] == "Chỉ thị 05-CT/HU (02/08/2021)"
    assert first[header.index("Tình trạng")] == "Đúng hướng"


def test_the_cohort_progress_against_its_sub_targets(leader_client, two_communes):
    cohort = Cohort.objects.get(document__number="05-CT/HU")
    member = cohort.communes.order_by("unit__code").first()
    member.affected, member.affected_pupils = 100, 20
    member.save()
    CohortProgress.objects.create(member=member, month=dt.date(2021, 8, 1), pupils=20, households=77)
    page = leader_client.get("/districts/219/?year=2021").content.decode()
    section = page[page.index('class="cohort"') : page.index("</section>", page.index('class="cohort"'))]
    assert "46.106" in section and "08/2021" in section
    assert "100,00%" in section and "96,25%" in section and "&gt; 95,00%" in section
    # The commune's own line: 20 / 20 pupils, 77 / 80 households.
    assert "20 / 20" in section and "77 / 80" in section and member.unit.full_name in section


def test_synthetic_figures_carry_a_badge(leader_client, two_communes):
    assert "dữ liệu mô phỏng" not in leader_client.get("/districts/219/?year=2021").content.decode()
    Enrollment.objects.filter(month=JULY).update(is_synthetic=True)
    assert "dữ liệu mô phỏng" in leader_client.get("/districts/219/?year=2021").content.decode()


def test_the_annex_year_still_reads_the_real_total(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get("/districts/109/?year=2021").content.decode()
    assert "85,63%" in page and "70.913 / 82.818" in page


# -- provinces and the wide home page ------------------------------------------------------------


def test_a_province_ranks_its_districts(leader_client):
    page = leader_client.get("/provinces/12/?year=2021").content.decode()
    assert "Huyện Phong Thổ" in page and "85,63%" in page and "Xếp hạng các huyện" in page


def test_a_province_of_a_year_before_the_reform_ranks_its_districts(leader_client):
    page = leader_client.get("/provinces/12/?year=2021").content.decode()
    assert "Xếp hạng các huyện" in page and "Huyện Phong Thổ" in page and "85,63%" in page


def test_the_national_page_of_a_year_before_the_reform_ranks_that_years_provinces(leader_client):
    response = leader_client.get("/country/?year=2021")
    assert [row.record.unit.full_name for row in response.context["table"].rows] == ["Tỉnh Lai Châu", "Tỉnh Bắc Giang"]
    assert "85,63%" in response.content.decode()


def test_a_province_leader_lands_on_the_province_and_reads_its_history(client, db):
    login(client, make_user("leader_lc", Role.LEADER, unit(Level.PROVINCE, "12")))
    assert client.get("/").url == "/provinces/12/"
    page = client.get("/provinces/12/?year=2021").content.decode()
    assert "Huyện Phong Thổ" in page and "Huyện Lục Ngạn" not in page and "Xếp hạng các huyện" in page


def test_a_district_officer_keeps_the_plain_home_list(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert "Xếp hạng các huyện" not in client.get("/").content.decode()


def test_the_province_ranking_downloads_as_excel(leader_client):
    response = leader_client.get("/provinces/12/?year=2021&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=4, column=2).value == "Huyện Phong Thổ"
    assert sheet.cell(row=4, column=3).value == 82818


def test_the_dashboard_reads_in_english(leader_client, two_communes):
    leader_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = leader_client.get("/districts/219/?year=2021").content.decode()
    assert "Communes ranked" in page and "Year-end projection" in page and "At risk" in page
    assert "97.10%" in page and "3,884 / 4,000" in page


@pytest.mark.parametrize("sort", ["nonexistent", "-", "rate,label", "'; drop table", "-rate,-label"])
def test_a_forged_sort_is_ignored_or_obeyed_never_an_error(leader_client, two_communes, sort):
    from urllib.parse import quote

    assert leader_client.get(f"/districts/219/?year=2021&sort={quote(sort)}").status_code == 200
    assert leader_client.get(f"/provinces/24/?year=2021&sort={quote(sort)}").status_code == 200


def test_missing_values_sort_last_in_both_directions():
    from reports.tables import CoverageRankingTable
    from reports.tables_data import CoverageRow

    rows = [
        CoverageRow(unit=None, label=name, population=population, enrolled=None)
        for name, population in (("a", 5), ("b", None), ("c", 9))
    ]
    total = CoverageRow(unit=None, label="Tổng", population=None, enrolled=None)
    for order, expected in (("population", ["a", "c", "b"]), ("-population", ["c", "a", "b"])):
        table = CoverageRankingTable(list(rows), total=total, order_by=order)
        assert [row.record.label for row in table.rows] == expected


def test_a_long_ranking_is_paged_but_its_excel_has_every_row(leader_client, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "RANKING_PAGE", 1)  # a ranking of hundreds, in miniature
    first = leader_client.get("/country/?year=2021").content.decode()
    second = leader_client.get("/country/?year=2021&page=2").content.decode()
    assert ("Tỉnh Bắc Giang" in first) != ("Tỉnh Bắc Giang" in second)
    assert "85,63%" in first + second  # Lai Châu on one of the pages
    book = load_workbook(io.BytesIO(leader_client.get("/country/?year=2021&format=xlsx").content))
    labels = [row[1] for row in book.active.iter_rows(values_only=True)]
    assert "Tỉnh Bắc Giang" in labels and "Tỉnh Lai Châu" in labels
