"""What became of a unit that ended: who took over, and which of today's units carry it on."""

import datetime as dt

from .models import Unit, UnitSuccession


def successors_of(unit: Unit) -> list[Unit]:
    """Who took over: recorded successions, else (a district, abolished in 2025) the units its
    communes went to belong to."""
    direct = [s.successor for s in UnitSuccession.objects.filter(predecessor=unit).select_related("successor")]
    if direct:
        return direct
    heirs = Unit.objects.filter(
        pk__in=UnitSuccession.objects.filter(predecessor__parent=unit).values("successor__parent")
    )
    return list(heirs.order_by("level", "code"))


def successors_today(unit: Unit, *, today: dt.date | None = None) -> list[Unit]:
    """The units in force today that carry the unit on, following successions step by step (Xã
    Biển Động of 2021 → Thị trấn Biển Động of 2025 → Xã Biển Động since 7/2025). Empty for a
    unit still in force, or one whose successors are not known."""
    today = today or dt.date.today()
    found, frontier, seen = [], [unit], {unit.pk}
    while frontier:
        step = []
        for current in frontier:
            for successor in successors_of(current):
                if successor.pk in seen:
                    continue
                seen.add(successor.pk)
                (found if successor.in_force_on(today) else step).append(successor)
        frontier = step
    return sorted(found, key=lambda u: (u.level, u.code))
