"""Loading the 2025 reform data must leave every old figure, ranking and target as it was."""

import datetime as dt
import io

from openpyxl import load_workbook

from communes.models import Level, Unit
from communes.seed import load_units
from reports.tables_data import year_table
from targets.models import Target
from tests.conftest import PASSWORD, make_counts


def _remove_the_reform():
    """The state before the reform data was loaded: no unit starting in 2025, no end dates."""
    reform = Unit.objects.filter(valid_from__gte=dt.date(2025, 1, 1))
    for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):
        reform.filter(level=level).delete()  # their successions go with them
    Unit.objects.update(valid_to=None)


def _ranking(district_code: str) -> list[tuple]:
    district = Unit.objects.for_url(Level.DISTRICT, district_code, year=2021)
    table = year_table(district, 2021)
    rows = [
        (r.rank, r.unit.pk, r.label, r.population, r.enrolled, r.as_of, r.rate, r.target_rate, r.gap_people)
        for r in table.rows
    ]
    total = (
        table.total.population,
        table.total.enrolled,
        table.total.rate,
        table.total.reported,
        table.total.expected,
        table.total.target_rate,
    )
    return [*rows, total]


def _targets() -> list[tuple]:
    return list(
        Target.objects.order_by("pk").values_list(
            "pk", "document_id", "unit_id", "year", "rate", "comparison", "planned_population", "planned_enrolled"
        )
    )


def _xlsx(client, url: str) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    return list(sheet.iter_rows(values_only=True))


def test_a_2021_district_ranking_looks_exactly_as_before_the_reform_data_was_loaded(client, leader):
    for n, unit in enumerate(Unit.objects.filter(level=Level.COMMUNE, parent__code="219", valid_from=None)):
        make_counts(unit, dt.date(2021, 12, 1), population=5000 + 37 * n, enrolled=4300 + 53 * n)
    assert client.login(username=leader.username, password=PASSWORD)
    _remove_the_reform()
    assert not Unit.objects.filter(valid_from__gte=dt.date(2025, 1, 1)).exists()
    before = {code: _ranking(code) for code in ("219", "109")}
    before_xlsx = _xlsx(client, "/districts/219/?year=2021&format=xlsx")
    before_targets = _targets()

    load_units()

    # The two districts' 31 units of 2025, and today's national list but the 19 of them it shares.
    assert Unit.objects.filter(valid_from__gte=dt.date(2025, 1, 1)).count() == 31 + 3355 - 19
    for code in ("219", "109"):
        assert _ranking(code) == before[code]
    assert len(before["219"]) == 30 and before["109"][-1][:2] == (82818, 70913)
    assert _xlsx(client, "/districts/219/?year=2021&format=xlsx") == before_xlsx
    assert _targets() == before_targets


def test_loading_the_reform_data_changes_no_target(db):
    before = _targets()
    _remove_the_reform()
    load_units()
    assert _targets() == before and len(before) > 0
    luc_ngan = Unit.objects.for_url(Level.DISTRICT, "219", year=2021)
    assert Target.objects.filter(unit=luc_ngan, year=2021).exists()  # still the old district's
