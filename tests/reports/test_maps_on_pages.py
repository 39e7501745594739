"""The maps on the pages: the province's communes and the country's provinces, each linked to its
page and coloured by the status the ranking shows beside it."""

import re

from communes.models import Role
from tests.conftest import make_user

from .test_today import lai_chau, lai_chau_counts, lai_chau_plan  # noqa: F401


def _map(text: str) -> str:
    start = text.index('<figure class="map"')
    return text[start : text.index("</figure>", start)]


def test_the_province_page_maps_its_38_communes_each_linked_and_coloured_by_its_status(
    client,
    now_is,
    lai_chau,  # noqa: F811
    lai_chau_counts,  # noqa: F811
    lai_chau_plan,  # noqa: F811
):
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    response = client.get("/provinces/12/?year=2026")
    drawn = _map(response.content.decode())
    links = re.findall(r'<a href="(/communes/\d{5}/)"><path [^>]*class="area ([a-z_-]+)"', drawn)
    assert len(links) == 38 and not response.context["map"].missing_shapes
    statuses = {row.unit.code: row.status for row in response.context["dashboard"].table.rows}
    for url, fill in links:
        assert fill == f"map-{statuses[url.split('/')[2]]}"
    # Every commune meets the province's 96,50%? No: November's counts leave each one short of it.
    assert all(status in ("on_track", "at_risk", "off_track") for status in statuses.values())


def test_the_national_page_maps_the_34_provinces(
    client,
    now_is,
    lai_chau_counts,  # noqa: F811
):
    client.force_login(make_user("leader_vn", Role.LEADER, None))
    drawn = _map(client.get("/country/").content.decode())
    assert len(re.findall(r'<a href="/provinces/\d{2}/"><path ', drawn)) == 34
    # Lai Châu has figures but no national target here: grey, its rate on hover; the 33 others
    # have no figures and are hatched.
    assert "Chưa có chỉ tiêu: <strong>1</strong>" in drawn and "Chưa có số liệu: <strong>33</strong>" in drawn


def test_a_district_of_before_the_reform_has_no_map_of_todays_communes(client, db):
    client.force_login(make_user("leader_vn", Role.LEADER, None))
    response = client.get("/districts/219/?year=2021")
    assert response.status_code == 200 and response.context["map"] is None
    assert '<figure class="map"' not in response.content.decode()
