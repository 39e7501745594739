"""A unit's validity in words, never a bare "– 30/06/2025"."""

import datetime as dt

from communes.models import Unit
from reports.templatetags.vn import validity

from .test_pages import login


def test_the_validity_says_from_until_or_in_force():
    assert validity(Unit(valid_to=dt.date(2025, 6, 30))) == "đến 30/06/2025"
    assert validity(Unit(valid_from=dt.date(2025, 7, 1))) == "từ 01/07/2025"
    assert (
        validity(Unit(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30))) == "từ 01/01/2025 đến 30/06/2025"
    )
    assert validity(Unit()) == "đang hiệu lực"


def test_the_home_page_says_until_when_a_district_was_in_force(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = client.get("/").content.decode()
    assert "đã kết thúc ngày 30/06/2025" in page
    assert "– 30/06/2025" not in page
