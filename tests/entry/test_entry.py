"""The monthly entry grid: validation, one-transaction save, optimistic locking, audit."""

import datetime as dt

import pytest
from django.urls import reverse

from communes.models import ChangeRecord, Enrollment, EnrollmentByGroup, Level, Population, Role
from targets.models import CohortCommune, CohortProgress
from tests.conftest import make_counts, make_user, unit

from .entry_helpers import confirmations, login, post_grid

URL = "/districts/109/entry/2022-01/"
JAN = dt.date(2022, 1, 1)
KHONG_LAO, MA_LY_PHO = "03583", "03574"  # Dec 2021: 1.663 of 3.913 people; 1.336 of 2.881


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000  # 2022 would be closed long ago; closing has its own tests


def saved(code: str, month: dt.date = JAN) -> int | None:
    enrollment = Enrollment.objects.filter(unit=unit(Level.COMMUNE, code, month.year), month=month).first()
    return enrollment.enrolled if enrollment else None


def test_the_grid_shows_every_commune_with_last_months_figures(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    assert page.count('data-key="enrolled"') == 17
    assert "T12/2021: 1.663" in page and "42,50%" in page  # Khổng Lào last month, and its rate
    assert f'name="{KHONG_LAO}-population" id="{KHONG_LAO}-population" value="3.913"' in page
    assert "js/entry.js" in page and "<script>" not in page


def test_a_valid_grid_is_saved_whole_with_its_audit(client, officer_phong_tho):
    login(client, officer_phong_tho)
    response = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1.700", f"{MA_LY_PHO}-enrolled": "1 400"})
    assert response.status_code == 302
    assert saved(KHONG_LAO) == 1700 and saved(MA_LY_PHO) == 1400
    khong_lao = unit(Level.COMMUNE, KHONG_LAO, 2022)
    # The population in effect (2021's) becomes 2022's, so the year's rate can be computed.
    assert Population.objects.get(unit=khong_lao, year=2022).population == 3913
    record = ChangeRecord.objects.get(unit=khong_lao, field="enrolled", period=JAN)
    assert (record.old_value, record.new_value, record.user, record.channel) == (None, 1700, officer_phong_tho, "entry")
    assert Enrollment.objects.get(unit=khong_lao, month=JAN).version == 1
    assert "Đã lưu 4 thay đổi." in client.get(URL).content.decode()


def test_saving_the_same_figures_again_changes_nothing(client, officer_phong_tho):
    login(client, officer_phong_tho)
    post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"})
    before = ChangeRecord.objects.count()
    post_grid(client, URL, {})
    assert ChangeRecord.objects.count() == before
    assert Enrollment.objects.get(unit=unit(Level.COMMUNE, KHONG_LAO, 2022), month=JAN).version == 1


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12,5", "phải là số nguyên"),
        ("-3", "không được âm"),
        ("abc", "Không đọc được số"),
    ],
)
def test_a_bad_cell_keeps_every_typed_value_and_saves_nothing(client, officer_phong_tho, typed, message):
    login(client, officer_phong_tho)
    response = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1.700", f"{MA_LY_PHO}-enrolled": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="1.700"' in page and f'value="{typed}"' in page
    assert saved(KHONG_LAO) is None and saved(MA_LY_PHO) is None
    assert not ChangeRecord.objects.exists()
    assert not Population.objects.filter(year=2022).exists()


def test_enrolled_above_population_is_refused_unless_a_note_explains(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "4000"}).content.decode()
    assert "lớn hơn dân số (3.913)" in page
    assert saved(KHONG_LAO) is None
    response = post_grid(
        client, URL, {f"{KHONG_LAO}-enrolled": "4000", f"{KHONG_LAO}-note": "Thẻ cấp cho lao động ngoại tỉnh"}
    )
    assert response.status_code == 302
    assert saved(KHONG_LAO) == 4000


def test_a_drop_over_five_percent_must_be_confirmed(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}).content.decode()
    assert "Giảm 163 người so với tháng 12/2021 (1.663)" in page
    assert "Chưa lưu: có cảnh báo" in page
    assert saved(KHONG_LAO) is None
    response = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}, page=page, **confirmations(page))
    assert response.status_code == 302
    assert saved(KHONG_LAO) == 1500


def test_a_confirmation_does_not_cover_a_different_warning(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}).content.decode()
    response = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1400"}, page=page, **confirmations(page))
    assert response.status_code == 200
    assert saved(KHONG_LAO) is None


