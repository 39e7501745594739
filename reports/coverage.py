"""Coverage arithmetic: plain functions, no state, no database.

Rates come from summed counts (Σ enrolled ÷ Σ population), never from averaging rates. Exact
comparisons use integers: a rate is only rounded when shown.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def coverage_rate(*, enrolled: int | None, population: int | None, places: int = 2) -> Decimal | None:
    """Percentage of the population enrolled, rounded half up (2 decimals unless asked); None when unknown."""
    if enrolled is None or not population:
        return None
    return (Decimal(enrolled) * HUNDRED / Decimal(population)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def exact_rate(*, enrolled: int | None, population: int | None) -> Fraction | None:
    """The unrounded rate, for ranking and comparisons."""
    if enrolled is None or not population:
        return None
    # PostgreSQL's SUM over bigint comes back as Decimal: counts are whole, so int() is exact.
    return Fraction(int(enrolled) * 100, int(population))


# Rates compared as whole numbers: enrolled × 10⁴⁰ // population. Two different rates e/p and e'/p'
# differ by at least 1/(p·p'), far more than 10⁻⁴⁰ for any population under 10²⁰: the order and
# the ties are the exact rates' own, without building a Fraction for each (a ranking compares a
# few thousand pairs).
_RATE_SCALE = 10**40


def rate_order(*, enrolled: int | None, population: int | None) -> int | None:
    """A whole number that orders rates exactly as `exact_rate` does; None when unknown."""
    if enrolled is None or not population:
        return None
    return int(enrolled) * _RATE_SCALE // int(population)


def required_enrolled(*, target_rate: Decimal, population: int, strictly_above: bool = False) -> int:
    """People who must hold a card for the rate to meet the target.

    ceil(target × population) for "at least"; one more than floor for "more than" (> 95%).
    """
    # Integer arithmetic on the rate's exact ratio: the same result as Fractions, without building
    # them (a dashboard asks this a few thousand times).
    numerator, denominator = target_rate.as_integer_ratio()
    numerator, denominator = numerator * int(population), denominator * 100
    if strictly_above:
        return numerator // denominator + 1
    return -(-numerator // denominator)


def gap_people(
    *, target_rate: Decimal | None, population: int | None, enrolled: int | None, strictly_above: bool = False
) -> int | None:
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


def target_met(
    *, enrolled: int | None, population: int | None, target_rate: Decimal | None, strictly_above: bool = False
) -> bool | None:
    if enrolled is None or not population or target_rate is None:
        return None
    return (
        gap_people(target_rate=target_rate, population=population, enrolled=enrolled, strictly_above=strictly_above)
        == 0
    )


@dataclass(frozen=True)
class Ranked:
    rank: int | None
    item: object


def rank_by_rate(items: Iterable, *, rate, tie_break) -> list[Ranked]:
    """Highest rate first; equal rates ordered by `tie_break` (e.g. the official code) so the
    order never changes between two page loads. Items without a rate come last, unranked
    (rank None), in tie_break order. Pass exact rates (`exact_rate`, or `rate_order`, which
    orders them the same): two rates that round to the same 99,88% are still different."""
    rated = [(rate(i), tie_break(i), i) for i in items]  # each rate worked out once
    with_rate = sorted((r for r in rated if r[0] is not None), key=lambda r: (-r[0], r[1]))
    without = sorted((r for r in rated if r[0] is None), key=lambda r: r[1])
    return [Ranked(rank=n, item=r[2]) for n, r in enumerate(with_rate, start=1)] + [
        Ranked(rank=None, item=r[2]) for r in without
    ]


def projection(*, months: Sequence[tuple[int, int]], year_end_month: int = 12) -> Decimal | None:
    """Year-end enrolled by a straight line through the months so far (least squares).

    `months` holds (month number 1–12, enrolled). Fewer than two months: no projection.
    """
    if len(months) < 2:
        return None
    # The least-squares line in whole numbers (n·Σx², n·Σxy…), one exact division at the end: the
    # same value as with Fractions, a tenth of the work (a dashboard projects every commune).
    n = len(months)
    sum_x = sum(int(m) for m, _ in months)
    sum_y = sum(int(v) for _, v in months)
    spread = n * sum(int(m) * int(m) for m, _ in months) - sum_x * sum_x  # n · Σ(x − x̄)²
    if spread == 0:
        return None
    covariance = n * sum(int(m) * int(v) for m, v in months) - sum_x * sum_y  # n · Σ(x − x̄)(y − ȳ)
    # ȳ + slope · (X − x̄) = (Σy · spread + covariance · (n·X − Σx)) / (n · spread)
    numerator = sum_y * spread + covariance * (n * year_end_month - sum_x)
    return Decimal(numerator) / Decimal(n * spread)


def per_month_needed(*, gap: int | None, months_left: int) -> int | None:
    """People to enroll each remaining month to close the gap by year end."""
    if gap is None:
        return None
    if months_left <= 0:
        return gap
    return math.ceil(gap / months_left)


def drop_exceeds(*, previous: int | None, current: int, threshold: float | Decimal) -> bool:
    """True when `current` fell more than `threshold` (0.05 = 5%) below `previous`; exact, no rounding."""
    if not previous:
        return False
    return Fraction(previous - current, previous) > Fraction(str(threshold))


# -- Where a unit stands in its year: what the dashboard's headline says --------------------------

AT_RISK_POINTS = Decimal("1.00")  # within one point of the target: still reachable with effort
PROJECTION_MONTHS = 4  # the projection follows the recent pace, not a shock months ago


class Status:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    CHECK_DATA = "check_data"  # more people enrolled than live there: a data error, not a success


def exceeds_population(*, enrolled: int | None, population: int | None) -> bool:
    """More cards than people (a rate over 100%): the population or the count is wrong, exactly
    compared so that 100,004% (shown as 100,00%) is caught too."""
    return enrolled is not None and population is not None and enrolled > population


def final_month(*, year: int, valid_to: dt.date | None) -> int:
    """The year's last month the unit reports for: December, or the month it ended in (a district
    gone on 30/06/2025 has no figure, no month left and no projection after June 2025)."""
    if valid_to is not None and valid_to.year == year:
        return valid_to.month
    return 12


def ends_in_year(*, year: int, valid_to: dt.date | None) -> dt.date | None:
    """The unit's last day when it falls in the year (the headline says so), else None."""
    return valid_to if valid_to is not None and valid_to.year == year else None


