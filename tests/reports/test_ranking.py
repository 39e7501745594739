"""The set-based national ranking gives the same figures as the per-district year table."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Level, Unit
from reports.tables_data import CoverageRow, ranking_rows, year_table
from targets.models import Target
from tests.conftest import make_counts


def _row(rows, code):
    return next(row for row in rows if row.unit.code == code)


def test_ranking_of_districts_sums_phong_thos_communes_like_its_year_table(phong_tho):
    row = _row(ranking_rows(Level.DISTRICT, 2021), "109")
    table = year_table(phong_tho, 2021)
    assert (row.population, row.enrolled) == (82_818, 70_913)
    assert (row.population, row.enrolled) == (table.total.population, table.total.enrolled)
    assert str(row.rate) == "85.63"
    assert (row.reported, row.expected) == (table.total.reported, table.total.expected)


def test_ranking_carries_the_districts_target(phong_tho):
    assert str(_row(ranking_rows(Level.DISTRICT, 2022), "109").target_rate) == "96.05"


def test_ranking_of_provinces_sums_over_their_districts_communes(phong_tho):
    row = _row(ranking_rows(Level.PROVINCE, 2021), "12")
    assert (row.population, row.enrolled) == (82_818, 70_913)


def test_ranking_can_be_narrowed_to_visible_units(phong_tho):
    rows = ranking_rows(Level.DISTRICT, 2021, units=Unit.objects.filter(pk=phong_tho.pk))
    assert [row.unit.code for row in rows] == ["109"]
    assert (rows[0].population, rows[0].enrolled) == (82_818, 70_913)


def test_ranking_reads_a_new_entry_at_once(phong_tho):
    commune = Unit.objects.filter(parent=phong_tho).order_by("code").first()
    before = _row(ranking_rows(Level.DISTRICT, 2021), "109").enrolled
    current = commune.enrollments.get(month=dt.date(2021, 12, 1)).enrolled
    make_counts(
        commune, dt.date(2021, 12, 1), population=commune.populations.get(year=2021).population, enrolled=current + 7
    )
    assert _row(ranking_rows(Level.DISTRICT, 2021), "109").enrolled == before + 7


def test_ranking_takes_a_constant_number_of_queries(phong_tho, luc_ngan):
    with CaptureQueriesContext(connection) as one:
        ranking_rows(Level.DISTRICT, 2021, units=Unit.objects.filter(pk=phong_tho.pk))
    with CaptureQueriesContext(connection) as all_:
        ranking_rows(Level.DISTRICT, 2021)
    assert len(one) == len(all_) == 3  # units, sums (groups and total), targets


def test_the_ranking_renders_in_the_ranking_table(phong_tho):
    from reports.tables import CoverageRankingTable

    table = CoverageRankingTable(ranking_rows(Level.DISTRICT, 2021), total=year_table(phong_tho, 2021).total)
    cells = {row.record.unit.code: (row.get_cell("population"), row.get_cell("rate")) for row in table.rows}
    assert cells["109"] == ("82.818", "85,63%")


def test_the_ranking_total_sums_the_same_communes_in_the_database(phong_tho, luc_ngan):
    from reports.tables_data import ranking_total

    rows = ranking_rows(Level.DISTRICT, 2021)
    total = ranking_total(Level.DISTRICT, 2021)
    complete = [row for row in rows if row.population is not None]
    assert total.population == sum(row.population for row in complete)
    assert total.enrolled == sum(row.enrolled for row in complete)
    assert total.expected == sum(row.expected for row in rows)
    only = ranking_total(Level.DISTRICT, 2021, units=Unit.objects.filter(pk=phong_tho.pk))
    assert (only.population, only.enrolled, str(only.rate)) == (82_818, 70_913, "85.63")


def test_a_rows_figures_follow_its_fields_when_they_are_set_again():
    row = CoverageRow(unit=None, label="Xã thử", population=1000, enrolled=900)
    assert row.rate == Decimal("90.00") and row.gap_people is None  # read once: kept
    row.target = Target(rate=Decimal("95"))
    assert row.gap_people == 50 and row.met is False
    row.enrolled = 960
    assert row.rate == Decimal("96.00") and row.gap_people == 0 and row.met
