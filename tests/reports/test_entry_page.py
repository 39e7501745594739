"""What the entry page shows around the inputs: where errors are seen, labels, hints, history."""

import re

import pytest

from .entry_helpers import login, post_grid

URL = "/districts/109/entry/2022-01/"
KHONG_LAO, MA_LY_PHO = "03583", "03574"


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def cell_html(page: str, name: str) -> str:
    """The <td> that holds the input called `name`."""
    for td in re.findall(r"<td\b.*?</td>", page, flags=re.S):
        if f'name="{name}"' in td:
            return td
    raise AssertionError(f"no cell holds {name}")


def test_the_population_source_and_its_error_sit_under_the_population(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-population": "3.966", f"{KHONG_LAO}-enrolled": "1700"}).content.decode()
    td = cell_html(page, f"{KHONG_LAO}-population")
    assert f'name="{KHONG_LAO}-population_source"' in td and "Ghi nguồn của số dân mới" in td
    assert "<th>Nguồn dân số mới</th>" not in page  # no column of its own, scrolled out of view


def test_a_summary_above_the_grid_lists_every_error_and_warning_with_a_link(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-population": "3.966", f"{KHONG_LAO}-enrolled": "1500",
                                   f"{MA_LY_PHO}-enrolled": "12,5"}).content.decode()
    summary = re.search(r'<div class="messages problems".*?</div>', page, flags=re.S)[0]
    assert summary.index("problems") < page.index("entry-grid")
    assert (f'<a href="#{KHONG_LAO}-population_source">Xã Khổng Lào – Nguồn dân số mới</a> – Ghi nguồn'
            in summary)
    assert f'<a href="#{MA_LY_PHO}-enrolled">Xã Ma Ly Pho – Số người tham gia BHYT</a>' in summary
    assert "phải là số nguyên" in summary
    assert f'id="{KHONG_LAO}-population_source"' in page and f'id="{MA_LY_PHO}-enrolled"' in page


def test_a_grid_without_problems_has_no_summary(client, officer_phong_tho):
    login(client, officer_phong_tho)
    assert "problems" not in client.get(URL).content.decode()
