"""Numbers that str.isdigit() or int() accept but the portal does not document — "²", "٣", "1e3",
"-1", a 20-digit number — sent to every numeric parameter of every page: a clear refusal or the
default, never a server error, and nothing changed."""

import pytest

from communes.models import Level, Role
from tests.conftest import make_user, unit

from .conftest import targets_in
from .routes import app_routes, url_for
from .test_forged_urls import snapshot

ODD_NUMBERS = ["²", "٣", "1e3", "-1", "99999999999999999999", "2021²", "7.5"]
QUERY_NUMBERS = ("year", "page", "on")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _targets():
    return targets_in(unit(Level.DISTRICT, "109"))


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_every_page_reads_an_odd_number_in_its_query_without_failing(admin_client, value):
    before, tried = snapshot(), 0
    for route in app_routes():
        url = url_for(route, _targets())
        for name in QUERY_NUMBERS:
            response = admin_client.get(url, {name: value})
            assert response.status_code < 500, f"GET {url}?{name}={value!r}: {response.status_code}"
            tried += 1
    assert tried > 30 and snapshot() == before


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_odd_numbers_in_a_urls_year_or_month_are_not_found(admin_client, value):
    for url in (
        f"/districts/109/entry/{value}-01/",
        f"/districts/109/entry/2021-{value}/",
        f"/communes/03583/history/{value}/",
        f"/documents/{value}/",
    ):
        assert admin_client.get(url).status_code == 404, url


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_reopening_for_an_odd_number_of_days_is_refused_with_a_message(client, leader_phong_tho, settings, value):
    settings.ENTRY_CLOSE_DAYS = 0
    client.force_login(leader_phong_tho)
    before = snapshot()
    response = client.post("/districts/109/entry/2021-06/reopen/", {"days": value, "reason": "kiểm tra"}, follow=True)
    assert response.status_code == 200 and "1 đến 31" in response.content.decode()
    assert snapshot() == before
    from communes.models import MonthReopening

    assert not MonthReopening.objects.exists()


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_a_grid_with_an_odd_hidden_version_is_refused_whole(client, db, settings, value):
    settings.ENTRY_CLOSE_DAYS = 100_000
    officer = make_user("officer_odd", Role.OFFICER, unit(Level.DISTRICT, "109"))
    client.force_login(officer)
    before = snapshot()
    response = client.post(
        "/districts/109/entry/2022-01/", {"03583-enrolled": "1700", "03583-version": value, "03583-population": "3913"}
    )
    assert response.status_code == 400
    assert "trường ẩn không hợp lệ" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_an_imports_choice_of_commune_with_an_odd_number_is_refused(db, value):
    from entry.annex_file import ImportRefused
    from entry.annex_import import read_confirmations
    from entry.annex_rows import read_bytes
    from targets.models import TargetDocument
    from tests.entry.test_annex_import import changed, official_workbook, printed_rows

    plan = TargetDocument.objects.get(number="231/KH-UBND")
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, "Khong Lau")), document=plan)
    [unknown] = [row for row in parsed.rows if row.unit_id is None]
    with pytest.raises(ImportRefused, match=f"dòng {unknown.line} không hợp lệ"):
        read_confirmations({f"unit_{unknown.line}": value}, parsed=parsed, document=plan)