def months_left(*, latest_month: int, last_month: int = 12) -> int:
    """Monthly figures still to come after the latest month with data, up to the year's last
    month for the unit (`final_month`): 12 → 0, and 6 → 0 for a unit that ended in June."""
    return max(0, last_month - latest_month)


def rate_change(*, rate: Decimal | None, earlier: Decimal | None) -> Decimal | None:
    """Change in percentage points since an earlier rate (positive: better)."""
    if rate is None or earlier is None:
        return None
    return (rate - earlier).quantize(CENT)


def year_end_projection(
    *, months: Sequence[tuple[int, int]], population: int | None, last_month: int = 12
) -> Decimal | None:
    """Projected year-end rate: the least-squares line through the last PROJECTION_MONTHS
    monthly enrolled counts of the year, carried to the year's last month for the unit
    (December, or the month it ended: `final_month`), over the year's population.

    None with fewer than two months or no population; a figure of that last month is its own
    projection.
    """
    if not population or not months:
        return None
    recent = sorted(m for m in months if m[0] <= last_month)[-PROJECTION_MONTHS:]
    if not recent:
        return None
    if recent[-1][0] == last_month:
        return coverage_rate(enrolled=recent[-1][1], population=population)
    projected = projection(months=recent, year_end_month=last_month)
    if projected is None:
        return None
    enrolled = min(max(projected, Decimal(0)), Decimal(population))
    return (enrolled * HUNDRED / Decimal(population)).quantize(CENT, rounding=ROUND_HALF_UP)


def status(
    *,
    rate: Decimal | None,
    target_rate: Decimal | None,
    met: bool | None,
    projected_rate: Decimal | None,
    months_left: int,
    anomaly: bool = False,
) -> str | None:
    """On track, at risk or off track against the year's target; "check the data" instead when
    the figures are impossible (`anomaly`: `exceeds_population`, or a rate above 100%), which must
    never read as a success.

    - on track: the target is met at the latest month, or the year-end projection meets it;
    - at risk: not so, but the projection (the latest rate when there is none) is less than
      AT_RISK_POINTS below the target and months remain;
    - off track: further below, or the year is over and the target was missed.
    None when there is no target or no figure.
    """
    if rate is not None and (anomaly or rate > HUNDRED):
        return Status.CHECK_DATA
    if rate is None or target_rate is None:
        return None
    if met:
        return Status.ON_TRACK
    if months_left == 0:
        return Status.OFF_TRACK
    basis = projected_rate if projected_rate is not None else rate
    if basis >= target_rate:
        return Status.ON_TRACK
    if target_rate - basis < AT_RISK_POINTS:
        return Status.AT_RISK
    return Status.OFF_TRACK


SMALL_POPULATION = 1000  # below this a single family moves the rate by points: read with care


def is_small(*, population: int | None) -> bool:
    return population is not None and population < SMALL_POPULATION
