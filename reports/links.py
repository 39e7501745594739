"""Where a unit's own page is: the one place that maps a unit to its URL."""

from django.urls import reverse
from django.utils import timezone

from communes.models import Level, Unit
from communes.periods import day_in_year
from communes.successors import successors_today

PAGE_NAMES = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: "commune"}


def unit_url(unit: Unit | None, *, year: int | None = None) -> str:
    """A unit's dashboard (the country's when there is no unit); an ended unit's page opens on
    its own last day (?on=), not on the later unit that reuses its code. With a year, the page of
    that year (a commune's on its last day in force that year)."""
    if unit is None or unit.level == Level.COUNTRY:
        return reverse("country") + (f"?year={year}" if year else "")
    url = reverse(PAGE_NAMES[unit.level], args=[unit.code])
    if year is not None and not (unit.valid_to is None and year >= timezone.localdate().year):
        if unit.level == Level.COMMUNE:
            day = day_in_year(valid_from=unit.valid_from, valid_to=unit.valid_to, year=year)
            return f"{url}?on={day:%Y-%m-%d}"
        return f"{url}?year={year}"
    if unit.valid_to is not None and unit.level == Level.COMMUNE:
        return f"{url}?on={unit.valid_to:%Y-%m-%d}"
    if unit.valid_to is not None:
        return f"{url}?year={unit.valid_to.year}"
    return url


def successor_links(unit: Unit) -> list[dict]:
    """Today's units that carry an ended unit on, each with its page."""
    if unit.valid_to is None:
        return []
    return [{"unit": successor, "url": unit_url(successor)} for successor in successors_today(unit)]
