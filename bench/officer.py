"""An officer's save of the entry grid, as the load test's users make it (standard library only).

The grid names each commune's enrolled cell `<commune code>-enrolled` (entry/grid.py). Each save
types new counts into a few communes' cells, a little above the count first seen there (never a
drop that asks for confirmation, never above the population), and posts every other field back as
the page gave it. What the officer expects to be stored afterwards is every enrolled cell of the
form: the typed ones, and the others as posted.
"""

from dataclasses import dataclass, field

from .forms import Form

ENROLLED_SUFFIX = "-enrolled"
CHANGED_PER_SAVE = 3
SPREAD = 5  # typed counts are 1..SPREAD above the first one seen


def parse_count(text: str) -> int | None:
    """46106, 46.106 and 46 106 as the grid accepts them; None for an empty or other cell."""
    digits = text.replace(".", "").replace(" ", "").replace("\u00a0", "")
    return int(digits) if digits.isascii() and digits.isdigit() else None


def enrolled_cells(form: Form) -> list[str]:
    return [
        item.name
        for item in form.fields
        if item.kind in ("text", "number", "tel") and item.name.endswith(ENROLLED_SUFFIX)
    ]


@dataclass
class OfficerSaves:
    """One officer's own province-month, saved again and again."""

    province: str
    month: str  # YYYY-MM
    first_seen: dict[str, int] = field(default_factory=dict)
    saves: int = 0

    @property
    def path(self) -> str:
        return f"/provinces/{self.province}/entry/{self.month}/"

    def edit(self, form: Form) -> tuple[dict[str, str], dict[str, int]]:
        """The cells to type into for this save, and every commune's count expected after it."""
        cells = enrolled_cells(form)
        current = form.values()
        for name in cells:
            value = parse_count(current.get(name, ""))
            if value is not None:
                self.first_seen.setdefault(name, value)
        typed = [name for name in cells if name in self.first_seen]
        if not typed:
            return {}, {}
        start = self.saves * CHANGED_PER_SAVE
        chosen = [typed[(start + i) % len(typed)] for i in range(min(CHANGED_PER_SAVE, len(typed)))]
        changes = {name: str(self.first_seen[name] + 1 + (self.saves + i) % SPREAD) for i, name in enumerate(chosen)}
        expected = {}
        for name in cells:
            value = parse_count(changes.get(name, current.get(name, "")))
            if value is not None:
                expected[name.removesuffix(ENROLLED_SUFFIX)] = value
        return changes, expected
