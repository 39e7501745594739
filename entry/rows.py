"""What the monthly entry page shows: the area a URL names, its communes' rows, whether the month is open.

Reads only; reports/entry.py validates and saves.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.calendar import closing_time
from communes.models import (
    Enrollment,
    EnrollmentByGroup,
    MonthReopening,
    PayerGroup,
    Population,
    Unit,
)
from communes.periods import add_months, month_end
from communes.scope import Scope
from reports.formatting import fmt_datetime
from targets.models import CohortCommune, CohortProgress

User = get_user_model()


@dataclass(frozen=True)
class StoredPopulation:
    """A population as the grid reads it: the figure, its year and where it came from."""

    year: int
    population: int
    source: str


@dataclass(frozen=True)
class StoredEnrollment:
    """A month's count as the grid reads it, with who entered it and the version it was read at."""

    pk: int
    month: dt.date
    enrolled: int
    note: str
    version: int
    entered_at: dt.datetime | None
    entered_by: User | None  # only the names are read


_PERSON_FIELDS = ("username", "first_name", "last_name")
_ENROLLMENT_FIELDS = (
    "pk",
    "unit_id",
    "month",
    "enrolled",
    "note",
    "version",
    "entered_at",
    "entered_by_id",
    *(f"entered_by__{name}" for name in _PERSON_FIELDS),
)


@dataclass
class Row:
    """One commune's line in the grid: what is stored now and what came before."""

    unit: Unit
    index: int
    editable: bool
    population: StoredPopulation | None = None  # in effect: this year's figure, else the latest earlier one
    enrollment: StoredEnrollment | None = None
    previous: StoredEnrollment | None = None  # the latest month before this one
    previous_population: StoredPopulation | None = None  # in effect in the previous one's year
    groups: dict[str, int] = field(default_factory=dict)  # payer group code -> count this month
    previous_groups: dict[str, int] = field(default_factory=dict)
    member: CohortCommune | None = None
    progress: CohortProgress | None = None
    previous_progress: CohortProgress | None = None

    @property
    def version(self) -> int:
        return self.enrollment.version if self.enrollment else 0

    @property
    def progress_version(self) -> int:
        return self.progress.version if self.progress else 0


@dataclass(frozen=True)
class MonthStatus:
    open: bool
    reason: str = ""
    closes_at: dt.datetime | None = None
    reopening: MonthReopening | None = None
    future: bool = False


def month_status(*, area: Unit, month: dt.date, now: dt.datetime | None = None) -> MonthStatus:
    now = now or timezone.now()
    today = timezone.localdate(now)
    closes = closing_time(month)
    if month > today.replace(day=1):
        return MonthStatus(
            open=False,
            future=True,
            reason=_("Tháng %(month)s chưa đến: chưa thể nhập số liệu.") % {"month": f"{month:%m/%Y}"},
        )
    if now < closes:
        return MonthStatus(open=True, closes_at=closes)
    reopening = (
        MonthReopening.objects.filter(unit__in=_self_and_ancestors(area), month=month, until__gt=now)
        .select_related("by")
        .order_by("-until")
        .first()
    )
    if reopening:
        return MonthStatus(open=True, closes_at=reopening.until, reopening=reopening)
    return MonthStatus(
        open=False,
        closes_at=closes,
        reason=_(
            "Tháng %(month)s đã khoá sổ lúc %(closed)s (%(days)s ngày sau khi hết tháng). "
            "Cần lãnh đạo hoặc quản trị viên mở lại để sửa."
        )
        % {"month": f"{month:%m/%Y}", "closed": fmt_datetime(closes), "days": settings.ENTRY_CLOSE_DAYS},
    )


def _self_and_ancestors(unit: Unit) -> list[int]:
    ids, current = [], unit
    while current is not None:
        ids.append(current.pk)
        current = current.parent
    return ids


def entry_rows(*, area: Unit, month: dt.date, user, status: MonthStatus) -> list[Row]:
    scope = Scope.of(user)
    communes = scope.filter_visible(Unit.objects.communes().within(area).in_force(month))
    units = list(communes.select_related("parent").order_by("code"))  # can_edit reads parent.parent_id
    reopened = _reopened_units(units, month) if not status.open and not status.future else set()
    rows = [
        Row(unit=u, index=i, editable=scope.can_edit(u) and (status.open or u.pk in reopened))
        for i, u in enumerate(units)
    ]
    _attach_counts(rows, month)
    _attach_cohorts(rows, month)
    return rows


def _reopened_units(units: list[Unit], month: dt.date) -> set[int]:
    return set(
        MonthReopening.objects.filter(unit__in=units, month=month, until__gt=timezone.now()).values_list(
            "unit", flat=True
        )
    )


def payer_groups(month: dt.date) -> list[PayerGroup]:
    return list(
        PayerGroup.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=month_end(month)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=month),
        )
    )


