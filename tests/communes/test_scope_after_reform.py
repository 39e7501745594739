import datetime as dt

from communes.models import Level, Role, Unit
from communes.scope import Scope
from tests.conftest import make_user

TODAY = dt.date(2026, 1, 1)


def test_a_province_officer_enters_for_the_communes_directly_under_the_province(db):
    bac_ninh = Unit.objects.resolve(Level.PROVINCE, "24", TODAY)
    scope = Scope.of(make_user("officer_bn", Role.OFFICER, bac_ninh))
    xa_luc_ngan = Unit.objects.resolve(Level.COMMUNE, "07582", TODAY)
    assert scope.can_view(xa_luc_ngan) and scope.can_edit(xa_luc_ngan)
    assert not scope.can_view(Unit.objects.resolve(Level.COMMUNE, "03583", TODAY))
    editable = set(scope.filter_editable(Unit.objects.communes().in_force(TODAY)).values_list("code", flat=True))
    # Bắc Ninh's 99 communes of today's national list, the old Lục Ngạn's successors among them.
    assert len(editable) == 99
    assert editable >= {
        "07525",
        "07531",
        "07534",
        "07537",
        "07543",
        "07552",
        "07573",
        "07582",
        "07594",
        "07603",
        "07612",
    }


def test_a_commune_officer_of_a_new_commune_edits_only_it(db):
    xa_luc_ngan = Unit.objects.resolve(Level.COMMUNE, "07582", TODAY)
    scope = Scope.of(make_user("officer_xln", Role.OFFICER, xa_luc_ngan))
    assert scope.can_edit(xa_luc_ngan)
    assert not scope.can_edit(Unit.objects.resolve(Level.COMMUNE, "07537", TODAY))


def test_a_leader_of_the_old_district_still_reads_its_old_units_but_not_the_new_province(db):
    luc_ngan = Unit.objects.for_url(Level.DISTRICT, "219", year=2021)
    scope = Scope.of(make_user("leader_ln", Role.LEADER, luc_ngan))
    assert scope.can_view(Unit.objects.resolve(Level.COMMUNE, "07537", dt.date(2024, 1, 1)))  # Phong Vân
    assert scope.can_view(Unit.objects.resolve(Level.COMMUNE, "07582", dt.date(2025, 3, 1)))  # TT Phì Điền 2025
    assert not scope.can_view(Unit.objects.resolve(Level.COMMUNE, "07582", TODAY))  # xã Lục Ngạn, under Bắc Ninh


def test_a_commune_officer_of_2021_reaches_their_commune_by_its_reused_code(client, commune_officer):
    from tests.conftest import PASSWORD

    assert client.login(username=commune_officer.username, password=PASSWORD)
    response = client.get("/communes/03583/")
    assert response.status_code == 200
    assert "Khổng Lào" in response.content.decode()


def test_the_browser_language_does_not_switch_number_formats(client, leader):
    from tests.conftest import PASSWORD

    assert client.login(username=leader.username, password=PASSWORD)
    page = client.get("/districts/109/?year=2021", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "82.818" in page and "85,63%" in page


def test_one_helper_finds_the_unit_of_a_month_or_says_it_had_ended(db):
    """The entry pages of a month after the reform: the district in force that month, or, for one
    that had ended, UnitEnded for those who reached into it and 404 for everyone else."""
    import pytest
    from django.http import Http404

    from communes.scope import UnitEnded, visible_unit_or_404

    phong_tho = Unit.objects.resolve(Level.DISTRICT, "109", dt.date(2022, 1, 1))
    officer = make_user("officer_pt_month", Role.OFFICER, phong_tho)
    outsider = make_user(
        "officer_ln_month", Role.OFFICER, Unit.objects.resolve(Level.DISTRICT, "219", dt.date(2022, 1, 1))
    )
    assert (
        visible_unit_or_404(officer, Level.DISTRICT, "109", on=dt.date(2022, 1, 1), reach=True, or_ended=True)
        == phong_tho
    )
    with pytest.raises(UnitEnded) as ended:
        visible_unit_or_404(officer, Level.DISTRICT, "109", on=dt.date(2025, 11, 1), reach=True, or_ended=True)
    assert ended.value.unit == phong_tho
    with pytest.raises(Http404):
        visible_unit_or_404(outsider, Level.DISTRICT, "109", on=dt.date(2025, 11, 1), reach=True, or_ended=True)
    with pytest.raises(Http404):  # without or_ended, an ended unit is only missing
        visible_unit_or_404(officer, Level.DISTRICT, "109", on=dt.date(2025, 11, 1), reach=True)
