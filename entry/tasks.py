"""The months officers have to report: for each area they enter figures for, how far the month has come."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Q, When
from django.utils import timezone

from communes.calendar import closing_time
from communes.models import Enrollment, Level, Unit
from communes.scope import Scope

ENTRY_URL_NAMES = {Level.DISTRICT: "entry", Level.PROVINCE: "province_entry"}


@dataclass
class EntryTask:
    """An area whose communes a user enters for, and how far the month being reported has come.

    `unit` is what the task is named after: the area, or a commune officer's own commune (whose
    grid is the area's page, showing them that one commune)."""

    area: Unit
    month: dt.date
    reported: int
    expected: int
    deadline: dt.datetime
    unit: Unit | None = None

    def __post_init__(self):
        if self.unit is None:
            self.unit = self.area

    @property
    def url_name(self) -> str:
        return ENTRY_URL_NAMES[self.area.level]

    @property
    def completeness_url_name(self) -> str:
        return "completeness" if self.area.level == Level.DISTRICT else "province_completeness"

    @property
    def last_day(self) -> dt.datetime:
        return timezone.localtime(self.deadline - dt.timedelta(seconds=1))

    @property
    def done(self) -> bool:
        return self.expected > 0 and self.reported == self.expected


def entry_tasks(user, month: dt.date) -> list[EntryTask]:
    """The areas the user enters figures for in the month (their province, or their commune's),
    with the communes they may change that reported; administrators see every province."""
    scope = Scope.of(user)
    if scope.is_admin:
        areas = list(Unit.objects.provinces().in_force(month).order_by("code"))
    elif scope.role == "officer" and scope.root is not None:
        areas = _officer_areas(scope.root, month)
    else:
        return []
    if not areas:
        return []
    communes = scope.filter_editable(Unit.objects.communes().in_force(month)).filter(
        Q(parent__in=areas) | Q(parent__parent__in=areas)
    )
    counted = (
        communes.annotate(
            area=_area_of(areas),
            has_count=Exists(Enrollment.objects.filter(unit=OuterRef("pk"), month=month)),
        )
        .values("area")
        .annotate(expected=Count("pk"), reported=Count("pk", filter=Q(has_count=True)))
        .order_by()
    )
    by_area = {row["area"]: row for row in counted}
    deadline = closing_time(month)
    own_commune = scope.root if not scope.is_admin and scope.root.level == Level.COMMUNE else None
    return [
        EntryTask(
            area=a,
            month=month,
            reported=by_area.get(a.pk, {}).get("reported", 0),
            expected=by_area.get(a.pk, {}).get("expected", 0),
            deadline=deadline,
            unit=own_commune,
        )
        for a in areas
    ]


def _officer_areas(root: Unit, month: dt.date) -> list[Unit]:
    if not root.in_force_on(month):
        return []
    if root.level == Level.COMMUNE:
        return [root.parent] if root.parent is not None else []
    return [root]


def _area_of(areas: list[Unit]):
    return Case(When(parent__in=areas, then=F("parent")), default=F("parent__parent"))
