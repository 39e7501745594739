"""Where a unit's own page is: the one place that maps a unit to its URL."""

from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS

from communes.models import Level, Unit
from communes.periods import day_in_year
from communes.successors import successors_today

PAGE_NAMES = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: "commune"}


def unit_url(unit: Unit | None, *, year: int | None = None) -> str:
    """A unit's dashboard (the country's when there is no unit); an ended unit's page opens on
    its own last day (?on=), not on the later unit that reuses its code. With a year, the page of
    that year (a commune's on its last day in force that year)."""
    return UnitLinks(year=year)(unit)


class UnitLinks:
    """`unit_url` for the many units of one page (a ranking's rows, a map's areas, the communes
    behind): one `reverse()` per level and one look at today's date, not one per unit."""

    _CODE = "0"  # the code the level's path is reversed with once, then replaced by each unit's

    def __init__(self, *, year: int | None = None) -> None:
        self.year = year
        self.current_year = timezone.localdate().year
        self._paths: dict[str, tuple[str, str]] = {}

    def _path(self, level: str, code: str) -> str:
        if level not in self._paths:
            head, _code, tail = reverse(PAGE_NAMES[level], args=[self._CODE]).rpartition(f"/{self._CODE}/")
            self._paths[level] = (f"{head}/", f"/{tail}")
        head, tail = self._paths[level]
        # As reverse() quotes an argument.
        return f"{head}{quote(code, safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"

    def __call__(self, unit: Unit | None) -> str:
        year = self.year
        if unit is None or unit.level == Level.COUNTRY:
            return reverse("country") + (f"?year={year}" if year else "")
        url = self._path(unit.level, unit.code)
        if year is not None and not (unit.valid_to is None and year >= self.current_year):
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
