"""Load a national list of units (provinces and communes) that takes effect on a date.

The list says what exists from that date; the database keeps what existed before. A unit of the
list that is already in force under the same code, name, kind and province is left alone; a new
one is created valid from the date; a unit in force that the list no longer names is closed the
day before. Nothing is deleted, so every figure and target of an ended unit stays where it was.

A code that reappears with another name or kind is a new unit (a merged unit reuses one of its
predecessors' codes): the old record is closed and a new one opened. No succession is recorded,
since the list does not say which units merged; the commune page says predecessors are unknown.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from .models import Level, Unit
from .names import nfc

COLUMNS = ("level", "code", "name", "type", "province_code")
LEVELS = (Level.PROVINCE, Level.COMMUNE)


class UnitListError(ValueError):
    """The file cannot be loaded as it is; nothing was changed."""


@dataclass(frozen=True)
class ListedUnit:
    level: str
    code: str
    kind: str
    name: str
    province_code: str

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass
class UnitListReport:
    effective: dt.date
    unchanged: int = 0
    created: list[ListedUnit] = field(default_factory=list)
    renamed: list[tuple[Unit, ListedUnit]] = field(default_factory=list)
    moved: list[tuple[Unit, ListedUnit]] = field(default_factory=list)
    ended: list[Unit] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.moved or self.ended)

    def lines(self) -> list[str]:
        day = f"{self.effective:%d/%m/%Y}"
        out = [
            f"Danh mục có hiệu lực từ {day}: {self.unchanged} đơn vị không đổi, {len(self.created)} đơn vị mới, "
            f"{len(self.renamed)} đổi tên hoặc loại, {len(self.moved)} đổi tỉnh, {len(self.ended)} chấm dứt."
        ]
        out += [f"  + {u.level} {u.code} {u.full_name}" for u in self.created[:50]]
        out += [f"  ~ {old.level} {old.code} {old.full_name} → {new.full_name}" for old, new in self.renamed[:50]]
        out += [
            f"  → {old.level} {old.code} {old.full_name}: sang tỉnh mã {new.province_code}"
            for old, new in self.moved[:50]
        ]
        out += [
            f"  − {u.level} {u.code} {u.full_name} (đến {self.effective - dt.timedelta(days=1):%d/%m/%Y})"
            for u in self.ended[:50]
        ]
        shown = (
            min(len(self.created), 50)
            + min(len(self.renamed), 50)
            + min(len(self.moved), 50)
            + min(len(self.ended), 50)
        )
        hidden = len(self.created) + len(self.renamed) + len(self.moved) + len(self.ended) - shown
        if hidden > 0:
            out.append(f"  … và {hidden} thay đổi khác.")
        return out


def read_unit_list(path: Path) -> list[ListedUnit]:
    """The file's rows, checked whole before anything is written."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise UnitListError(f"{path.name}: thiếu cột {', '.join(missing)}.")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UnitListError(f"{path}: không đọc được tệp ({error}).") from error
    units, seen, problems = [], set(), []
    for line, row in enumerate(rows, start=2):
        listed = ListedUnit(
            level=row["level"].strip(),
            code=row["code"].strip(),
            kind=nfc(row["type"]),
            name=nfc(row["name"]),
            province_code=row["province_code"].strip(),
        )
        if listed.level not in LEVELS:
            problems.append(f"dòng {line}: cấp “{listed.level}” không hợp lệ (province hoặc commune)")
        elif not listed.code.isascii() or not listed.code.isdigit() or not listed.name or not listed.kind:
            problems.append(f"dòng {line}: thiếu mã, tên hoặc loại đơn vị")
        elif (listed.level, listed.code) in seen:
            problems.append(f"dòng {line}: mã {listed.code} lặp lại")
        elif listed.level == Level.COMMUNE and not listed.province_code:
            problems.append(f"dòng {line}: xã {listed.code} không có mã tỉnh")
        seen.add((listed.level, listed.code))
        units.append(listed)
    provinces = {u.code for u in units if u.level == Level.PROVINCE}
    problems += [
        f"xã {u.code}: không có tỉnh mã {u.province_code} trong danh mục"
        for u in units
        if u.level == Level.COMMUNE and u.province_code not in provinces
    ]
    if problems:
        raise UnitListError(f"{path.name}: " + "; ".join(problems[:20]) + ("; …" if len(problems) > 20 else ""))
    return units


@transaction.atomic
def load_unit_list(units: list[ListedUnit], *, effective: dt.date, source: str) -> UnitListReport:
    """Bring the units in force from `effective` in line with the list (idempotent)."""
    report = UnitListReport(effective=effective)
    day_before = effective - dt.timedelta(days=1)
    units_in_force = Unit.objects.in_force(effective).exclude(level=Level.COUNTRY).select_related("parent")
    in_force = {(u.level, u.code): u for u in units_in_force}
    provinces = _apply(
        [u for u in units if u.level == Level.PROVINCE],
        in_force,
        parents={},
        effective=effective,
        day_before=day_before,
        source=source,
        report=report,
    )
    _apply(
        [u for u in units if u.level == Level.COMMUNE],
        in_force,
        parents=provinces,
        effective=effective,
        day_before=day_before,
        source=source,
        report=report,
    )
    listed = {(u.level, u.code) for u in units}
    # Districts too: the list names none, so any still in force ended when it took effect.
    ended = [u for key, u in in_force.items() if key not in listed and (u.valid_from or dt.date.min) < effective]
    _close(ended, day_before)
    report.ended = sorted(ended, key=lambda u: (u.level, u.code))
    return report


def _apply(units, in_force, *, parents, effective, day_before, source, report) -> dict[str, Unit]:
    """Create or re-open the listed units of one level; returns code → the unit in force."""
    result, new = {}, []
    for listed in units:
        current = in_force.get((listed.level, listed.code))
        parent = parents.get(listed.province_code) if listed.level == Level.COMMUNE else None
        if current is not None and _same(current, listed, parent):
            report.unchanged += 1
            result[listed.code] = current
            continue
        if current is not None:
            if current.valid_from == effective:  # a correction of this very list: no history to keep
                current.kind, current.name, current.parent = listed.kind, listed.name, parent
                current.save(update_fields=["kind", "name", "parent"])
                result[listed.code] = current
                (report.renamed if current.parent_id == getattr(parent, "pk", None) else report.moved).append(
                    (current, listed)
                )
                continue
            moved = current.kind == listed.kind and current.name == listed.name
            (report.moved if moved else report.renamed).append((current, listed))
            _close([current], day_before)
        else:
            report.created.append(listed)
        new.append(
            Unit(
                level=listed.level,
                code=listed.code,
                kind=listed.kind,
                name=listed.name,
                parent=parent,
                valid_from=effective,
                source=source,
            )
        )
    for unit in Unit.objects.bulk_create(new, batch_size=500):
        result[unit.code] = unit
    return result


def _same(current: Unit, listed: ListedUnit, parent: Unit | None) -> bool:
    if current.kind != listed.kind or current.name != listed.name:
        return False
    return listed.level == Level.PROVINCE or (parent is not None and current.parent_id == parent.pk)


def _close(units: list[Unit], day_before: dt.date) -> None:
    keys = [u.pk for u in units]
    for start in range(0, len(keys), 500):
        Unit.objects.filter(pk__in=keys[start : start + 500]).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day_before)
        ).update(valid_to=day_before)
    for unit in units:
        unit.valid_to = day_before
