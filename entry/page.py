"""What the entry grid's page shows of a GridInput: its lines and cells, the problems listed above
it, and the data the page's scripts read (the rules, the communes' name keys, the draft's key)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.numbers import NumberError, parse_optional_count
from reports import coverage, formatting

from .agency import TOTAL_LABEL
from .grid import GridInput, field_name
from .matching import Matcher
from .rules import client_rules

COLUMN_LABELS = {
    "population": gettext_lazy("Dân số"),
    "population_source": gettext_lazy("Nguồn dân số mới"),
    "enrolled": gettext_lazy("Số người tham gia BHYT"),
    "note": gettext_lazy("Ghi chú"),
    "affected": gettext_lazy("Số người bị ảnh hưởng (05-CT/HU)"),
    "affected_pupils": gettext_lazy("Số học sinh bị ảnh hưởng"),
    "pupils": gettext_lazy("Học sinh đã tham gia lại"),
    "households": gettext_lazy("Tham gia lại theo hộ"),
    "groups": gettext_lazy("Tổng các nhóm"),
}


def column_label(key: str, groups) -> str:
    if key.startswith("g-"):
        names = {g.code: g.name for g in groups}
        return _("Nhóm: %(name)s") % {"name": names.get(key[2:], key[2:])}
    return str(COLUMN_LABELS.get(key, key))


def lines(grid: GridInput, groups, *, has_cohort: bool) -> list[dict]:
    # Each column's label is translated once for the grid, not once per cell (1.700 of them).
    labels = _Labels(groups)
    out = []
    for item in grid.rows:
        stored = item.stored
        cells = _cells(item, labels, has_cohort, stored)
        source = _source_cell(item, stored, labels)
        out.append(
            {
                "item": item,
                "cells": cells,
                "source": source,
                "rate": coverage.coverage_rate(
                    enrolled=_int(item.raw.get("enrolled")), population=_int(item.raw.get("population"))
                ),
                "previous_rate": _previous_rate(item.row),
                "previous_hint": _previous_hint(item.row),
                "messages": _row_messages(item, cells, source, labels),
                "was": _was(item, stored),
                "expanded": bool(item.raw.get("population_source")) or "population_source" in item.errors,
            }
        )
    return out


class _Labels(dict):
    """Column key → its label, each translated on first use."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def __missing__(self, key: str) -> str:
        self[key] = label = column_label(key, self.groups)
        return label


def _cells(item, labels: _Labels, has_cohort: bool, stored: dict[str, str]) -> list[dict]:
    """The row's inputs in grid order; `col` is the column the keyboard and paste move along."""
    row, groups = item.row, labels.groups
    previous = row.previous_progress
    spec = [("population", _population_hint(row)), ("enrolled", "")]
    spec += [(f"g-{g.code}", formatting.fmt_int(row.previous_groups.get(g.code), empty="")) for g in groups]
    if has_cohort:
        spec += [("affected", ""), ("affected_pupils", "")]
        spec += [
            (k, formatting.fmt_int(getattr(previous, k) if previous else None, empty=""))
            for k in ("pupils", "households")
        ]
    spec += [("note", "")]
    return [_cell(item, key, col=col, hint=hint, labels=labels, stored=stored) for col, (key, hint) in enumerate(spec)]


def _source_cell(item, stored: dict[str, str], labels: _Labels) -> dict:
    """The new population's source has a column of its own beside the population, opened only while
    a new figure asks for it, so the line stays one line; it is off the keyboard grid (Tab reaches it)."""
    return _cell(item, "population_source", col=None, hint="", labels=labels, stored=stored)


def _cell(item, key: str, *, col: int | None, hint: str, labels: _Labels, stored: dict[str, str]) -> dict:
    value, text = item.raw.get(key, ""), key in ("note", "population_source")
    changed = key in item.raw and value != stored.get(key, "")
    if changed and not text and _int(value) is not None:  # 1700 typed over 1.700 is the same figure
        changed = _int(value) != _int(stored.get(key))
    return {
        "key": key,
        "name": field_name(item.row.unit.code, key),
        "col": col,
        "hint": hint,
        "column": labels[key],  # the input's label says the commune and this (grid_html.py)
        "present": key in item.raw,
        "value": value,
        "stored": stored.get(key, ""),
        "changed": changed,
        "text": text,
        "group": key.startswith("g-"),
        "cohort": key in ("affected", "affected_pupils", "pupils", "households"),
        "error": item.errors.get(key),
        "warning": item.warnings.get(key),
    }


