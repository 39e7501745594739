"""Matching the commune names a workbook or a paste writes to the units they mean: case,
diacritics, spacing and prefixes ignored, known aliases used, close spellings proposed, never taken."""

import difflib
import unicodedata
from collections.abc import Iterable

from communes.models import Unit, UnitAlias
from communes.names import _PREFIXES, fold, name_key
from targets.models import TargetDocument
from targets.units import document_units

PREFIX_WORDS = frozenset(p for p in _PREFIXES if not p.endswith("."))


def marked_key(text: str) -> str:
    """A name with its marks kept, case, spacing and prefix not: what tells Thanh An from Thạnh An."""
    words = unicodedata.normalize("NFC", text).lower().split()
    for size in (2, 1):
        if len(words) > size and fold(" ".join(words[:size])) in PREFIX_WORDS:
            words = words[size:]
            break
    return " ".join(words)


class Matcher:
    """Commune names to the document's units (or to the units given): by name key, then by known aliases."""

    def __init__(self, document: TargetDocument | None = None, *, units: Iterable[Unit] | None = None):
        if units is None:
            units = document_units(document).select_related("parent")
        self.units = {u.pk: u for u in units}
        self.keys: dict[str, set[int]] = {}
        for unit in self.units.values():
            self._add(name_key(unit.name), unit.pk)
            self._add(name_key(unit.full_name), unit.pk)
        for alias in UnitAlias.objects.filter(unit__among=self.units.keys()):
            self._add(alias.key, alias.unit_id)

    def _add(self, key: str, pk: int) -> None:
        if key:
            self.keys.setdefault(key, set()).add(pk)

    def match(self, name: str) -> int | None:
        found = self.keys.get(name_key(name), set())
        if len(found) == 1:
            return next(iter(found))
        # Two communes whose names differ only by their marks (Xã Thanh An, Xã Thạnh An in Hồ Chí
        # Minh City): a name written with its marks names one of them; one written without, neither.
        same = [pk for pk in found if marked_key(name) in self.marked(pk)]
        return same[0] if len(same) == 1 else None

    def marked(self, pk: int) -> set[str]:
        unit = self.units[pk]
        return {marked_key(unit.name), marked_key(unit.full_name)}

    def ambiguous(self) -> dict[str, list[int]]:
        """For the names that share a key: each spelling with its marks → the units spelt so. One
        unit (Thạnh An beside Thanh An) is named by that spelling; two (two communes called An Bình,
        in two districts of a province before the reform) are named by none, as `match` says."""
        spelt: dict[str, set[int]] = {}
        for pks in self.keys.values():
            if len(pks) > 1:
                for pk in pks:
                    for key in self.marked(pk):
                        spelt.setdefault(key, set()).add(pk)
        return {key: sorted(pks) for key, pks in spelt.items()}

    def proposals(self, name: str) -> list[int]:
        """Closest units first (never taken without the user's confirmation)."""
        close = difflib.get_close_matches(name_key(name), list(self.keys), n=6, cutoff=0.5)
        ordered: list[int] = []
        for key in close:
            for pk in sorted(self.keys[key]):
                if pk not in ordered:
                    ordered.append(pk)
        return ordered[:3]
