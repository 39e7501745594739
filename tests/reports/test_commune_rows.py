"""The commune page's month rows written in Python are what its template loop wrote."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from reports.commune_rows import month_rows
from reports.formatting import separators_fixed
from reports.lineage import Figure

# The loop the page's template held, with its filters, inside the page's {% localize off %}.
LOOP = Template(
    '{% load l10n vn %}{% localize off %}{% for f in months %}<tr{% if f.caveats or f.incomplete %} class="behind"'
    '{% endif %}>\n    <td>{{ f.period|month }}</td><td class="num">{{ f.population|count }}</td>'
    '<td class="num">{{ f.enrolled|count }}</td><td class="num">{{ f.rate|rate }}</td>\n    '
    '{% if todays_units %}<td class="num">{{ f.reported }}/{{ f.expected }}{% if f.caveats %} *{% endif %}</td>'
    "{% endif %}\n  </tr>{% endfor %}{% endlocalize %}"
)

MONTHS = [
    Figure(dt.date(2026, 11, 1), 17120, 16870, 2, 2, as_of=dt.date(2026, 11, 1)),
    # A month with a unit missing, and one with a caveat (its text holds markup to escape).
    Figure(dt.date(2026, 10, 1), 8000, 7999, 1, 2, as_of=dt.date(2026, 10, 1)),
    Figure(dt.date(2025, 7, 1), 1234567, 1200000, 2, 2, caveats=["<b>tách</b> & nhập"]),
    Figure(dt.date(2024, 1, 1), None, None, 0, 1),
]


def _cells(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("todays_units", [False, True])
def test_the_rows_are_the_template_loops(language, todays_units):
    with translation.override(language), separators_fixed():
        expected = LOOP.render(Context({"months": MONTHS, "todays_units": todays_units}))
        written = month_rows(MONTHS, todays_units=todays_units)
    assert _cells(written) == _cells(expected)
    assert written.count("<tr") == 4 and written.count('class="behind"') == 3


def test_the_rows_carry_the_page_figures():
    with translation.override("vi"), separators_fixed():
        rows = month_rows(MONTHS, todays_units=True).split("\n")
    assert rows[0] == (
        '<tr><td>11/2026</td><td class="num">17.120</td><td class="num">16.870</td>'
        '<td class="num">98,54%</td><td class="num">2/2</td></tr>'
    )
    assert '<td class="num">1.234.567</td>' in rows[2] and '<td class="num">2/2 *</td>' in rows[2]
    assert rows[3].count('<td class="num">–</td>') == 3
