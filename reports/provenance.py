"""Where a month's figures come from, for the foot of a printed page: who entered them, from
which source, when they were last changed, and whether they are synthetic."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from communes.models import Enrollment, Level, Unit

NAMES_SHOWN = 3  # more than this many people: the first ones and "and n others"


@dataclass
class Provenance:
    month: dt.date | None
    updated: dt.datetime | None = None  # the last change of any figure of the month
    people: list[str] = field(default_factory=list)
    others: int = 0
    sources: list[str] = field(default_factory=list)
    synthetic: bool = False


def month_provenance(unit: Unit, month: dt.date | None, *, communes: list[int] | None = None) -> Provenance:
    """The month's enrolled counts of the communes under `unit` (the whole country for the
    country): their last change, the people who entered them (most figures first) and their
    sources. `communes`: the ids of every commune under the unit at the month, when the page has
    read them already (an IN list the index answers, where the communes under a province are a
    UNION of its own and its districts')."""
    if month is None:
        return Provenance(month=None)
    counts = Enrollment.objects.filter(month=month)
    if communes is not None:
        counts = counts.filter(unit__among=communes)
    elif unit.level == Level.COUNTRY:
        counts = counts.filter(unit__level=Level.COMMUNE)
    else:
        counts = counts.filter(unit__in=Unit.objects.commune_ids_under(unit))
    # One grouped read: a month's figures come from a handful of people and sources.
    groups = list(
        counts.values("entered_by__first_name", "entered_by__last_name", "entered_by__username", "source")
        .annotate(n=Count("pk"), updated=Max("entered_at"), synthetic=Count("pk", filter=Q(is_synthetic=True)))
        .order_by()
    )
    per_person: dict[str, int] = {}
    for row in groups:
        if row["entered_by__username"]:
            name = (
                " ".join(part for part in (row["entered_by__last_name"], row["entered_by__first_name"]) if part)
                or row["entered_by__username"]
            )
            per_person[name] = per_person.get(name, 0) + row["n"]
    names = sorted(per_person, key=lambda name: (-per_person[name], name))
    sources = sorted({row["source"] for row in groups if row["source"]})
    return Provenance(
        month=month,
        updated=max((row["updated"] for row in groups), default=None),
        people=names[:NAMES_SHOWN],
        others=max(0, len(names) - NAMES_SHOWN),
        sources=sources[:NAMES_SHOWN],
        synthetic=any(row["synthetic"] for row in groups),
    )
