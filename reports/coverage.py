"""Coverage arithmetic: plain functions, no state, no database.

Rates come from summed counts (Σ enrolled ÷ Σ population), never from averaging rates. Exact
comparisons use integers: a rate is only rounded when shown.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def coverage_rate(*, enrolled: int | None, population: int | None) -> Decimal | None:
    """Percentage of the population enrolled, rounded half up to 2 decimals; None when unknown."""
    if enrolled is None or not population:
        return None
    return (Decimal(enrolled) * HUNDRED / Decimal(population)).quantize(CENT, rounding=ROUND_HALF_UP)


def exact_rate(*, enrolled: int, population: int) -> Fraction:
    return Fraction(enrolled * 100, population)


def required_enrolled(*, target_rate: Decimal, population: int, strictly_above: bool = False) -> int:
    """People who must hold a card for the rate to meet the target.

    ceil(target × population) for "at least"; one more than floor for "more than" (> 95%).
    """
    needed = Fraction(target_rate) * population / 100
    if strictly_above:
        return math.floor(needed) + 1
    return math.ceil(needed)


def gap_people(*, target_rate: Decimal | None, population: int | None, enrolled: int | None,
               strictly_above: bool = False) -> int | None:
    """People still to enroll to reach the target; 0 once it is met."""
    if target_rate is None or population is None or enrolled is None:
        return None
    needed = required_enrolled(target_rate=target_rate, population=population, strictly_above=strictly_above)
    return max(0, needed - enrolled)


def gap_points(*, rate: Decimal | None, target_rate: Decimal | None) -> Decimal | None:
    """Rate minus target in percentage points: negative while behind."""
    if rate is None or target_rate is None:
        return None
    return (rate - target_rate).quantize(CENT)


def target_met(*, enrolled: int | None, population: int | None, target_rate: Decimal | None,
               strictly_above: bool = False) -> bool | None:
    if enrolled is None or not population or target_rate is None:
        return None
    return gap_people(target_rate=target_rate, population=population, enrolled=enrolled,
                      strictly_above=strictly_above) == 0


@dataclass(frozen=True)
class Ranked:
    rank: int
    item: object


def rank_by_rate(items: Iterable, *, rate, tie_break) -> list[Ranked]:
    """Highest rate first; equal rates ordered by `tie_break` (e.g. the official code) so the
    order never changes between two page loads. Items without a rate come last, unranked order
    kept by tie_break."""
    items = list(items)
    with_rate = sorted((i for i in items if rate(i) is not None), key=lambda i: (-rate(i), tie_break(i)))
    without = sorted((i for i in items if rate(i) is None), key=tie_break)
    return [Ranked(rank=n, item=i) for n, i in enumerate(with_rate + without, start=1)]


def projection(*, months: Sequence[tuple[int, int]], year_end_month: int = 12) -> Decimal | None:
    """Year-end enrolled by a straight line through the months so far (least squares).

    `months` holds (month number 1–12, enrolled). Fewer than two months: no projection.
    """
    if len(months) < 2:
        return None
    n = len(months)
    xs = [m for m, _ in months]
    ys = [v for _, v in months]
    mean_x, mean_y = Fraction(sum(xs), n), Fraction(sum(ys), n)
    denominator = sum((x - mean_x) ** 2 for x in xs)
    if denominator == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / denominator
    value = mean_y + slope * (year_end_month - mean_x)
    return Decimal(value.numerator) / Decimal(value.denominator)


def per_month_needed(*, gap: int | None, months_left: int) -> int | None:
    """People to enroll each remaining month to close the gap by year end."""
    if gap is None:
        return None
    if months_left <= 0:
        return gap
    return math.ceil(gap / months_left)
