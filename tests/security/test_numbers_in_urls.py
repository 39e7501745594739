"""Numbers that str.isdigit() or int() accept but the portal does not document — "²", "٣", "1e3",
"-1", a 20-digit number — sent to every numeric parameter of every page, found by the route walker:
each path parameter, each query parameter a view reads. The answer is the page's default or a
refusal in Vietnamese (400/404), never a server error, and nothing changes. The JSON API's routes
are attacked the same way in test_numbers_in_api_urls.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from communes.models import Level, Role
from tests.conftest import make_user, unit

from .conftest import targets_in
from .routes import app_routes, url_for
from .test_forged_urls import snapshot

ODD_NUMBERS = ["²", "٣", "1e3", "-1", "99999999999999999999", "2021²", "7.5"]
# Every query parameter a page reads that holds a number or a date: ?year=, ?on=, and django-tables2's
# ?page= and ?per_page= on the ranking tables (RequestConfig reads them with int()).
QUERY_NUMBERS = ("year", "page", "per_page", "on")
# The query parameters pages read that hold no number (checked by the test below).
QUERY_WORDS = {"sort", "format", "units"}
APPS = ("communes", "targets", "reports", "entry", "api", "coverage_portal", "ops")
REFUSED_IN_VIETNAMESE = ("Không tìm thấy", "không hợp lệ", "Yêu cầu không hợp lệ")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _targets():
    return targets_in(unit(Level.DISTRICT, "109"))


def assert_refused_in_vietnamese(response, what: str) -> None:
    """A 400 or 404 page says why in Vietnamese, not in Django's English."""
    assert response.status_code in (400, 404), f"{what}: {response.status_code}"
    page = response.content.decode()
    assert any(phrase in page for phrase in REFUSED_IN_VIETNAMESE), f"{what}: {page[:300]}"
    assert "Not Found" not in page and "Bad Request" not in page, what


def test_every_query_parameter_a_view_reads_is_attacked():
    """A page that starts reading ?something= is attacked below without editing this file, or fails here."""
    read = set()
    for app in APPS:
        for source in Path(settings.BASE_DIR, app).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            read |= set(re.findall(r"\bGET(?:\.get|\.getlist)?\(\s*[\"'](\w+)[\"']", text))
            read |= set(re.findall(r"\bGET\[\s*[\"'](\w+)[\"']\s*\]", text))
    assert read, "the views' query parameters are found"
    assert read <= set(QUERY_NUMBERS) | QUERY_WORDS, read - set(QUERY_NUMBERS) - QUERY_WORDS


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_every_page_reads_an_odd_number_in_its_query_as_its_default_or_refuses_it(admin_client, value):
    before, tried = snapshot(), 0
    for route in app_routes():
        url = url_for(route, _targets())
        usual = admin_client.get(url).status_code
        for name in QUERY_NUMBERS:
            response = admin_client.get(url, {name: value})
            what = f"GET {url}?{name}={value!r}"
            assert response.status_code < 500, f"{what}: {response.status_code}"
            if response.status_code != usual:
                assert_refused_in_vietnamese(response, what)
            tried += 1
    assert tried > 100 and snapshot() == before


def _placeholder(route, converter: str, name: str) -> str:
    return f"<{converter}:{name}>" if f"<{converter}:{name}>" in route.route else f"<{name}>"


def _odd_urls(route, value: str):
    """The route's URL with one parameter at a time replaced by `value` (a month in each of its parts)."""
    regex = re.escape("/" + route.route)
    for converter, name in route.params:
        regex = regex.replace(re.escape(_placeholder(route, converter, name)), "([^/]+)", 1)
    usual = dict(
        zip((n for _c, n in route.params), re.fullmatch(regex, url_for(route, _targets())).groups(), strict=True)
    )
    for _converter, name in route.params:
        for odd in [value, *([f"{value}-06", f"2021-{value}"] if name == "month" else [])]:
            url = route.route
            for converter, other in route.params:
                url = url.replace(_placeholder(route, converter, other), odd if other == name else usual[other], 1)
            yield "/" + url


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_an_odd_number_in_any_path_parameter_is_not_found_in_vietnamese(admin_client, value):
    before, tried = snapshot(), 0
    for route in app_routes():
        for url in _odd_urls(route, value):
            response = admin_client.get(url)
            if response.status_code == 405:  # a form's target: what it would be sent
                response = admin_client.post(url, {"days": "3", "reason": "kiểm tra", "token": "x"})
            assert response.status_code < 500, f"GET {url}: {response.status_code}"
            assert_refused_in_vietnamese(response, f"GET {url}")
            tried += 1
    assert tried > 40 and snapshot() == before


def test_the_ranking_tables_keep_their_own_page_size(admin_client):
    """?per_page= is django-tables2's: 0 divided by zero, -5 asked for a page before the first."""
    usual = admin_client.get("/country/").content.decode().count("<tr")
    for value in ("0", "-5", "1", "99999999999999999999"):
        response = admin_client.get("/country/", {"per_page": value})
        assert response.status_code == 200 and response.content.decode().count("<tr") == usual, value


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
    from tests.entry.annex_examples import changed, official_workbook, printed_rows

    plan = TargetDocument.objects.get(number="231/KH-UBND")
    parsed = read_bytes(official_workbook(changed(printed_rows(), "Không Lào", 1, "Khong Lau")), document=plan)
    [unknown] = [row for row in parsed.rows if row.unit_id is None]
    with pytest.raises(ImportRefused, match=f"dòng {unknown.line} không hợp lệ"):
        read_confirmations({f"unit_{unknown.line}": value}, parsed=parsed, document=plan)


def test_the_year_helper_keeps_what_the_pages_documented():
    from django.test import RequestFactory

    from reports.views import year_param

    factory = RequestFactory()
    assert year_param(factory.get("/", {"year": "2021"})) == 2021
    for odd in ["", "2019", "2101", *ODD_NUMBERS]:
        assert year_param(factory.get("/", {"year": odd})) is None, odd
    assert year_param(factory.get("/")) is None
