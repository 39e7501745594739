import datetime as dt
from decimal import Decimal

from communes.models import Enrollment, Level, Population, Unit, UnitAlias
from communes.names import name_key
from targets.models import Cohort, FigureKind, ReportedFigure, Target, TargetDocument
from targets.seed import load_documents
from tests.conftest import unit

ON_2021 = dt.date(2021, 12, 31)


def test_both_districts_have_all_their_2021_communes(db):
    assert Unit.objects.communes().filter(parent=unit(Level.DISTRICT, "219")).in_force(ON_2021).count() == 29
    assert Unit.objects.communes().filter(parent=unit(Level.DISTRICT, "109")).in_force(ON_2021).count() == 17


def test_every_annex_row_is_mapped_to_its_official_commune(db):
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    rows = ReportedFigure.objects.filter(document=plan, kind=FigureKind.YEAR_RESULT).select_related("unit")
    assert rows.count() == 17
    by_printed = {r.printed_name: r.unit for r in rows}
    assert by_printed["Niệm Xe"].name == "Nậm Xe"
    assert by_printed["Thị trấn"].name == "Phong Thổ" and by_printed["Thị trấn"].kind == "Thị trấn"
    assert by_printed["Không Lào"].code == "03583"
    assert len({u.pk for u in by_printed.values()}) == 17


def test_annex_spellings_are_aliases(db):
    nam_xe = unit(Level.COMMUNE, "03586")
    assert UnitAlias.objects.filter(unit=nam_xe, key=name_key("Niệm Xe")).exists()


def test_annex_plan_is_stored_as_printed(db):
    khong_lao = unit(Level.COMMUNE, "03583")
    target = Target.objects.get(unit=khong_lao, year=2022)
    assert (target.planned_population, target.planned_enrolled, target.rate) == (3966, 3351, Decimal("84.50"))
    assert (
        Target.objects.filter(document__number="231/KH-UBND", year__in=[2022, 2023, 2024])
        .exclude(unit__level=Level.DISTRICT)
        .count()
        == 51
    )


def test_the_2021_result_is_stored_as_counts(db):
    dao_san = unit(Level.COMMUNE, "03571")
    assert Population.objects.get(unit=dao_san, year=2021).population == 8652
    assert Enrollment.objects.get(unit=dao_san, month=dt.date(2021, 12, 1)).enrolled == 7969


def test_district_targets_of_both_documents(db):
    phong_tho = Target.objects.filter(unit=unit(Level.DISTRICT, "109")).order_by("year")
    assert [(t.year, t.rate) for t in phong_tho] == [
        (2022, Decimal("96.05")),
        (2023, Decimal("96.10")),
        (2024, Decimal("96.15")),
        (2025, Decimal("96.20")),
    ]
    luc_ngan = Target.objects.filter(unit=unit(Level.DISTRICT, "219")).order_by("year")
    assert [(t.year, t.rate, t.comparison) for t in luc_ngan] == [
        (2021, Decimal("99.00"), "gte"),
        (2023, Decimal("99.00"), "gte"),
        (2024, Decimal("99.00"), "gte"),
        (2025, Decimal("99.00"), "gte"),
    ]


def test_the_directive_cohort_and_its_sub_targets(db):
    cohort = Cohort.objects.get(document__number="05-CT/HU")
    assert cohort.size == 46106
    assert cohort.communes.count() == 14
    assert {c.unit.name for c in cohort.communes.select_related("unit")} >= {"Biển Động", "Tân Mộc", "Phì Điền"}
    sub = {s.part: (s.rate, s.comparison) for s in cohort.sub_targets.all()}
    assert sub == {"pupils": (Decimal("100.00"), "gte"), "households": (Decimal("95.00"), "gt")}


def test_the_directive_reported_district_figures(db):
    figures = ReportedFigure.objects.filter(document__number="05-CT/HU", kind=FigureKind.SNAPSHOT).order_by("as_of")
    assert [(f.as_of, f.rate, f.comparison) for f in figures] == [
        (dt.date(2021, 6, 30), Decimal("99.00"), "gt"),
        (dt.date(2021, 7, 24), Decimal("87.21"), ""),
    ]


def test_loading_twice_changes_nothing(db):
    before = (Unit.objects.count(), Target.objects.count(), ReportedFigure.objects.count(), Enrollment.objects.count())
    load_documents()
    after = (Unit.objects.count(), Target.objects.count(), ReportedFigure.objects.count(), Enrollment.objects.count())
    assert before == after