def _attach_counts(rows: list[Row], month: dt.date) -> None:
    """Read as plain values: a province's grid reads ~500 populations and ~340 months, and making
    model instances of them (with each month's user) was a third of the page's time."""
    by_unit = {row.unit.pk: row for row in rows}
    users: dict[int, User] = {}
    enrollments = _this_and_previous_months(list(by_unit), month)
    for pk, unit_id, month_, enrolled, note, version, at, user_id, *person in enrollments:
        if user_id is not None and user_id not in users:  # one instance per person, not per month
            users[user_id] = User(pk=user_id, **dict(zip(_PERSON_FIELDS, person, strict=True)))
        stored = StoredEnrollment(
            pk=pk,
            month=month_,
            enrolled=enrolled,
            note=note,
            version=version,
            entered_at=at,
            entered_by=users.get(user_id),
        )
        row = by_unit[unit_id]
        if month_ == month:
            row.enrollment = stored
        else:
            row.previous = stored
    populations = _populations(rows, month.year)
    for row in rows:
        known = populations.get(row.unit.pk)
        if not known:
            continue
        row.population = StoredPopulation(*known[-1])  # the latest year wins
        if row.previous:  # last month's rate is last month's enrolled over last month's population
            earlier = [p for p in known if p[0] <= row.previous.month.year]
            row.previous_population = StoredPopulation(*earlier[-1]) if earlier else None
    current = {r.enrollment.pk: (r, True) for r in rows if r.enrollment}
    current.update({r.previous.pk: (r, False) for r in rows if r.previous})
    for enrollment_id, code, enrolled in EnrollmentByGroup.objects.filter(enrollment__among=current).values_list(
        "enrollment_id", "group__code", "enrolled"
    ):
        row, this_month = current[enrollment_id]
        (row.groups if this_month else row.previous_groups)[code] = enrolled


def _populations(rows: list[Row], year: int) -> dict[int, list[tuple]]:
    """Unit → its (year, population, source) up to the year, earliest first, as far back as its row
    needs: the latest up to the year and the latest up to its previous month's year. Read from two
    years back for every commune (the previous month is at most two years back); a commune that
    has nothing there, or nothing as old as its previous month, is read whole."""

    def read(unit_ids, since: int | None = None) -> dict[int, list[tuple]]:
        populations = Population.objects.filter(unit__among=unit_ids, year__lte=year)
        if since is not None:
            populations = populations.filter(year__gte=since)
        out: dict[int, list[tuple]] = {}
        for unit_id, *figure in populations.order_by("year").values_list("unit_id", "year", "population", "source"):
            out.setdefault(unit_id, []).append(figure)
        return out

    known = read([row.unit.pk for row in rows], since=year - 2)
    short = [
        row.unit.pk
        for row in rows
        if not known.get(row.unit.pk) or (row.previous and known[row.unit.pk][0][0] > row.previous.month.year)
    ]
    if short:
        known.update(read(short))
    return known


def _this_and_previous_months(unit_ids: list[int], month: dt.date) -> list[tuple]:
    """Each commune's count of the month and its latest one before (within two years), earliest
    month first. Nearly every commune has last month's count: the two months are read for all (336
    rows for a 168-commune grid, by the month's index), and only the communes without last month's
    look further back, for their latest earlier month (a window over their two years)."""
    before = add_months(month, -1)
    recent = list(
        Enrollment.objects.filter(unit__among=unit_ids, month__in=[before, month]).values_list(*_ENROLLMENT_FIELDS)
    )
    has_before = {row[1] for row in recent if row[2] == before}
    missing = [unit_id for unit_id in unit_ids if unit_id not in has_before]
    older = []
    if missing:
        latest_first = Window(RowNumber(), partition_by=[F("unit_id")], order_by=F("month").desc())
        older = list(
            Enrollment.objects.filter(unit__among=missing, month__gte=add_months(month, -24), month__lt=before)
            .annotate(recency=latest_first)
            .filter(recency=1)
            .values_list(*_ENROLLMENT_FIELDS)
        )
    return sorted(older + recent, key=lambda row: row[2])


def _attach_cohorts(rows: list[Row], month: dt.date) -> None:
    by_unit = {row.unit.pk: row for row in rows}
    members = CohortCommune.objects.filter(unit__among=by_unit, cohort__since__lte=month_end(month)).order_by(
        "cohort_id"
    )
    for member in members.select_related("cohort"):
        by_unit[member.unit_id].member = by_unit[member.unit_id].member or member
    by_member = {row.member.pk: row for row in rows if row.member}
    for progress in CohortProgress.objects.filter(member__among=by_member, month__lte=month).order_by("month"):
        row = by_member[progress.member_id]
        if progress.month == month:
            row.progress = progress
        else:
            row.previous_progress = progress
