"""Who is behind and by how many: the communes short of their target, most people short first,
with the sum of their shortfalls explained against the unit's."""

from decimal import Decimal

import pytest

from communes.models import Enrollment, Role, Unit
from reports.behind import communes_behind
from reports.coverage import Status
from reports.tables_data import CoverageRow
from targets.models import Target
from tests.conftest import make_user

from .test_today import NOV, OCT, TODAY, lai_chau, lai_chau_counts, lai_chau_plan  # noqa: F401


def _row(code: str, population: int, enrolled: int, target: str, status: str | None = None) -> CoverageRow:
    row = CoverageRow(
        unit=Unit(code=code, name=code, level="commune"),
        label=code,
        population=population,
        enrolled=enrolled,
        target=Target(rate=Decimal(target), comparison="gte"),
    )
    row.months_left = 1
    row.projected_rate = None
    return row


def test_rows_short_of_their_target_come_most_people_short_first():
    rows = [
        _row("A", 1000, 950, "96.00"),  # needs 960: 10 short
        _row("B", 1000, 990, "96.00"),  # met
        _row("C", 2000, 1850, "96.00"),  # needs 1.920: 70 short
        _row("D", 1000, 940, "96.00"),  # needs 960: 20 short
    ]
    behind = communes_behind(rows, unit_gap=55)
    assert [row.unit.code for row in behind.rows] == ["C", "D", "A"]
    assert behind.people == 100
    assert [bar for _row, bar in behind.bars] == [100, 29, 14]  # 70, 20 and 10 of 70
    # The unit's 5.000 people and 4.730 enrolled against 96% need 4.800: 70 short, not 100;
    # B's 30 above its own target make up for some of the others.
    assert behind.differs_from_unit


def test_a_row_with_more_cards_than_people_is_not_counted_as_behind():
    impossible = _row("E", 1000, 1200, "96.00")
    assert impossible.status == Status.CHECK_DATA
    assert communes_behind([impossible], unit_gap=0).rows == []


def test_the_province_page_lists_who_is_behind_above_the_ranking_from_the_stored_counts(
    client,
    now_is,
    lai_chau,  # noqa: F811
    lai_chau_counts,  # noqa: F811
    lai_chau_plan,  # noqa: F811
):
    # Each commune's own target: 99% for the first three (short), the province's 96,50% for the rest.
    first = lai_chau_counts[:3]
    Target.objects.bulk_create(Target(document=lai_chau_plan, unit=c, year=2026, rate=Decimal("99.00")) for c in first)
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    response = client.get("/provinces/12/?year=2026")
    text = response.content.decode()
    behind = response.context["dashboard"].behind
    # Commune i: population 10.000 + 100·i, November enrolled 10.000 + 100·i − 400 − i.
    # Against 99%: ceil(0,99 · 10.000) − 9.600 = 300; i=1: 9.999 − 9.699 = 300; i=2: 10.098 − 9.798 = 300.
    # Against 96,50%: i=0: 9.650 − 9.600 = 50; the short grows with i: 9.650 + 96,5·i vs 9.600 + 99·i.
    shorts = {row.unit.code: row.gap_people for row in behind.rows}
    assert [shorts[c.code] for c in first] == [300, 300, 300]
    assert behind.rows[0].gap_people >= behind.rows[-1].gap_people
    assert all(a.gap_people >= b.gap_people for a, b in zip(behind.rows, behind.rows[1:], strict=False))
    expected = sum(row.gap_people for row in behind.rows)
    assert f"thiếu {expected:,} người".replace(",", ".") in text
    assert text.index('id="behind"') < text.index("Xếp hạng các xã")
    # The province's own shortfall (143 against 96,50%) is not the communes' sum: the sentence says why.
    assert response.context["headline"].gap_people == 143
    assert "Các xã cộng lại thiếu" in text and "cả tỉnh thiếu 143" in text


def test_the_people_short_column_sorts_most_first_on_its_first_click(
    client,
    now_is,
    lai_chau,  # noqa: F811
    lai_chau_counts,  # noqa: F811
    lai_chau_plan,  # noqa: F811
):
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    rows = client.get("/provinces/12/?year=2026&sort=gap_people").context["table"].rows
    shorts = [row.record.gap_people for row in rows]
    assert shorts == sorted(shorts, reverse=True) and shorts[0] > 0


@pytest.mark.parametrize("month", [OCT, NOV])
def test_the_page_says_which_month_its_figures_are_and_who_entered_them(
    client,
    now_is,
    lai_chau,  # noqa: F811
    lai_chau_counts,  # noqa: F811
    lai_chau_plan,  # noqa: F811
    month,
):
    officer = make_user("officer_lc", Role.OFFICER, lai_chau)
    officer.first_name, officer.last_name = "Lan", "Nguyễn Thị"
    officer.save()
    Enrollment.objects.filter(month=NOV).update(entered_by=officer, source="BHXH tỉnh Lai Châu")
    if month == OCT:
        Enrollment.objects.filter(unit__in=lai_chau_counts[:12], month=NOV).delete()
    client.force_login(make_user("leader_lc", Role.LEADER, lai_chau))
    text = client.get("/provinces/12/?year=2026").content.decode()
    provenance = text[text.index('id="provenance"') : text.index("</p>", text.index('id="provenance"'))]
    assert f"Số liệu tháng {month:%m/%Y}" in provenance
    if month == NOV:
        assert "số liệu do Nguyễn Thị Lan nhập" in provenance and "BHXH tỉnh Lai Châu" in provenance
    # The printed page ends with a signature block, the person printing named under "người lập".
    assert "NGƯỜI LẬP" in text and "LÃNH ĐẠO" in text


def test_a_printed_page_keeps_the_five_most_behind_and_counts_the_others():
    # Seven communes short by 10, 20, … 70 people of 1.000 against 96%.
    rows = [_row(f"X{n}", 1000, 960 - 10 * n, "96.00") for n in range(1, 8)]
    behind = communes_behind(rows, unit_gap=None)
    lines = behind.lines
    assert [line["gap"] for line in lines] == ["70", "60", "50", "40", "30", "20", "10"]
    assert ["print-cut" in line["row_class"] for line in lines] == [False] * 5 + [True] * 2
    assert all(
        line["row_class"].startswith(f"status-{row.status or 'none'}")
        for line, row in zip(lines, behind.rows, strict=True)
    )
    assert behind.not_printed == 2
    assert communes_behind(rows[:5], unit_gap=None).not_printed == 0


def test_the_list_rows_carry_each_line_escaped_with_its_bar_and_link():
    rows = [_row("A", 1000, 950, "96.00"), _row("C", 2000, 1850, "96.00")]
    rows[0].label = 'Xã "A" <Mới>'
    html = str(communes_behind(rows, unit_gap=None, year=2026).rows_html)
    assert html.count("<tr ") == 2
    first, second = html.split("</tr>")[:2]
    # C is 70 short (the longest bar), A 10 short: a bar of 10/70 of it, rounded.
    assert 'data-behind="C"' in first and "<strong>70</strong>" in first and "width:100%" in first
    assert 'data-behind="A"' in second and "<strong>10</strong>" in second and "width:14%" in second
    assert "Xã &quot;A&quot; &lt;Mới&gt;</a>" in second and "<Mới>" not in html
    assert '<td class="num">95,00%</td><td class="num">96,00%</td>' in second
    assert 'href="/communes/A/"' in second  # this year is the page's default: no ?year
