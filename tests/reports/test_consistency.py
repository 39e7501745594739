from decimal import Decimal

import pytest

from reports.consistency import check_document, row_sums
from targets.models import TargetDocument


@pytest.fixture
def plan(db):
    return TargetDocument.objects.get(number="231/KH-UBND")


def _find(findings, check, year, label=None):
    return [f for f in findings if f.check == check and f.year == year and (label is None or f.label == label)]


def test_it_finds_the_printed_2021_total_rate_is_not_the_counts(plan):
    [finding] = _find(check_document(plan), "total_rate", 2021)
    assert finding.printed == Decimal("86.06")
    assert finding.computed == Decimal("85.63")
    assert "70.913 ÷ 82.818 = 85,63%" in finding.message


def test_it_finds_the_2022_total_row_does_not_add_up(plan):
    findings = check_document(plan)
    [population] = _find(findings, "total_population", 2022)
    [enrolled] = _find(findings, "total_enrolled", 2022)
    assert (population.printed, population.computed) == (83944, 83946)
    assert (enrolled.printed, enrolled.computed) == (80628, 80627)


def test_it_finds_a_plan_row_whose_rate_is_not_its_counts(plan):
    # Vàng Ma Chải 2024: 3.813 of 3.813 people is 100%, printed 99,87%
    [finding] = _find(check_document(plan), "printed_rate", 2024, "Vàng Ma Chải")
    assert finding.computed == Decimal("100.00")


def test_it_finds_the_communes_2022_plan_falls_short_of_the_assigned_rate(plan):
    [finding] = _find(check_document(plan), "plan_below_target", 2022)
    assert finding.printed == Decimal("96.05")
    assert "thiếu 4 người" in finding.message


def test_it_says_the_2025_commune_plan_is_missing(plan):
    assert _find(check_document(plan), "missing_plan", 2025)


def test_plans_that_meet_the_district_rate_are_not_flagged(plan):
    # 2023: 81.935 ÷ 85.251 = 96,11% ≥ 96,10%
    assert not _find(check_document(plan), "plan_below_target", 2023)


def test_column_sums_come_from_the_rows(plan):
    sums = row_sums(plan)
    assert (sums[(2021, False)]["population"], sums[(2021, False)]["enrolled"]) == (82818, 70913)
    assert (sums[(2024, True)]["population"], sums[(2024, True)]["enrolled"]) == (86574, 83242)
    assert sums[(2021, False)]["rows"] == 17
