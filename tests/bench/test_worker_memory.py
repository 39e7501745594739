"""The hostile workbooks posted as a fresh worker would: each refused, the resident set read."""

import sys

import pytest

from bench.edits import hostile_workbooks
from bench.worker_memory import measure


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the resident set is read from /proc")
def test_the_worker_posts_each_workbook_to_the_pages_form_and_reports_its_peak(staff, tmp_path):
    from targets.models import TargetDocument

    plan = TargetDocument.objects.get(number="231/KH-UBND")
    paths = []
    for name, content in hostile_workbooks()(None, {}):
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    answer = measure(staff.pk, f"/documents/{plan.pk}/import/", paths)
    assert answer["statuses"] == [400, 400, 400]
    # This test process holds the whole suite, so only the reading is checked here, not the goal.
    assert answer["peak_rss_mb"] > 20


def test_a_form_that_does_not_open_is_reported(staff):
    assert measure(staff.pk, "/documents/999999/import/", []) == {"error": "form answered 404"}
