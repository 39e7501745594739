"""Today's country with synthetic figures: the real unit list back-dated for the bench, counts
deterministic and extended month by month, the year's documents, and the refusals."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bench import today, today_documents
from bench.safety import entered_figures_reason, today_refusal
from communes.models import ChangeRecord, Enrollment, Level, Population, Unit
from communes.seed import NATIONAL_LIST_EFFECTIVE
from targets.models import ReportedFigure, Target, TargetDocument
from tests.conftest import NOW, make_user

LAST = dt.date(2026, 3, 1)


def test_backdating_moves_todays_units_but_not_those_whose_code_or_history_is_taken(db, now_is):
    Unit.objects.update(updated_at=NOW - dt.timedelta(days=1))
    moved = today.backdate_units()
    provinces = Unit.objects.provinces().filter(valid_to__isnull=True)
    assert moved > 3_000
    # Moved in bulk, dated all the same: the API's sync reads each moved unit again, and no other.
    assert Unit.objects.filter(updated_at=NOW).count() == moved
    assert set(Unit.objects.filter(updated_at=NOW).values_list("valid_from", flat=True)) == {today.FIRST_MONTH}
    assert provinces.get(code="79").valid_from == today.FIRST_MONTH
    # Bắc Ninh took Bắc Giang's code 24; Biên Sơn took Phong Vân's 07537; Khổng Lào has predecessors
    assert provinces.get(code="24").valid_from == NATIONAL_LIST_EFFECTIVE
    for code in ("07537", "03583"):
        assert Unit.objects.communes().get(code=code, valid_to__isnull=True).valid_from == NATIONAL_LIST_EFFECTIVE
    assert "make bench" in Unit.objects.communes().filter(parent__code="79", valid_to__isnull=True).first().source
    assert today.backdate_units() == 0  # once is enough
    for code in Unit.objects.filter(valid_from=today.FIRST_MONTH).values_list("code", flat=True)[:200]:
        assert Unit.objects.communes().filter(code=code).in_force(dt.date(2023, 6, 1)).count() <= 1


def test_a_communes_path_is_the_same_whichever_month_the_load_stops_at():
    long, short = today.CommuneFigures(7, "00004"), today.CommuneFigures(7, "00004")
    months = today.months_between(today.FIRST_MONTH, LAST)
    assert [long.enrolled(m) for m in months][:10] == [short.enrolled(m) for m in months[:10]]
    assert all(today.LOWEST <= long.rate(m) <= today.HIGHEST for m in months)
    assert today.CommuneFigures(8, "00004").enrolled(LAST) != long.enrolled(LAST)


@pytest.fixture
def lai_chau(db):
    today.backdate_units()
    return today.load_figures(seed=3, provinces=["12"], last=LAST)


def test_figures_cover_every_commune_of_the_province_from_its_first_month(lai_chau):
    communes = today.todays(Level.COMMUNE).filter(parent__code="12")
    assert lai_chau["communes"] == communes.count() == 38
    backdated = communes.filter(valid_from=today.FIRST_MONTH).first()
    kept = communes.get(code="03583")
    counts = Enrollment.objects.filter(source=today.SOURCE)
    assert counts.filter(unit=backdated).count() == 63  # 01/2021 … 03/2026
    assert counts.filter(unit=kept).count() == 9  # 07/2025 … 03/2026
    assert not counts.filter(is_synthetic=False).exists()
    rates = [
        e.enrolled / Population.objects.get(unit=e.unit, year=e.month.year).population
        for e in counts.filter(month=LAST)
    ]
    assert 0.85 <= min(rates) and max(rates) <= 0.995 + 1e-4 and max(rates) - min(rates) > 0.02


def test_loading_again_later_adds_only_the_months_since(lai_chau):
    before = dict(Enrollment.objects.filter(source=today.SOURCE).values_list("pk", "enrolled"))
    again = today.load_figures(seed=3, provinces=["12"], last=dt.date(2026, 5, 1))
    assert again["enrollments"] == 2 * 38 and again["populations"] == 0
    assert dict(Enrollment.objects.filter(pk__in=before).values_list("pk", "enrolled")) == before


def test_the_years_documents_national_and_per_province_are_made_once(lai_chau):
    made = today_documents.ensure_documents(seed=3, year=2026, provinces=["12"])
    assert made["documents"] == 3
    national = TargetDocument.objects.get(number=today_documents.national_plan_number(2026))
    assert national.is_synthetic and national.scope == Unit.objects.country()
    plan = TargetDocument.objects.get(number=today_documents.province_plan_number("12", 2026))
    rows = Target.objects.filter(document=plan, unit__level=Level.COMMUNE)
    assert rows.count() == 38 and ReportedFigure.objects.filter(document=plan, year=2025).count() == 38
    assert sorted(rows.values_list("row_number", flat=True)) == list(range(1, 39))
    assert all(85 <= t.rate <= 99.5 and t.planned_enrolled <= t.planned_population for t in rows)
    decision = TargetDocument.objects.get(number=today_documents.national_decision_number(2026))
    assert Target.objects.filter(document=decision, unit__level=Level.PROVINCE).count() == 1
    assert today_documents.ensure_documents(seed=3, year=2026, provinces=["12"]) == {"documents": 0, "targets": 0}


def test_the_command_loads_todays_country_and_keeps_it_with_if_absent(db):
    out = StringIO()
    call_command("make_synthetic_country", "--today", "--province", "12", "--no-backdate", stdout=out)
    assert Enrollment.objects.filter(source=today.SOURCE).exists()
    assert not Unit.objects.filter(valid_from=today.FIRST_MONTH).exists()
    with pytest.raises(CommandError, match="--replace"):
        call_command("make_synthetic_country", "--today", "--province", "12", stdout=out)
    call_command("make_synthetic_country", "--today", "--province", "12", "--no-backdate", "--if-absent", stdout=out)


def test_real_work_in_the_database_is_refused(db):
    assert entered_figures_reason() is None  # the units, payer groups and the two documents' annex
    commune = Unit.objects.communes().filter(parent__code="12", valid_to__isnull=True).first()
    Enrollment.objects.create(unit=commune, month=dt.date(2025, 8, 1), enrolled=900, source="nhập tay")
    assert "nhập thật" in entered_figures_reason()
    with pytest.raises(CommandError, match="Từ chối"):
        call_command("make_synthetic_country", "--today", stdout=StringIO())


def test_the_bench_accounts_change_records_are_not_real_work_but_others_are(db):
    commune = Unit.objects.communes().filter(parent__code="12", valid_to__isnull=True).first()
    record = {"unit": commune, "period": dt.date(2025, 8, 1), "field": "enrolled", "old_value": 1, "new_value": 2}
    ChangeRecord.objects.create(**record, user=make_user("bench_admin", superuser=True))
    assert today_refusal() is None
    ChangeRecord.objects.create(**record, user=make_user("canbo.laichau.that"))
    assert "người dùng thật" in today_refusal()


def test_todays_country_never_shares_a_database_with_the_old_synthetic_one(db):
    Unit.objects.create(level=Level.PROVINCE, kind="Tỉnh", code="M01", name="Mô phỏng 01", is_synthetic=True)
    assert "quốc gia mô phỏng cũ" in today_refusal()
