"""The commune page's months as table rows written in Python: a commune shows every month since
2021 (71 in 11/2026, and more each month), five values each, whose template lookups cost more than
the rest of the page's markup (2,2 of its 3,8 ms of template on 05/12/2026). Each value is
formatted by the page's own filters and escaped as the template would;
tests/reports/test_commune_rows.py holds the rows to the template loop they replace."""

from django.utils.safestring import SafeString

from .formatting import fmt_int, fmt_month, fmt_rate
from .lineage import Figure
from .markup import escaped


def month_rows(months: list[Figure], *, todays_units: bool) -> SafeString:
    """The months' <tr>s: month, population, enrolled, rate and, on today's units, how many of the
    units have reported (a star when the month has caveats); a month with caveats or missing
    units is marked behind."""
    rows = []
    for figure in months:
        marked = ' class="behind"' if figure.caveats or figure.incomplete else ""
        reported = (
            f'<td class="num">{figure.reported:d}/{figure.expected:d}{" *" if figure.caveats else ""}</td>'
            if todays_units
            else ""
        )
        rows.append(
            f"<tr{marked}><td>{escaped(fmt_month(figure.period))}</td>"
            f'<td class="num">{escaped(fmt_int(figure.population))}</td>'
            f'<td class="num">{escaped(fmt_int(figure.enrolled))}</td>'
            f'<td class="num">{escaped(fmt_rate(figure.rate))}</td>{reported}</tr>'
        )
    return SafeString("\n  ".join(rows))
