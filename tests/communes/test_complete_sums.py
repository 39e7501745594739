"""The complete sums added up in Python equal the database's, unit for unit."""

from communes.models import Enrollment, Unit
from communes.models.units import complete_sums_of

from .rollup_helpers import FEB


def _annotated(parent):
    return Unit.objects.filter(parent=parent).with_month_figures(FEB).order_by("code")


def test_sums_of_read_units_equal_the_databases(two_districts):
    phong_tho, luc_ngan = two_districts
    for parent in (phong_tho, luc_ngan):
        units = list(_annotated(parent))
        assert complete_sums_of(units) == _annotated(parent).complete_sums()


def test_a_count_without_its_population_stays_out_of_both_sums(two_districts):
    _, luc_ngan = two_districts
    sums = complete_sums_of(list(_annotated(luc_ngan)))
    # Three communes with both figures; the orphan's 999 has no population of its year.
    assert (sums["population"], sums["enrolled"], sums["reported"]) == (15_000, 12_003, 3)
    assert Enrollment.objects.filter(unit__parent=luc_ngan, month=FEB).count() == 4
    assert sums["expected"] == Unit.objects.filter(parent=luc_ngan).count()
    assert sums["as_of"] == FEB


def test_no_complete_unit_gives_no_sums_as_the_database_does(db, luc_ngan):
    units = list(_annotated(luc_ngan))
    assert complete_sums_of(units) == _annotated(luc_ngan).complete_sums()
    assert complete_sums_of(units)["population"] is None
