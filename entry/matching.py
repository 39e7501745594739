"""Matching the commune names a workbook or a paste writes to the units they mean: case,
diacritics, spacing and prefixes ignored, known aliases used, close spellings proposed, never taken."""

import difflib

from communes.models import UnitAlias
from communes.names import name_key
from targets.models import TargetDocument
from targets.units import document_units


class Matcher:
    """Commune names to the document's units: by name key, then by known aliases."""

    def __init__(self, document: TargetDocument):
        self.units = {u.pk: u for u in document_units(document).select_related("parent")}
        self.keys: dict[str, set[int]] = {}
        for unit in self.units.values():
            self._add(name_key(unit.name), unit.pk)
            self._add(name_key(unit.full_name), unit.pk)
        for alias in UnitAlias.objects.filter(unit__in=self.units.keys()):
            self._add(alias.key, alias.unit_id)

    def _add(self, key: str, pk: int) -> None:
        if key:
            self.keys.setdefault(key, set()).add(pk)

    def match(self, name: str) -> int | None:
        found = self.keys.get(name_key(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def proposals(self, name: str) -> list[int]:
        """Closest units first (never taken without the user's confirmation)."""
        close = difflib.get_close_matches(name_key(name), list(self.keys), n=6, cutoff=0.5)
        ordered: list[int] = []
        for key in close:
            for pk in sorted(self.keys[key]):
                if pk not in ordered:
                    ordered.append(pk)
        return ordered[:3]
