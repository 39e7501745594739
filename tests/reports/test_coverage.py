import math
import random
from decimal import Decimal
from fractions import Fraction

from reports import coverage


def test_it_computes_the_annex_2021_total_from_counts():
    assert coverage.coverage_rate(enrolled=70913, population=82818) == Decimal("85.63")


def test_it_rounds_half_up_at_two_decimals():
    # Khổng Lào 2021: 1.663 ÷ 3.913 = 42,4993…% prints as 42,50%
    assert coverage.coverage_rate(enrolled=1663, population=3913) == Decimal("42.50")


def test_rate_is_unknown_without_population():
    assert coverage.coverage_rate(enrolled=10, population=0) is None
    assert coverage.coverage_rate(enrolled=None, population=100) is None


def test_gap_in_people_rounds_the_requirement_up():
    # Phong Thổ plan 2022: 96,05% of 83.946 = 80.630,13 -> 80.631 needed, 80.627 planned
    assert coverage.gap_people(target_rate=Decimal("96.05"), population=83946, enrolled=80627) == 4


def test_gap_in_people_is_never_negative():
    assert coverage.gap_people(target_rate=Decimal("95"), population=1000, enrolled=999) == 0


def test_more_than_needs_one_person_beyond_the_exact_share():
    # "more than 95%" of 1.000 people is 951, not 950
    assert coverage.required_enrolled(target_rate=Decimal("95"), population=1000, strictly_above=True) == 951
    assert coverage.required_enrolled(target_rate=Decimal("95"), population=1000) == 950
    assert coverage.gap_people(target_rate=Decimal("95"), population=1000, enrolled=950, strictly_above=True) == 1


def test_gap_in_points_is_negative_while_behind():
    assert coverage.gap_points(rate=Decimal("85.63"), target_rate=Decimal("96.05")) == Decimal("-10.42")


def test_ranking_breaks_ties_by_code_and_puts_unknown_last():
    rows = [("03553", Decimal("99.88")), ("03391", Decimal("99.88")), ("03592", Decimal("99.90")), ("03490", None)]
    ranked = coverage.rank_by_rate(rows, rate=lambda r: r[1], tie_break=lambda r: r[0])
    assert [(r.rank, r.item[0]) for r in ranked] == [(1, "03592"), (2, "03391"), (3, "03553"), (None, "03490")]


def test_ranking_uses_exact_rates_not_rounded_ones():
    # Mồ Sì San 2.507/2.510 = 99,880% ranks above Lả Nhì Thàng 3.232/3.236 = 99,876%, both print 99,88%
    rows = [("03391", 3232, 3236), ("03553", 2507, 2510)]
    ranked = coverage.rank_by_rate(
        rows, rate=lambda r: coverage.exact_rate(enrolled=r[1], population=r[2]), tie_break=lambda r: r[0]
    )
    assert [r.item[0] for r in ranked] == ["03553", "03391"]


def test_rate_order_orders_and_ties_rates_exactly_as_their_fractions_do():
    # The closest two different rates a national ranking can hold (populations near 10⁸, one person
    # apart), equal rates written differently, the rounded-alike pair above, and random pairs.
    rng = random.Random(2026)
    pairs = [
        ((99_999_999, 100_000_000), (99_999_998, 99_999_999)),
        ((1, 3), (2, 6)),
        ((2507, 2510), (3232, 3236)),
        ((0, 5), (0, 7)),
        ((12, 10), (6, 5)),
    ]
    for _ in range(2000):
        a, b = rng.randint(1, 10**8), rng.randint(1, 10**8)
        pairs.append(((rng.randint(0, a), a), (rng.randint(0, b), b)))
    for (e1, p1), (e2, p2) in pairs:
        exact = (Fraction(e1, p1) > Fraction(e2, p2)) - (Fraction(e1, p1) < Fraction(e2, p2))
        o1, o2 = (coverage.rate_order(enrolled=e, population=p) for e, p in ((e1, p1), (e2, p2)))
        assert (o1 > o2) - (o1 < o2) == exact, ((e1, p1), (e2, p2))
    assert coverage.rate_order(enrolled=None, population=10) is None
    assert coverage.rate_order(enrolled=5, population=0) is None


def test_projection_extends_the_months_so_far_to_december():
    # +100 people a month from 1.000 in January reaches 2.100 in December
    months = [(1, 1000), (2, 1100), (3, 1200)]
    assert coverage.projection(months=months) == Decimal(2100)
    assert coverage.projection(months=[(1, 1000)]) is None


def _projection_by_fractions(months, year_end_month=12):
    """The least-squares line as first written, in Fractions: what the integer version must equal."""
    n = len(months)
    mean_x = Fraction(sum(m for m, _ in months), n)
    mean_y = Fraction(sum(v for _, v in months), n)
    denominator = sum((m - mean_x) ** 2 for m, _ in months)
    if denominator == 0:
        return None
    slope = sum((m - mean_x) * (v - mean_y) for m, v in months) / denominator
    value = mean_y + slope * (year_end_month - mean_x)
    return Decimal(value.numerator) / Decimal(value.denominator)


def test_projection_and_requirement_equal_the_exact_fractions():
    draw = random.Random(2021)
    for _ in range(2000):
        months = sorted(draw.sample(range(1, 13), draw.randint(2, 4)))
        pairs = [(m, draw.randint(0, 60_000)) for m in months]
        end = draw.choice([6, 12, months[-1] + 1 if months[-1] < 12 else 12])
        assert coverage.projection(months=pairs, year_end_month=end) == _projection_by_fractions(pairs, end)
        rate, population = Decimal(draw.randint(8000, 10000)) / 100, draw.randint(0, 60_000)
        needed = Fraction(rate) * population / 100
        assert coverage.required_enrolled(target_rate=rate, population=population) == math.ceil(needed)
        assert coverage.required_enrolled(target_rate=rate, population=population, strictly_above=True) == (
            math.floor(needed) + 1
        )
    assert coverage.projection(months=[(3, 10), (3, 12)]) is None  # one month twice: no line


def test_people_per_month_spreads_the_gap_over_months_left():
    assert coverage.per_month_needed(gap=10, months_left=3) == 4
    assert coverage.per_month_needed(gap=10, months_left=0) == 10


def test_a_drop_counts_only_when_more_than_the_threshold():
    assert coverage.drop_exceeds(previous=1000, current=949, threshold=0.05)
    assert not coverage.drop_exceeds(previous=1000, current=950, threshold=0.05)  # exactly 5%: no warning
    assert not coverage.drop_exceeds(previous=1000, current=1200, threshold=0.05)
    assert not coverage.drop_exceeds(previous=None, current=10, threshold=0.05)