def _row_messages(item, cells, source: dict, labels: _Labels) -> list[dict]:
    """The row's errors and warnings, shown beside its figures in the grid's order (the source's
    after the population's); each warning with the box that confirms it there."""
    out = []
    for cell in cells:
        for kind in ("error", "warning"):
            if cell[kind]:
                out.append(_message(item, cell["key"], kind, cell[kind], labels))
        if cell["key"] == "population" and source["error"]:
            out.append(_message(item, "population_source", "error", source["error"], labels))
    if item.warnings.get("groups"):
        out.append(_message(item, "groups", "warning", item.warnings["groups"], labels))
    return out


def _message(item, key: str, kind: str, text: str, labels: _Labels) -> dict:
    token = item.tokens.get(key, "") if kind == "warning" else ""
    return {
        "key": key,
        "kind": kind,
        "text": text,
        "column": labels[key],
        "anchor": field_name(item.row.unit.code, "enrolled" if key == "groups" else key),
        "token": token,
        "confirmed": bool(token) and token in item.confirmed,
        "confirm_name": field_name(item.row.unit.code, "confirm"),
    }


def _was(item, stored: dict[str, str]) -> str:
    """The stored enrolled figure when the grid shows another one (a workbook's, or one typed)."""
    value = item.raw.get("enrolled", "")
    if value == stored.get("enrolled", "") or _int(value) == _int(stored.get("enrolled")):
        return ""
    return stored.get("enrolled") or "–"


def problems(lines_: list[dict]) -> list[dict]:
    """Every error and warning of the grid, listed above it: 'Xã – ô – lỗi', each a link to its cell,
    so none is missed in a wide grid that scrolls sideways."""
    return [
        {
            "unit": line["item"].row.unit.full_name,
            "column": m["column"],
            "message": m["text"],
            "kind": m["kind"],
            "anchor": m["anchor"],
        }
        for line in lines_
        for m in line["messages"]
    ]


def client_data(*, area, month, rows, user) -> dict:
    """What entry.js reads from the page's JSON block: the rules, the communes' name keys (the
    importer's matcher's, so a pasted name matches as an imported one does: each key and each
    spelling with its marks to the codes of every commune it may name), the draft's key."""
    matcher = Matcher(units=[row.unit for row in rows])
    codes = {pk: unit.code for pk, unit in matcher.units.items()}
    return {
        "rules": client_rules(),
        "names": {key: sorted(codes[pk] for pk in pks) for key, pks in matcher.keys.items()},
        "marked": {key: sorted(codes[pk] for pk in pks) for key, pks in matcher.ambiguous().items()},
        # The user's drafts are removed on logout by this prefix (templates/base.html, session.js).
        "draft": f"bhyt-entry-draft:{user.pk}:{area.level}:{area.code}:{month:%Y-%m}",
        "labels": {"groups": column_label("groups", [])},
        "totals": TOTAL_LABEL.pattern,
    }


def _population_hint(row) -> str:
    population = row.population
    if population is None:
        return ""
    return f"{population.year}" + (f" · {population.source}" if population.source else "")


def _previous_hint(row) -> str:
    previous = row.previous
    if not previous:
        return ""
    # "T" is Vietnamese for month (tháng): the English page writes the month alone.
    return _("T%(month)s: %(enrolled)s") % {
        "month": f"{previous.month:%m/%Y}",
        "enrolled": formatting.fmt_int(previous.enrolled),
    }


def _int(text) -> int | None:
    try:
        return parse_optional_count(text)
    except NumberError:
        return None


def _previous_rate(row):
    if not row.previous or not row.previous_population:
        return None
    return coverage.coverage_rate(enrolled=row.previous.enrolled, population=row.previous_population.population)
