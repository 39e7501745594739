"""Links out of the dashboards open the unit and month the page is about (reviewers' defects)."""

import datetime as dt
import re

from django.urls import reverse, set_script_prefix

from communes.models import Level, Unit
from reports.links import unit_url
from tests.conftest import PASSWORD


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _commune_link(page: str, name: str) -> str:
    match = re.search(r'<a href="(/communes/[^"]+)">' + name + "</a>", page)
    assert match, f"no link to {name}"
    return match[1].replace("&amp;", "&")


def test_a_commune_in_the_2021_ranking_opens_the_commune_of_2021(client, leader):
    _login(client, leader)
    page = client.get("/districts/219/?year=2021").content.decode()
    url = _commune_link(page, "Xã Biển Động")
    assert url == "/communes/07573/?on=2021-12-31"
    opened = client.get(url).context["unit"]
    assert opened.valid_to == dt.date(2024, 12, 31) and opened.parent.code == "219"


def test_a_commune_that_ended_mid_year_opens_itself_not_its_successor(client, leader):
    _login(client, leader)
    page = client.get("/districts/219/?year=2025").content.decode()
    url = _commune_link(page, "Thị trấn Biển Động")
    assert url == "/communes/07573/?on=2025-06-30"
    assert client.get(url).context["unit"].kind == "Thị trấn"


def test_a_district_that_ended_links_to_its_last_month_not_december(client, leader):
    _login(client, leader)
    page = client.get("/districts/109/?year=2025").content.decode()
    assert 'href="/districts/109/completeness/2025-06/"' in page
    assert 'href="/districts/109/entry/2025-06/"' in page
    assert "/2025-12/" not in page
    assert client.get("/districts/109/completeness/2025-06/").status_code == 200


def test_a_past_year_links_to_its_december(client, leader):
    _login(client, leader)
    page = client.get("/districts/109/?year=2022").content.decode()
    assert 'href="/districts/109/completeness/2022-12/"' in page
    assert 'href="/districts/109/entry/2022-12/"' in page


def test_a_units_path_is_what_reverse_gives_with_any_code_and_prefix():
    for prefix in ("/", "/cong/"):
        set_script_prefix(prefix)
        try:
            for level, name in ((Level.PROVINCE, "province"), (Level.DISTRICT, "district"), (Level.COMMUNE, "commune")):
                for code in ("07573", "M0012", "a b+ç?"):
                    assert unit_url(Unit(level=level, code=code)) == reverse(name, args=[code])
        finally:
            set_script_prefix("/")
