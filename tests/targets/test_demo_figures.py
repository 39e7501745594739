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


def test_it_is_deterministic_and_runs_only_on_a_new_database(db, settings):
    _run(settings)
    first = list(Enrollment.objects.filter(is_synthetic=True).order_by("unit_id", "month").values_list("enrolled"))
    assert "đã có" in _run(settings)
    assert Enrollment.objects.filter(is_synthetic=True).count() == len(first)
    Enrollment.objects.filter(is_synthetic=True).delete()
    Population.objects.filter(is_synthetic=True).delete()
    CohortProgress.objects.all().delete()
    _run(settings)
    again = list(Enrollment.objects.filter(is_synthetic=True).order_by("unit_id", "month").values_list("enrolled"))
    assert again == first
