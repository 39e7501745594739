"""The district dashboard's cohort table fits its column at common laptop widths: it wraps its
headers, and scrolls inside its own box when even that is too wide; nothing is cut off."""

import datetime as dt

import pytest

from communes.models import Level, Role
from targets.models import Cohort, CohortProgress
from tests.browser.conftest import log_in, screenshot
from tests.conftest import make_counts, make_user, unit

FITS = """() => {
  const box = document.querySelector('.cohort');
  const table = box.querySelector('.cohort-table');
  return {table: table.scrollWidth, box: box.clientWidth, page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("width", [1060, 900])
def test_the_cohort_table_is_not_clipped(seeded, live_server, page, width):
    make_counts(unit(Level.COMMUNE, "07525"), dt.date(2021, 8, 1), population=10000, enrolled=9000)
    for member in Cohort.objects.get(document__number="05-CT/HU").communes.all():
        member.affected, member.affected_pupils = 12345, 2345
        member.save()
        CohortProgress.objects.create(member=member, month=dt.date(2021, 8, 1), pupils=2000, households=9000)
    log_in(page, live_server, make_user("leader_layout", Role.LEADER, None))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/districts/219/?year=2021")
    sizes = page.evaluate(FITS)
    assert sizes["table"] <= sizes["box"], sizes  # every column visible without scrolling
    assert sizes["page"] <= width, sizes  # and the page itself does not overflow the window
    assert "Còn thiếu" in page.inner_text(".cohort-table")
    assert screenshot(page, f"district-219-cohort-{width}").exists()
