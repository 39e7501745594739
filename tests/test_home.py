"""Who lands where: each role's home page, the top menu, and moving an ended unit's assignment on."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry

from communes.models import Assignment, Enrollment, Level, Population, Role, Unit
from tests.conftest import NOW, make_user

TODAY = NOW.date()
NOV = dt.date(2026, 11, 1)


@pytest.fixture
def lai_chau(db):
    return Unit.objects.provinces().in_force(TODAY).get(code="12")


@pytest.fixture
def reported(lai_chau):
    """Five of Lai Châu's 38 communes have sent November."""
    communes = list(Unit.objects.communes().filter(parent=lai_chau).in_force(TODAY).order_by("code")[:5])
    for commune in communes:
        Population.objects.create(unit=commune, year=2026, population=8000)
        Enrollment.objects.create(unit=commune, month=NOV, enrolled=7600)
    return communes


def test_an_officer_sees_the_month_to_report_and_its_grid(client, now_is, lai_chau, reported):
    client.force_login(make_user("officer_lc", Role.OFFICER, lai_chau))
    response = client.get("/")
    task = response.context["tasks"][0]
    assert (task.area, task.month, task.reported, task.expected) == (lai_chau, NOV, 5, 38)
    text = response.content.decode()
    assert 'href="/provinces/12/entry/2026-11/"' in text and "10/12/2026" in text  # the deadline
    assert "<strong>5</strong>/38" in text


def test_a_commune_officer_sees_their_one_commune(client, now_is, db):
    khong_lao = Unit.objects.communes().in_force(TODAY).get(code="03583")
    client.force_login(make_user("officer_kl", Role.OFFICER, khong_lao))
    response = client.get("/")
    [task] = response.context["tasks"]
    assert (task.unit, task.area.code, task.month, task.reported, task.expected) == (khong_lao, "12", NOV, 0, 1)
    text = response.content.decode()
    # The row names the commune (its province only beside it) and opens November's grid.
    row = text[text.index('<section class="tasks"') : text.index("</section>")]
    assert '<td>Xã Khổng Lào <span class="muted">(Tỉnh Lai Châu)</span></td>' in row
    assert "<strong>0</strong>/1" in row and 'href="/provinces/12/entry/2026-11/"' in row
    # That grid holds the one commune, and its count once saved shows on the home page.
    grid = client.get("/provinces/12/entry/2026-11/")
    assert [r.unit for r in grid.context["rows"]] == [khong_lao]
    Population.objects.create(unit=khong_lao, year=2026, population=9000)
    Enrollment.objects.create(unit=khong_lao, month=NOV, enrolled=8700)
    assert "<strong>1</strong>/1" in client.get("/").content.decode()


def test_the_menus_entry_opens_a_commune_officers_grid_of_the_month(client, now_is, db):
    khong_lao = Unit.objects.communes().in_force(TODAY).get(code="03583")
    client.force_login(make_user("officer_kl", Role.OFFICER, khong_lao))
    assert client.get("/entry/").url == "/provinces/12/entry/2026-11/"


def test_a_leader_lands_on_their_units_dashboard(client, now_is, lai_chau):
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    assert client.get("/").url == "/provinces/12/"


def test_a_national_leader_lands_on_the_national_page(client, now_is, db):
    client.force_login(make_user("leader_all", Role.LEADER, None))
    assert client.get("/").url == "/country/"


def test_a_leader_of_an_ended_district_is_told_where_it_went(client, now_is, db):
    phong_tho = Unit.objects.for_url(Level.DISTRICT, "109", year=2021)
    client.force_login(make_user("leader_pt", Role.LEADER, phong_tho))
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "đã kết thúc ngày 30/06/2025" in text and "Tỉnh Lai Châu" in text


def test_staff_see_the_documents_and_the_exports(client, now_is, db):
    client.force_login(make_user("staff_all", Role.STAFF, None))
    response = client.get("/")
    text = response.content.decode()
    assert "Kế hoạch 231/KH-UBND" in text and "Chỉ thị 05-CT/HU" in text
    assert "/documents/new/" in text and "/country/?format=xlsx" in text


def test_the_documents_list_shows_what_the_user_may_read(client, db):
    client.force_login(make_user("leader_pt", Role.LEADER, Unit.objects.for_url(Level.DISTRICT, "109", year=2021)))
    text = client.get("/documents/").content.decode()
    assert "231/KH-UBND" in text and "05-CT/HU" not in text


@pytest.mark.parametrize(
    "role, entries",
    [
        (Role.OFFICER, ["Nhập số liệu", "Báo cáo", "Văn bản"]),
        (Role.LEADER, ["Báo cáo", "Văn bản"]),
        (Role.STAFF, ["Báo cáo", "Văn bản"]),
        (None, ["Nhập số liệu", "Báo cáo", "Văn bản", "Quản trị"]),
    ],
)
def test_the_top_menu_shows_what_the_role_may_do(client, now_is, lai_chau, role, entries):
    user = make_user("someone", role, lai_chau) if role else make_user("admin_x", superuser=True)
    client.force_login(user)
    response = client.get("/documents/")
    assert [item["label"] for item in response.context["menu"]] == entries


def test_the_menus_report_entry_opens_the_users_own_dashboard(client, lai_chau):
    client.force_login(make_user("staff_lc", Role.STAFF, lai_chau))
    assert client.get("/reports/").url == "/provinces/12/"


def test_the_menus_entry_opens_the_grid_of_the_month_being_reported(client, now_is, lai_chau):
    client.force_login(make_user("officer_lc", Role.OFFICER, lai_chau))
    assert client.get("/entry/").url == "/provinces/12/entry/2026-11/"


def test_a_user_without_a_role_is_told_so(client, no_role_user):
    client.force_login(no_role_user)
    assert "chưa được phân quyền" in client.get("/").content.decode()
    assert client.get("/documents/").status_code == 403


def test_an_administrator_moves_an_ended_districts_officer_to_its_province(client, now_is, admin_user, db):
    phong_tho = Unit.objects.for_url(Level.DISTRICT, "109", year=2021)
    officer = make_user("officer_pt", Role.OFFICER, phong_tho)
    client.force_login(admin_user)
    listed = client.get("/").context["ended_assignments"]
    item = next(i for i in listed if i["assignment"].user == officer)
    lai_chau = Unit.objects.provinces().in_force(TODAY).get(code="12")
    assert item["successors"] == [lai_chau]
    response = client.post(f"/assignments/{officer.assignment.pk}/move/", {"to": lai_chau.pk})
    assert response.status_code == 302
    assert Assignment.objects.get(user=officer).unit == lai_chau
    assert LogEntry.objects.filter(object_id=str(officer.assignment.pk), user=admin_user).exists()


def test_an_assignment_is_moved_only_to_a_successor_and_only_by_an_administrator(client, now_is, admin_user, db):
    phong_tho = Unit.objects.for_url(Level.DISTRICT, "109", year=2021)
    officer = make_user("officer_pt", Role.OFFICER, phong_tho)
    bac_ninh = Unit.objects.provinces().in_force(TODAY).get(code="24")
    client.force_login(admin_user)
    client.post(f"/assignments/{officer.assignment.pk}/move/", {"to": bac_ninh.pk})
    assert Assignment.objects.get(user=officer).unit == phong_tho
    client.force_login(make_user("leader_all", Role.LEADER, None))
    assert client.post(f"/assignments/{officer.assignment.pk}/move/", {"to": bac_ninh.pk}).status_code == 403
    assert client.get(f"/assignments/{officer.assignment.pk}/move/").status_code == 405
    assert Assignment.objects.get(user=officer).unit == phong_tho
