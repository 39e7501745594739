"""The monthly entry grid: read the posted cells, validate them, and save the whole grid at once.

POST field names (one set per commune row, keyed by the commune's official code, which is unique
among the communes in force in one month):
    <code>-population, <code>-population_source, <code>-enrolled, <code>-note,
    <code>-g-<payer group code>, <code>-affected, <code>-affected_pupils, <code>-pupils,
    <code>-households, <code>-version (Enrollment.version as opened, 0 = none),
    <code>-pversion (CohortProgress.version as opened), <code>-confirm (one per warning the
    officer confirmed beside its cell: the warning's token, entry/rules.py); and for the page:
    opened (ISO time the form was rendered), workbook (the signed counts of an agency workbook the
    grid was filled from, entry/workbook_preview.py).
A cell left out of the POST keeps its stored value; one posted empty is empty.
The rules are in entry/rules.py; saving is in entry/save.py.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from communes.models import PayerGroup
from communes.numbers import whole_number
from reports import formatting

from .rows import Row
from .rules import COHORT_FIELDS, validate

__all__ = [
    "COHORT_FIELDS",
    "GridInput",
    "RowInput",
    "field_name",
    "initial_grid",
    "kept_grid",
    "read_grid",
]


def field_name(code: str, name: str) -> str:
    return f"{code}-{name}"


@dataclass
class RowInput:
    row: Row
    raw: dict[str, str]
    stored: dict[str, str] = field(default_factory=dict)  # the cells as stored, written as the form writes them
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # warning key -> what confirms exactly that warning
    confirmed: set[str] = field(default_factory=set)  # the tokens the officer ticked beside the cells
    version: int = 0
    progress_version: int = 0

    @property
    def unconfirmed(self) -> list[str]:
        return [key for key in self.warnings if self.tokens.get(key) not in self.confirmed]


@dataclass
class GridInput:
    rows: list[RowInput]
    opened: dt.datetime | None = None
    conflicts: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    @property
    def needs_confirmation(self) -> bool:
        """A warning nobody confirmed beside its cell: a confirmation names the figures it covers,
        so one given for 1.500 does not cover 1.400."""
        return any(r.unconfirmed for r in self.rows)


# -- what the form shows ---------------------------------------------------------------------
def initial_grid(*, rows: list[Row], groups: list[PayerGroup]) -> GridInput:
    return GridInput(rows=[_initial_row(row, groups) for row in rows], opened=timezone.now())


def _initial_row(row: Row, groups: list[PayerGroup]) -> RowInput:
    def text(value) -> str:
        return formatting.fmt_int(value, empty="")  # 46.106, as officers write it; parse_count reads it back

    raw = {
        "population": text(row.population.population if row.population else None),
        "population_source": "",
        "enrolled": text(row.enrollment.enrolled if row.enrollment else None),
        "note": row.enrollment.note if row.enrollment else "",
    }
    raw.update({f"g-{g.code}": text(row.groups.get(g.code)) for g in groups})
    if row.member:
        raw.update(affected=text(row.member.affected), affected_pupils=text(row.member.affected_pupils))
        raw.update(
            pupils=text(row.progress.pupils if row.progress else None),
            households=text(row.progress.households if row.progress else None),
        )
    return RowInput(row=row, raw=raw, stored=dict(raw), version=row.version, progress_version=row.progress_version)


# -- reading and validating a POST -------------------------------------------------------------
def read_grid(*, data, rows: list[Row], groups: list[PayerGroup], month: dt.date) -> GridInput:
    """Every editable row as typed, validated; rows the user may not change keep their stored values."""
    grid = GridInput(rows=[], opened=_parse_time(data.get("opened")))
    for row in rows:
        if not row.editable:
            grid.rows.append(_initial_row(row, groups))
            continue
        # A cell left out of the POST keeps its stored value (a script may post only what it
        # changes); a cell posted empty is empty.
        stored = _initial_row(row, groups).stored
        raw = {
            key: str(data[field_name(row.unit.code, key)]).strip()
            if field_name(row.unit.code, key) in data
            else stored[key]
            for key in stored
        }
        item = RowInput(
            row=row,
            raw=raw,
            stored=stored,
            version=_int(data.get(field_name(row.unit.code, "version"))),
            progress_version=_int(data.get(field_name(row.unit.code, "pversion"))),
            confirmed=set(_all(data, field_name(row.unit.code, "confirm"))),
        )
        validate(item, groups, month)
        grid.rows.append(item)
    return grid


def kept_grid(*, data, rows: list[Row], groups: list[PayerGroup]) -> GridInput:
    """What was typed, as posted and unjudged: shown back when the month closed while the officer
    typed, so nothing typed is lost though nothing can be saved."""
    grid = GridInput(rows=[], opened=_parse_time(data.get("opened")))
    for row in rows:
        stored = _initial_row(row, groups)
        stored.raw = {
            key: str(data.get(field_name(row.unit.code, key), value)).strip() for key, value in stored.raw.items()
        }
        grid.rows.append(stored)
    return grid


def _all(data, name: str) -> list[str]:
    return (
        [str(v) for v in data.getlist(name)] if hasattr(data, "getlist") else [str(data[name])] if name in data else []
    )


def _int(text) -> int:
    return whole_number(text) or 0


def _parse_time(text) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value if timezone.is_aware(value) else None
