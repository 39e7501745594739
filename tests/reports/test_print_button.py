"""The print button promises one A4 sheet only to a ranking short enough to fit one."""

from django.template.loader import render_to_string
from django.utils import translation

from reports.templatetags.vn import ONE_SHEET_ROWS


def _button(rows: int, language: str = "vi") -> str:
    with translation.override(language):
        return render_to_string("reports/partials/print_button.html", {"rows": list(range(rows))})


def test_a_ranking_of_one_sheet_is_printed_on_one_a4_page():
    # Lai Châu's 38 communes: printed on one sheet in tests/browser/test_meeting_pack.py.
    assert ">In 1 trang A4</button>" in _button(ONE_SHEET_ROWS)
    assert ">Print on one A4 page</button>" in _button(ONE_SHEET_ROWS, "en")


def test_a_longer_ranking_says_it_continues_on_the_next_pages():
    html = _button(ONE_SHEET_ROWS + 1)
    assert "In 1 trang" not in html and ">In khổ A4</button>" in html
    assert (
        f'title="Bảng xếp hạng {ONE_SHEET_ROWS + 1} dòng tiếp sang các trang sau; trang đầu có phần tóm tắt."' in html
    )
    english = _button(99, "en")
    assert ">Print on A4</button>" in english and "A ranking of 99 rows continues" in english