def test_a_small_drop_saves_without_asking(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1600"}).status_code == 302
    assert saved(KHONG_LAO) == 1600


def test_payer_groups_that_add_up_are_stored(client, officer_phong_tho):
    login(client, officer_phong_tho)
    cells = {f"{KHONG_LAO}-enrolled": "1700", f"{KHONG_LAO}-g-nsnn": "1200", f"{KHONG_LAO}-g-hgd": "500"}
    assert post_grid(client, URL, cells).status_code == 302
    stored = dict(EnrollmentByGroup.objects.values_list("group__code", "enrolled"))
    assert stored == {"nsnn": 1200, "hgd": 500}


def test_payer_groups_that_do_not_add_up_must_be_confirmed(client, officer_phong_tho):
    login(client, officer_phong_tho)
    cells = {f"{KHONG_LAO}-enrolled": "1700", f"{KHONG_LAO}-g-nsnn": "1200", f"{KHONG_LAO}-g-hgd": "400"}
    page = post_grid(client, URL, cells).content.decode()
    assert "Tổng các nhóm (1.600) khác tổng số người tham gia (1.700)" in page
    assert not EnrollmentByGroup.objects.exists()
    assert post_grid(client, URL, cells, page=page, **confirmations(page)).status_code == 302
    assert EnrollmentByGroup.objects.count() == 2


def test_a_newer_population_needs_its_source(client, officer_phong_tho):
    login(client, officer_phong_tho)
    cells = {f"{KHONG_LAO}-population": "3.966", f"{KHONG_LAO}-enrolled": "1700"}
    page = post_grid(client, URL, cells).content.decode()
    assert "Ghi nguồn của số dân mới" in page
    assert not Population.objects.filter(year=2022).exists()
    cells[f"{KHONG_LAO}-population_source"] = "Chi cục Thống kê, 01/2022"
    assert post_grid(client, URL, cells).status_code == 302
    population = Population.objects.get(unit=unit(Level.COMMUNE, KHONG_LAO, 2022), year=2022)
    assert (population.population, population.source) == (3966, "Chi cục Thống kê, 01/2022")
    record = ChangeRecord.objects.get(field="population", unit=population.unit)
    assert (record.new_value, record.note, record.period) == (3966, "Chi cục Thống kê, 01/2022", dt.date(2022, 1, 1))


def test_a_save_over_a_figure_changed_since_opening_is_refused_naming_who(client, officer_phong_tho):
    colleague = make_user("officer_pt2", Role.OFFICER, unit(Level.DISTRICT, "109"))
    colleague.first_name, colleague.last_name = "Lò Văn", "Páo"
    colleague.save()
    login(client, officer_phong_tho)
    mine = client.get(URL).content.decode()  # opened before the colleague saves
    from django.test import Client

    other = Client()
    login(other, colleague)
    assert post_grid(other, URL, {f"{KHONG_LAO}-enrolled": "1680"}).status_code == 302

    response = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700", f"{MA_LY_PHO}-enrolled": "1400"}, page=mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Xã Khổng Lào: số người tham gia đã được Lò Văn Páo sửa lúc" in page
    assert 'value="1700"' in page and 'value="1400"' in page  # nothing typed is lost
    assert saved(KHONG_LAO) == 1680 and saved(MA_LY_PHO) is None  # and nothing of the grid was written
    # Saving the page shown now is a deliberate overwrite.
    assert post_grid(client, URL, {}, page=page).status_code == 302
    assert saved(KHONG_LAO) == 1700 and saved(MA_LY_PHO) == 1400


def test_a_population_changed_since_opening_is_not_overwritten(client, officer_phong_tho, admin_user):
    login(client, officer_phong_tho)
    mine = client.get(URL).content.decode()
    from django.test import Client

    other = Client()
    login(other, admin_user)
    post_grid(other, URL, {f"{KHONG_LAO}-population": "3950", f"{KHONG_LAO}-population_source": "Thống kê"})
    cells = {f"{KHONG_LAO}-population": "3990", f"{KHONG_LAO}-population_source": "Xã báo"}
    response = post_grid(client, URL, cells, page=mine)
    assert response.status_code == 409
    assert "dân số đã được admin_x sửa" in response.content.decode()
    assert Population.objects.get(unit=unit(Level.COMMUNE, KHONG_LAO, 2022), year=2022).population == 3950


def test_the_directives_communes_enter_their_cohort(client, officer_luc_ngan):
    url = "/districts/219/entry/2021-08/"
    login(client, officer_luc_ngan)
    page = client.get(url).content.decode()
    assert page.count('data-key="affected"') == 14  # the directive's 14 communes, and only they
    kim_son = "07564"
    cells = {
        f"{kim_son}-population": "9000",
        f"{kim_son}-population_source": "UBND xã",
        f"{kim_son}-enrolled": "8000",
        f"{kim_son}-affected": "3.200",
        f"{kim_son}-affected_pupils": "900",
        f"{kim_son}-pupils": "600",
        f"{kim_son}-households": "1500",
    }
    assert post_grid(client, url, cells).status_code == 302
    member = CohortCommune.objects.get(unit=unit(Level.COMMUNE, kim_son, 2021))
    assert (member.affected, member.affected_pupils) == (3200, 900)
    progress = CohortProgress.objects.get(member=member, month=dt.date(2021, 8, 1))
    assert (progress.pupils, progress.households, progress.version) == (600, 1500, 1)


def test_re_enrolled_pupils_cannot_exceed_the_affected_pupils(client, officer_luc_ngan):
    url = "/districts/219/entry/2021-08/"
    login(client, officer_luc_ngan)
    cells = {"07564-affected": "3200", "07564-affected_pupils": "900", "07564-pupils": "950"}
    page = post_grid(client, url, cells).content.decode()
    assert "Lớn hơn số học sinh bị ảnh hưởng (900)" in page
    assert CohortCommune.objects.get(unit=unit(Level.COMMUNE, "07564", 2021)).affected is None


def test_the_commune_month_history_shows_who_changed_what(client, officer_phong_tho):
    login(client, officer_phong_tho)
    post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"})
    post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1710", f"{KHONG_LAO}-note": "BHXH huyện sửa danh sách"})
    response = client.get(reverse("commune_entry_history", args=[KHONG_LAO, "2022-01"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1.700" in page and "1.710" in page and "BHXH huyện sửa danh sách" in page and "officer_pt" in page
    assert page.index("1.710") < page.index("Dân số")  # newest first


def test_an_impossibly_large_count_is_refused(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "99999999999"}).content.decode()
    assert "Số quá lớn" in page
    assert saved(KHONG_LAO) is None


def test_two_first_saves_at_once_end_in_a_conflict_not_an_error(client, officer_phong_tho, monkeypatch):
    from entry import save as entry_save

    login(client, officer_phong_tho)
    page = client.get(URL).content.decode()
    original = entry_save._Fresh.lock

    def lock_then_someone_else_creates(**kwargs):
        fresh = original(**kwargs)
        make_counts(unit(Level.COMMUNE, KHONG_LAO, 2022), JAN, population=3913, enrolled=1690)
        return fresh

    monkeypatch.setattr(entry_save._Fresh, "lock", staticmethod(lock_then_someone_else_creates))
    response = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"}, page=page)
    assert response.status_code == 409
    assert "cùng lúc với bạn" in response.content.decode()
    # The "other session" shares the test's connection, so its row is rolled back with ours.
    assert saved(KHONG_LAO) is None
    assert not ChangeRecord.objects.exists()


def test_cells_left_out_of_a_post_keep_their_stored_values(client, officer_phong_tho):
    login(client, officer_phong_tho)
    post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"})
    response = client.post(URL, {f"{MA_LY_PHO}-enrolled": "1400", f"{MA_LY_PHO}-version": "0"})
    assert response.status_code == 302
    assert saved(KHONG_LAO) == 1700 and saved(MA_LY_PHO) == 1400


def test_a_cell_posted_empty_cannot_erase_a_saved_figure(client, officer_phong_tho):
    login(client, officer_phong_tho)
    post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700"})
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": ""}).content.decode()
    assert "Không được để trống số đã nhập" in page
    assert saved(KHONG_LAO) == 1700


def test_a_population_changed_since_opening_is_a_conflict_even_when_only_enrolled_was_typed(client, officer_phong_tho):
    colleague = make_user("officer_pt3", Role.OFFICER, unit(Level.DISTRICT, "109"))
    colleague.first_name, colleague.last_name = "Lò Thị", "Mai"
    colleague.save()
    login(client, officer_phong_tho)
    mine = client.get(URL).content.decode()  # shows 3.913, 2021's figure
    from django.test import Client

    other = Client()
    login(other, colleague)
    post_grid(other, URL, {f"{KHONG_LAO}-population": "3950", f"{KHONG_LAO}-population_source": "Thống kê"})
    # The stale 3.913 still in my form would read as a new figure without a source: that is the
    # colleague's change showing through, and it must be named as such.
    response = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1700", f"{MA_LY_PHO}-enrolled": "1400"}, page=mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Xã Khổng Lào: dân số đã được Lò Thị Mai sửa lúc" in page
    assert 'value="1700"' in page and 'value="1400"' in page
    assert saved(KHONG_LAO) is None and saved(MA_LY_PHO) is None


def test_a_confirmed_drop_is_not_asked_again_when_the_row_is_left_alone(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}).content.decode()
    assert (
        post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}, page=page, **confirmations(page)).status_code == 302
    )
    # A later save of another commune does not bring back Khổng Lào's confirmed warning.
    response = post_grid(client, URL, {f"{MA_LY_PHO}-enrolled": "1400"})
    assert response.status_code == 302
    assert saved(MA_LY_PHO) == 1400
    # Changing the figure again is judged afresh.
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1450"}).content.decode()
    assert "Giảm 213 người so với tháng 12/2021 (1.663)" in page
    assert saved(KHONG_LAO) == 1500


def test_confirmed_groups_that_do_not_add_up_are_not_asked_again(client, officer_phong_tho):
    login(client, officer_phong_tho)
    cells = {f"{KHONG_LAO}-enrolled": "1700", f"{KHONG_LAO}-g-nsnn": "1200", f"{KHONG_LAO}-g-hgd": "400"}
    page = post_grid(client, URL, cells).content.decode()
    assert post_grid(client, URL, cells, page=page, **confirmations(page)).status_code == 302
    assert post_grid(client, URL, {f"{MA_LY_PHO}-enrolled": "1400"}).status_code == 302
    assert saved(MA_LY_PHO) == 1400
