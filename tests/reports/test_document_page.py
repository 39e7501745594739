import pytest

from targets.models import TargetDocument

from .test_pages import login


@pytest.fixture
def plan_231(db):
    return TargetDocument.objects.get(number="231/KH-UBND")


@pytest.fixture
def directive_05(db):
    return TargetDocument.objects.get(number="05-CT/HU")


def test_the_document_shows_its_targets_and_its_annex_beside_computed_rates(client, leader, plan_231):
    login(client, leader)
    page = client.get(f"/documents/{plan_231.pk}/").content.decode()
    assert "Mai Thị Hồng Sim" in page and "96,05%" in page and "96,20%" in page
    # Row 1 as printed (a misspelt name) beside the official commune.
    assert "Không Lào" in page and "Xã Khổng Lào" in page
    # The 2021 total: printed 86,06% while its own counts give 85,63%.
    assert "86,06%" in page and "85,63%" in page and 'class="num differs"' in page


def test_every_inconsistency_is_listed(client, leader, plan_231):
    from reports.consistency import check_document

    login(client, leader)
    page = client.get(f"/documents/{plan_231.pk}/").content.decode()
    findings = check_document(plan_231)
    assert len(findings) > 5
    assert page.count('<li class="finding') == len(findings)
    assert "Tỷ lệ kế hoạch in 84,50% nhưng 3.351 ÷ 3.966 = 84,49%" in page


def test_a_place_is_left_for_the_annex_downloads(client, leader, plan_231):
    login(client, leader)
    assert 'id="annex-downloads"' in client.get(f"/documents/{plan_231.pk}/").content.decode()


ROLES = [
    "officer_phong_tho",
    "commune_officer",
    "leader",
    "leader_phong_tho",
    "staff",
    "admin_user",
    "no_role_user",
    "officer_luc_ngan",
]
SEES_231 = {"officer_phong_tho", "leader", "leader_phong_tho", "staff", "admin_user"}
SEES_05 = {"leader", "staff", "admin_user", "officer_luc_ngan"}


@pytest.mark.parametrize("role", ROLES)
def test_a_document_is_visible_only_to_those_who_see_its_unit(client, request, role, plan_231, directive_05):
    login(client, request.getfixturevalue(role))
    assert client.get(f"/documents/{plan_231.pk}/").status_code == (200 if role in SEES_231 else 404)
    assert client.get(f"/documents/{directive_05.pk}/").status_code == (200 if role in SEES_05 else 404)


@pytest.mark.parametrize("role", ROLES)
def test_dashboards_answer_each_role_by_scope(client, db, request, role):
    login(client, request.getfixturevalue(role))
    district = client.get("/districts/109/?year=2021").status_code
    province = client.get("/provinces/12/?year=2021").status_code
    assert district == (200 if role in SEES_231 else 404)
    assert province == (200 if role in {"leader", "staff", "admin_user"} else 404)


@pytest.mark.parametrize("url", ["/provinces/12/", "/documents/1/"])
def test_anonymous_users_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_document_is_not_found(client, leader):
    login(client, leader)
    assert client.get("/documents/999999/").status_code == 404


def test_the_directives_dated_figures_stand_beside_the_months_counts(client, leader, directive_05):
    import datetime as dt

    from communes.models import Level
    from tests.conftest import make_counts, unit

    make_counts(unit(Level.COMMUNE, "07528"), dt.date(2021, 7, 1), population=1000, enrolled=880)
    login(client, leader)
    page = client.get(f"/documents/{directive_05.pk}/").content.decode()
    table = page[page.index('id="snapshots"') : page.index("</table>", page.index('id="snapshots"'))]
    assert "24/07/2021" in table and "87,21%" in table and "88,00%" in table
    assert "&gt; 99,00%" in table and "chưa có số liệu tháng" in table  # June: no counts


def test_what_matters_comes_first_and_rounding_is_folded_with_its_count(client, leader, plan_231):
    login(client, leader)
    page = client.get(f"/documents/{plan_231.pk}/").content.decode()
    folded = page.index('id="findings-rounding"')
    # Vàng Ma Chải's 2024 plan: printed 99,87% but 3.813 ÷ 3.813 = 100,00%, 0,13 points: it matters.
    assert page.index("Tỷ lệ kế hoạch in 99,87% nhưng 3.813 ÷ 3.813 = 100,00%") < folded
    # The 2021 total row printed 86,06% for counts that give 85,63%: a total, so it matters.
    assert page.index("Dòng tổng in tỷ lệ 86,06% nhưng 70.913 ÷ 82.818 = 85,63%") < folded
    # Không Lào's 2022 plan, 84,50% for 84,49%: one hundredth of a point, folded away.
    assert page.index("Tỷ lệ kế hoạch in 84,50% nhưng 3.351 ÷ 3.966 = 84,49%") > folded
    rounding = page[folded : page.index("</details>", folded)]
    count = rounding.count('<li class="finding')
    assert f"{count} chỗ lệch do làm tròn (không quá 0,05 điểm)" in rounding and count > 20


def test_the_directives_page_shows_its_affected_people_sub_targets_and_communes(client, leader, directive_05):
    import csv
    from pathlib import Path

    login(client, leader)
    page = client.get(f"/documents/{directive_05.pk}/").content.decode()
    cohort = page[page.index('class="cohort"') : page.index("</section>", page.index('class="cohort"'))]
    assert "46.106" in cohort and "100,00%" in cohort and "&gt; 95,00%" in cohort
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "units-2021.csv"
    with fixture.open(encoding="utf-8") as file:
        named = [row["commune_name"] for row in csv.DictReader(file) if row["named_in_directive_05"]]
    assert len(named) == 14
    assert all(f"Xã {name}" in cohort for name in named)
