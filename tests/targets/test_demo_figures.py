import datetime as dt

from django.core.management import call_command
from django.db.models import Sum

from communes.models import Enrollment, Level, Population
from reports import series
from targets.models import CohortProgress
from tests.conftest import unit


def _run(settings, debug=True) -> str:
    import io

    settings.DEBUG = debug
    out = io.StringIO()
    call_command("load_demo_figures", stdout=out)
    return out.getvalue()


def test_nothing_is_generated_without_debug(db, settings):
    assert "DEBUG" in _run(settings, debug=False)
    assert not Enrollment.objects.filter(is_synthetic=True).exists()


def test_demo_figures_tell_the_directive_story(db, settings):
    _run(settings)
    communes = unit(Level.DISTRICT, "219").children.all()
    sums = series.monthly_sums(communes, start=dt.date(2021, 6, 1), end=dt.date(2021, 7, 1))
    june, july = sums[dt.date(2021, 6, 1)].rate, sums[dt.date(2021, 7, 1)].rate
    assert june > 99 and 86.5 < july < 88
    # Every month each commune existed: the 12 merged away on 31/12/2024 stop, the 2 new ones start.
    from targets.demo import months

    expected = sum(1 for c in communes for m in months() if c.in_force_on(m))
    assert expected < communes.count() * 54
    assert Enrollment.objects.filter(unit__in=communes).count() == expected
    assert CohortProgress.objects.exists()


def test_the_annex_real_figures_are_never_overwritten(db, settings):
    _run(settings)
    phong_tho = unit(Level.DISTRICT, "109").children.all()
    december = Enrollment.objects.filter(unit__in=phong_tho, month=dt.date(2021, 12, 1))
    assert not december.filter(is_synthetic=True).exists()
    assert december.aggregate(s=Sum("enrolled"))["s"] == 70913
    population = Population.objects.filter(unit__in=phong_tho, year=2021)
    assert population.aggregate(s=Sum("population"))["s"] == 82818 and not population.filter(is_synthetic=True)
    assert Enrollment.objects.filter(unit__in=phong_tho, month=dt.date(2021, 11, 1), is_synthetic=True).exists()


def test_it_is_deterministic_and_running_it_again_adds_nothing(db, settings, now_is):
    _run(settings)
    first = list(Enrollment.objects.filter(is_synthetic=True).order_by("unit_id", "month").values_list("enrolled"))
    assert "Đã tạo 0 " in _run(settings)
    assert Enrollment.objects.filter(is_synthetic=True).count() == len(first)
    Enrollment.objects.filter(is_synthetic=True).delete()
    Population.objects.filter(is_synthetic=True).delete()
    CohortProgress.objects.all().delete()
    _run(settings)
    again = list(Enrollment.objects.filter(is_synthetic=True).order_by("unit_id", "month").values_list("enrolled"))
    assert again == first


def test_once_someone_entered_real_figures_nothing_is_generated(db, settings, now_is):
    from tests.conftest import make_counts

    make_counts(unit(Level.COMMUNE, "03583", 2026), dt.date(2026, 11, 1), population=9000, enrolled=8800)
    assert "nhập thật" in _run(settings)
    assert not Enrollment.objects.filter(is_synthetic=True).exists()


def test_todays_communes_continue_their_predecessors_to_the_last_ended_month(db, settings, now_is):
    from communes.models import Unit
    from targets.demo_today import waits_for_report

    _run(settings)
    lai_chau = Unit.objects.provinces().in_force(dt.date(2026, 12, 2)).get(code="12")
    communes = list(Unit.objects.communes().filter(parent=lai_chau).in_force(dt.date(2026, 12, 2)))
    assert len(communes) == 38
    counts = Enrollment.objects.filter(unit__in=communes, is_synthetic=True)
    assert counts.order_by("month").first().month == dt.date(2025, 7, 1)
    assert counts.order_by("-month").first().month == dt.date(2026, 11, 1)  # the last ended month
    # Each month from 07/2025 to 10/2026 complete; November, the month being reported, partly sent.
    assert counts.filter(month=dt.date(2026, 10, 1)).count() == 38
    november = counts.filter(month=dt.date(2026, 11, 1)).count()
    assert november == sum(1 for c in communes if not waits_for_report(c, dt.date(2026, 11, 1))) and 20 < november < 38
    # Xã Khổng Lào of 7/2025 continues Bản Lang + Hoang Thèn + Khổng Lào: their 2025 population summed.
    khong_lao = next(c for c in communes if c.code == "03583")
    predecessors = Population.objects.filter(unit__successions__successor=khong_lao, year=2025)
    assert (
        Population.objects.get(unit=khong_lao, year=2025).population
        == predecessors.aggregate(total=Sum("population"))["total"]
    )


def test_the_demo_holds_synthetic_2026_plans_of_both_provinces_and_the_country(db, settings, now_is):
    from targets.models import TargetDocument

    _run(settings)
    plans = TargetDocument.objects.filter(is_synthetic=True, first_year=2026)
    assert {d.scope.code for d in plans} == {"VN", "12", "24"}
    lai_chau_plan = plans.get(number="08/KH-UBND")
    assert lai_chau_plan.targets.count() == 39  # the province and its 38 communes
    # The province's rate is what its communes' plans add up to (sum, then divide).
    communes = lai_chau_plan.targets.exclude(unit=lai_chau_plan.scope)
    sums = communes.aggregate(enrolled=Sum("planned_enrolled"), population=Sum("planned_population"))
    province = lai_chau_plan.targets.get(unit=lai_chau_plan.scope)
    assert abs(float(province.rate) - 100 * sums["enrolled"] / sums["population"]) < 0.005
