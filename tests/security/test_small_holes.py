"""Small holes a battery of hostile requests found: each sent again, each answered with a message."""

import datetime as dt

import pytest
from django.test import override_settings

from communes.models import Level, MonthReopening, Role
from tests.conftest import make_user, unit

from .test_forged_urls import snapshot


def test_a_signed_in_user_asked_back_to_the_login_page_lands_home(client, leader):
    client.force_login(leader)
    response = client.get("/accounts/login/?next=/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/accounts/login/?next=/accounts/logout/").status_code == 302


@override_settings(ALLOWED_HOSTS=["bhyt.example.vn"], DEBUG=False)
def test_a_bad_host_is_answered_in_vietnamese(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


def test_too_many_fields_are_answered_in_vietnamese(client, officer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(officer)
    response = client.post("/districts/109/entry/2022-01/", {f"f{n}": "1" for n in range(20)})
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


def test_a_month_outside_the_portals_years_cannot_be_reopened(client, leader_phong_tho):
    client.force_login(leader_phong_tho)
    before = snapshot()
    assert client.post("/districts/109/entry/1900-01/reopen/", {"days": "3", "reason": "x"}).status_code == 404
    assert client.get("/districts/109/entry/1900-01/").status_code == 404
    assert snapshot() == before and not MonthReopening.objects.exists()


@pytest.fixture
def officer(db, settings):
    settings.ENTRY_CLOSE_DAYS = 100_000
    return make_user("officer_holes", Role.OFFICER, unit(Level.DISTRICT, "109"))


def test_a_population_of_zero_with_people_enrolled_is_refused(client, officer):
    client.force_login(officer)
    before = snapshot()
    response = client.post(
        "/districts/109/entry/2022-01/", {"03583-population": "0", "03583-enrolled": "10", "confirm": "anything"}
    )
    assert "Dân số bằng 0 mà có người tham gia" in response.content.decode()
    assert snapshot() == before


def test_a_cohort_error_shows_no_negative_remainder(client, officer):
    directive_commune = "07564"  # Kim Sơn, one of the 14 communes of Directive 05-CT/HU
    client.force_login(make_user("officer_ln_holes", Role.OFFICER, unit(Level.DISTRICT, "219")))
    page = client.post(
        "/districts/219/entry/2022-01/",
        {
            f"{directive_commune}-affected": "10",
            f"{directive_commune}-affected_pupils": "1000000",
            f"{directive_commune}-households": "5",
        },
    ).content.decode()
    assert "không thể lớn hơn tổng số người bị ảnh hưởng" in page
    assert "-999.990" not in page and "−999.990" not in page


@pytest.mark.parametrize("key", ["changeme", "x" * 60, "django-insecure-" + "a1b2c3d4e5" * 6, "short-but-random"])
def test_preflight_refuses_a_weak_secret_key(monkeypatch, key):
    from ops.management.commands.preflight import problems

    monkeypatch.setenv("SECRET_KEY", key)
    assert any("SECRET_KEY is too weak" in p for p in problems())


def test_preflight_accepts_a_long_random_secret_key(monkeypatch):
    import secrets

    from ops.management.commands.preflight import problems

    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    assert not any("SECRET_KEY" in p for p in problems())


def test_the_note_and_source_inputs_say_how_long_they_may_be(client, officer):
    client.force_login(officer)
    page = client.get("/districts/109/entry/2022-01/").content.decode()
    assert 'maxlength="500"' in page and 'maxlength="300"' in page
    response = client.post(
        "/districts/109/entry/2022-01/",
        {"03583-population": "3913", "03583-enrolled": "1700", "03583-note": "x" * 5000},
    )
    assert "Ghi chú dài quá 500 ký tự" in response.content.decode()
    from communes.models import Enrollment

    assert not Enrollment.objects.filter(unit__code="03583", month=dt.date(2022, 1, 1)).exists()
