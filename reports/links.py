"""Where a unit's own page is: the one place that maps a unit to its URL."""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS

from communes.models import Level, Unit
from communes.periods import day_in_year
from communes.successors import successors_today

PAGE_NAMES = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: "commune"}


_CODE = "0"  # the code a level's path is reversed with, then replaced by each unit's


@lru_cache(maxsize=64)
def _page_path(urlconf, script_prefix: str, level: str) -> tuple[str, str]:
    """The path of a level's pages around the code, reversed once per process (and URL conf and
    prefix): a ranking, its map and the communes behind link 500 units on one page."""
    head, _code, tail = reverse(PAGE_NAMES[level], urlconf=urlconf, args=[_CODE]).rpartition(f"/{_CODE}/")
    return f"{head}/", f"/{tail}"


def unit_url(unit: Unit | None, *, year: int | None = None) -> str:
    """A unit's dashboard (the country's when there is no unit); an ended unit's page opens on
    its own last day (?on=), not on the later unit that reuses its code. With a year, the page of
    that year (a commune's on its last day in force that year)."""
    return UnitLinks(year=year)(unit)


class UnitLinks:
    """`unit_url` for the many units of one page (a ranking's rows, its map, the communes behind):
    the URL conf, the prefix and today's year are read once, not once per unit."""

    def __init__(self, *, year: int | None = None) -> None:
        self.year = year
        self.urlconf, self.prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
        self._current_year: int | None = None

    @property
    def current_year(self) -> int:
        if self._current_year is None:
            self._current_year = timezone.localdate().year
        return self._current_year

    def __call__(self, unit: Unit | None) -> str:
        year = self.year
        if unit is None or unit.level == Level.COUNTRY:
            return reverse("country") + (f"?year={year}" if year else "")
        head, tail = _page_path(self.urlconf, self.prefix, unit.level)
        url = f"{head}{quote(unit.code, safe=RFC3986_SUBDELIMS + '/~:@')}{tail}"  # quoted as reverse() does
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
