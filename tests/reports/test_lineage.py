import datetime as dt
from decimal import Decimal

from communes.models import Level, Unit
from reports.lineage import lineage_of, lineages, monthly_series, own_lineage, year_figures, yearly_series
from tests.conftest import make_counts

XA_LUC_NGAN_2024 = {  # code: (population, enrolled) in December 2024
    "07582": (11000, 10500),  # Phì Điền
    "07570": (9000, 8800),  # Giáp Sơn
    "07591": (7000, 6900),  # Đồng Cốc
    "07567": (8000, 7700),  # Tân Hoa
    "07588": (6000, 5900),  # Tân Quang
}


def commune(code: str, on: dt.date) -> Unit:
    return Unit.objects.resolve(Level.COMMUNE, code, on)


def xa_luc_ngan() -> Unit:
    return commune("07582", dt.date(2025, 7, 1))


def test_xa_luc_ngan_sums_its_five_predecessors_through_both_steps(db):
    lineage = lineage_of(xa_luc_ngan())
    names = {(m.name, m.valid_from) for m in lineage.predecessors}
    assert names == {
        ("Phì Điền", None),
        ("Phì Điền", dt.date(2025, 1, 1)),
        ("Giáp Sơn", None),
        ("Đồng Cốc", None),
        ("Tân Hoa", None),
        ("Tân Quang", None),
    }
    assert lineage.caveats == []


def test_the_2024_figures_of_the_five_communes_appear_summed_in_xa_luc_ngans_history(db):
    for code, (population, enrolled) in XA_LUC_NGAN_2024.items():
        make_counts(commune(code, dt.date(2024, 12, 1)), dt.date(2024, 12, 1), population=population, enrolled=enrolled)
    make_counts(xa_luc_ngan(), dt.date(2025, 12, 1), population=41500, enrolled=40100)

    years = {f.period.year: f for f in yearly_series(monthly_series(lineage_of(xa_luc_ngan())))}
    assert (years[2024].population, years[2024].enrolled) == (41000, 39800)
    assert years[2024].rate == Decimal("97.07")  # 39800 / 41000, not the mean of five rates
    assert (years[2024].reported, years[2024].expected) == (5, 5)
    assert (years[2025].population, years[2025].enrolled) == (41500, 40100)
    # The structure in force then: the new commune's own records start in 2025.
    assert [f.period.year for f in yearly_series(monthly_series(own_lineage(xa_luc_ngan())))] == [2025]


def test_a_month_missing_a_predecessor_is_flagged_incomplete(db):
    make_counts(commune("07570", dt.date(2024, 1, 1)), dt.date(2024, 3, 1), population=9000, enrolled=8800)
    (march,) = monthly_series(lineage_of(xa_luc_ngan()))
    assert (march.reported, march.expected, march.incomplete) == (1, 5, True)


def test_a_split_predecessor_is_not_summed_but_named_for_the_periods_before_the_split(db):
    bien_son = commune("07537", dt.date(2026, 1, 1))
    thanh_hai = commune("07549", dt.date(2024, 1, 1))
    make_counts(thanh_hai, dt.date(2024, 12, 1), population=12000, enrolled=11000)
    make_counts(commune("07537", dt.date(2024, 1, 1)), dt.date(2024, 12, 1), population=5000, enrolled=4900)
    make_counts(commune("07555", dt.date(2024, 1, 1)), dt.date(2024, 12, 1), population=6000, enrolled=5800)

    lineage = lineage_of(bien_son)
    assert thanh_hai not in lineage.members
    (year,) = yearly_series(monthly_series(lineage))
    assert (year.population, year.enrolled) == (11000, 10700)
    assert len(year.caveats) == 1 and "Thanh Hải" in year.caveats[0]
    assert lineage.caveats_for(dt.date(2025, 1, 1)) == []


def test_predecessors_outside_the_portal_are_named(db):
    sin_suoi_ho = commune("03394", dt.date(2025, 7, 1))
    lineage = lineage_of(sin_suoi_ho)
    assert "Thèn Sin" in lineage.caveats_for(dt.date(2024, 1, 1))[0]
    assert lineage.caveats_for(dt.date(2025, 7, 1)) == []


def test_year_figures_on_todays_units_come_from_the_members_in_force_at_year_end(db):
    khong_lao = commune("03583", dt.date(2026, 1, 1))
    figures = year_figures(lineages([khong_lao]), 2021)[khong_lao.pk]
    # Bản Lang, Hoang Thèn and Khổng Lào as printed in the annex of Plan 231 (2021 results).
    assert figures.expected == 3 and figures.reported == 3
    assert (figures.population, figures.enrolled) == (3913 + 4162 + 8329, 1663 + 3978 + 7936)
    assert figures.rate == Decimal("82.77")  # 13.577 / 16.404


def test_walking_the_lineage_takes_a_query_per_step_not_per_unit(db, django_assert_num_queries):
    units = list(Unit.objects.communes().in_force(dt.date(2026, 1, 1)))
    with django_assert_num_queries(3):  # two steps back (1/2025, 7/2025), and the empty third
        lineages(units)
