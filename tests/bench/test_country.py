"""The old three-level synthetic country, on a tiny scale: deterministic, marked synthetic
everywhere, ended with the reform, never loaded beside real data. The full-size load belongs to
`make bench`, not to the suite."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bench import country as synthetic
from bench.history_documents import NATIONAL_PLAN_NUMBER, ensure_national_plan
from communes.models import Enrollment, Level, Population, Unit
from reports.tables_data import year_table
from targets.models import ReportedFigure, Target, TargetDocument

TINY = synthetic.Shape(provinces=2, districts_per_province=2, communes_per_district=3)


def _snapshot(country: synthetic.Country):
    return (
        country.provinces,
        country.districts,
        country.communes,
        {code: (plan.populations, plan.enrolled) for code, plan in country.figures.items()},
        country.targets,
    )


def test_the_same_seed_gives_the_same_country():
    assert _snapshot(synthetic.build_country(seed=7, shape=TINY)) == _snapshot(
        synthetic.build_country(seed=7, shape=TINY)
    )


def test_another_seed_gives_other_figures():
    one, other = synthetic.build_country(seed=7, shape=TINY), synthetic.build_country(seed=8, shape=TINY)
    assert one.communes == other.communes
    assert _snapshot(one)[3] != _snapshot(other)[3]


def test_the_tiny_country_has_the_shape_asked_for_and_ends_in_june_2025():
    country = synthetic.build_country(seed=7, shape=TINY)
    assert (len(country.provinces), len(country.districts), len(country.communes)) == (2, 4, 12)
    assert country.communes[0] == ("M010101", "Mô phỏng 01-01-01", "M0101")
    assert synthetic.MONTHS[0] == dt.date(2021, 1, 1) and synthetic.MONTHS[-1] == dt.date(2025, 6, 1)
    assert all(len(plan.enrolled) == 54 for plan in country.figures.values())


def test_rates_stay_between_80_and_100_percent_and_july_2021_drops():
    country = synthetic.build_country(
        seed=2021, shape=synthetic.Shape(provinces=3, districts_per_province=4, communes_per_district=10)
    )
    july = synthetic.MONTHS.index(synthetic.POLICY_DROP)
    for plan in country.figures.values():
        for month, enrolled in zip(synthetic.MONTHS, plan.enrolled, strict=True):
            assert 0.80 <= enrolled / plan.populations[month.year] <= 1.0
    june_total = sum(plan.enrolled[july - 1] for plan in country.figures.values())
    july_total = sum(plan.enrolled[july] for plan in country.figures.values())
    assert july_total < june_total * 0.99  # the policy drop shows in the country's total


@pytest.fixture
def empty_database(db):
    """The session's real data dropped inside this test's transaction (rolled back after it)."""
    from communes.models import UnitAlias, UnitSuccession
    from targets.models import Cohort

    Cohort.objects.all().delete()
    TargetDocument.objects.all().delete()
    UnitAlias.objects.all().delete()
    UnitSuccession.objects.all().delete()
    Enrollment.objects.all().delete()
    Population.objects.all().delete()
    for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):
        Unit.objects.filter(level=level).delete()


@pytest.fixture
def tiny_country(empty_database):
    return synthetic.load_country(synthetic.build_country(seed=2021, shape=TINY))


def test_loading_marks_every_row_synthetic_and_ends_the_units_with_the_reform(tiny_country):
    assert tiny_country == {
        "units": 18,
        "populations": 60,
        "enrollments": 12 * 54,
        "documents": 7,
        "targets": 6 * 4 + 4 * 3 * 4 + 2 * 6 * 4,
        "reported_figures": 12 + 12,
    }
    units = Unit.objects.filter(code__startswith="M")
    assert units.count() == 18 and not units.filter(is_synthetic=False).exists()
    assert set(units.values_list("valid_to", flat=True)) == {synthetic.ENDED_ON}
    assert Unit.objects.get(level=Level.PROVINCE, code="M01").full_name == "Tỉnh Mô phỏng 01"
    assert not Population.objects.filter(is_synthetic=False).exists()
    assert not Enrollment.objects.filter(is_synthetic=False).exists()
    documents = TargetDocument.objects.all()
    assert documents.count() == 7 and not documents.filter(is_synthetic=False).exists()
    assert all(d.title.startswith("[MÔ PHỎNG]") for d in documents)


def test_a_synthetic_district_reads_like_plan_231(tiny_country):
    district = Unit.objects.get(level=Level.DISTRICT, code="M0101")
    document = TargetDocument.objects.get(scope=district)
    assert Target.objects.filter(document=document, unit=district).count() == 4  # 2022–2025
    assert Target.objects.filter(document=document, unit__parent=district, year=2022).count() == 3
    table = year_table(district, 2021)
    assert table.total.expected == table.total.reported == 3
    assert table.total.enrolled == sum(
        Enrollment.objects.filter(unit__parent=district, month=dt.date(2021, 12, 1)).values_list("enrolled", flat=True)
    )


def test_the_national_plan_names_the_country_and_lists_every_commune_once_per_year(tiny_country):
    document = TargetDocument.objects.get(number=NATIONAL_PLAN_NUMBER)
    assert document.scope == Unit.objects.country()
    communes = Unit.objects.filter(level=Level.COMMUNE, is_synthetic=True)
    assert Target.objects.filter(document=document, unit__level=Level.COMMUNE).count() == 12 * 4
    assert Target.objects.filter(document=document, unit=document.scope).count() == 4
    assert ReportedFigure.objects.filter(document=document).count() == 12
    first = communes.order_by("code").first()
    mine = Target.objects.get(document=document, unit=first, year=2025)
    province_plan = Target.objects.get(document__scope=first.parent.parent, unit=first, year=2025)
    assert mine.row_number == 1
    assert (mine.planned_population, mine.rate) == (province_plan.planned_population, province_plan.rate)
    assert ensure_national_plan() == document


def test_the_bulk_loaded_country_has_its_monthly_rollup(tiny_country):
    """COPY (PostgreSQL) and bulk inserts (SQLite) keep the roll-up like any other write: its
    triggers sum the load as it lands, nothing is recomputed after."""
    from reports import series

    span = {"start": dt.date(2021, 1, 1), "end": dt.date(2025, 6, 1)}
    for district in Unit.objects.filter(level=Level.DISTRICT, code__startswith="M"):
        rolled_up = series.children_sums([district.pk], **span)[district.pk]
        assert len(rolled_up) == 54
        assert rolled_up == series.monthly_sums(Unit.objects.filter(parent=district), **span)


def test_the_command_refuses_a_database_with_real_units(db):
    assert Unit.objects.filter(is_synthetic=False).exists()  # the documents' units are loaded
    with pytest.raises(CommandError, match="Từ chối"):
        call_command(
            "make_synthetic_country", "--provinces", "1", "--districts", "1", "--communes", "1", stdout=StringIO()
        )
    assert not Unit.objects.filter(is_synthetic=True).exists()


def test_the_command_loads_an_empty_database_and_keeps_it_with_if_absent(empty_database):
    out = StringIO()
    call_command(
        "make_synthetic_country", "--seed", "3", "--provinces", "1", "--districts", "2", "--communes", "2", stdout=out
    )
    assert Unit.objects.filter(is_synthetic=True).count() == 1 + 2 + 4
    call_command("make_synthetic_country", "--if-absent", stdout=out)
    assert "giữ nguyên" in out.getvalue()
    with pytest.raises(CommandError, match="--replace"):
        call_command("make_synthetic_country", stdout=out)
    call_command(
        "make_synthetic_country", "--replace", "--provinces", "1", "--districts", "1", "--communes", "2", stdout=out
    )
    assert Unit.objects.filter(is_synthetic=True).count() == 1 + 1 + 2


def test_replacing_a_country_with_an_audit_trail_is_refused_and_keeps_everything(empty_database):
    """After `make bench` the synthetic units carry the bench's change records, never deleted."""
    from communes.models import ChangeRecord
    from tests.conftest import make_user

    call_command("make_synthetic_country", "--provinces", "1", "--districts", "1", "--communes", "2", stdout=StringIO())
    commune = Unit.objects.filter(level=Level.COMMUNE, code__startswith="M").first()
    ChangeRecord.objects.create(
        unit=commune,
        period=dt.date(2025, 6, 1),
        field="enrolled",
        old_value=1,
        new_value=2,
        user=make_user("bench_admin", superuser=True),
    )
    before = (Unit.objects.filter(is_synthetic=True).count(), Enrollment.objects.filter(is_synthetic=True).count())
    with pytest.raises(CommandError, match="lịch sử thay đổi"):
        call_command(
            "make_synthetic_country",
            "--replace",
            "--provinces",
            "1",
            "--districts",
            "1",
            "--communes",
            "1",
            stdout=StringIO(),
        )
    after = (Unit.objects.filter(is_synthetic=True).count(), Enrollment.objects.filter(is_synthetic=True).count())
    assert after == before


def test_a_change_record_of_a_real_user_makes_the_database_off_limits(empty_database):
    from communes.models import ChangeRecord
    from tests.conftest import make_user

    call_command("make_synthetic_country", "--provinces", "1", "--districts", "1", "--communes", "1", stdout=StringIO())
    ChangeRecord.objects.create(
        unit=Unit.objects.filter(level=Level.COMMUNE).first(),
        period=dt.date(2025, 6, 1),
        field="enrolled",
        old_value=1,
        new_value=2,
        user=make_user("canbo.that"),
    )
    with pytest.raises(CommandError, match="người dùng thật"):
        call_command("make_synthetic_country", "--if-absent", stdout=StringIO())
