"""Load a national list of units (provinces and communes) that takes effect on a date.

The list says what exists from that date; the database keeps what existed before. A unit of the
list that is already in force under the same code, name, kind and province record is left alone; a
new one is created valid from the date; a unit in force that the list no longer names is closed the
day before. Nothing is deleted, so every figure and target of an ended unit stays where it was.

A code that reappears with another name or kind, or a commune listed under another province, is
closed and opened again under the same code, and the succession old → new (whole) is written: the
list names the unit by its code, so the new record carries the old one on (its lineage, the ended
page's link to it, the move of assignments). The province is compared by its code, as the file
identifies it, so a commune that only changed province *record* (its province was renamed) is not
reported as moved.

Why such a commune is reopened too rather than kept and re-attached to the renamed province: a unit
has one parent for its whole life, and a province's pages and the monthly roll-up of every year
read its communes through that parent. Re-attaching would move 2021–2026 figures from the province
as it was then named to the new record, and the old province's pages would go empty; a closed and
an opened record with a whole succession keep each period where it was, and lineage joins them.
Successions other than these (merges, splits) are not in a list: an ended unit is only reported.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Level, Unit, UnitSuccession
from .names import nfc

COLUMNS = ("level", "code", "name", "type", "province_code")
LEVELS = (Level.PROVINCE, Level.COMMUNE)
RENAMED, RETYPED, MOVED, FOLLOWED = "đổi tên", "đổi loại", "chuyển tỉnh", "theo tỉnh đổi tên hoặc loại"
LEVEL_WORD = {Level.PROVINCE: "tỉnh", Level.DISTRICT: "huyện", Level.COMMUNE: "xã"}
SHOWN = 50


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


@dataclass(frozen=True)
class Change:
    """A unit in force that the list names differently: `old` closed and `new` opened (or, for a
    correction of a list loaded the same day, `new` is `old` corrected in place)."""

    old: Unit
    new: Unit
    what: tuple[str, ...]
    old_full_name: str
    old_province: str

    def describe(self) -> str:
        """What happened, in the words of the report and of the succession's note."""
        parts = []
        if RENAMED in self.what or RETYPED in self.what:
            parts.append(f"{self.old_full_name} → {self.new.full_name}")
        if MOVED in self.what or FOLLOWED in self.what:
            parts.append(f"{self.old_province} → {_province_name(self.new)}")
        return f"{', '.join(self.what)}: {'; '.join(parts)}"

    def line(self) -> str:
        return f"  ~ {LEVEL_WORD.get(self.old.level, '')} {self.old.code} {self.old_full_name}: {self.describe()}"


@dataclass
class UnitListReport:
    effective: dt.date
    unchanged: int = 0
    created: list[Unit] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    ended: list[Unit] = field(default_factory=list)
    successions: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.changes or self.ended)

    def count(self, what: str) -> int:
        """Units whose change includes `what` (a commune renamed under a renamed province counts
        as renamed only: it follows its province without saying so)."""
        return sum(1 for c in self.changes if what in c.what)

    def lines(self) -> list[str]:
        day_before = f"{self.effective - dt.timedelta(days=1):%d/%m/%Y}"
        out = [
            f"Danh mục có hiệu lực từ {self.effective:%d/%m/%Y}: {_n(self.unchanged)} đơn vị không đổi, "
            f"{_n(len(self.created))} mới, {_n(self.count(RENAMED))} đổi tên, {_n(self.count(RETYPED))} đổi loại, "
            f"{_n(self.count(MOVED))} chuyển tỉnh, {_n(self.count(FOLLOWED))} xã theo tỉnh đổi tên hoặc loại, "
            f"{_n(len(self.ended))} giải thể hoặc sáp nhập (hiệu lực đến {day_before}); "
            f"{_n(self.successions)} quan hệ kế thừa được ghi."
        ]
        out += [f"  + {LEVEL_WORD[u.level]} {u.code} {u.full_name}: mới" for u in self.created[:SHOWN]]
        out += [change.line() for change in self.changes[:SHOWN]]
        out += [
            f"  − {LEVEL_WORD.get(u.level, '')} {u.code} {u.full_name}: giải thể hoặc sáp nhập (đến {day_before})"
            for u in self.ended[:SHOWN]
        ]
        hidden = sum(max(len(items) - SHOWN, 0) for items in (self.created, self.changes, self.ended))
        if hidden:
            out.append(f"  … và {_n(hidden)} thay đổi khác.")
        return out


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


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
    units_in_force = Unit.objects.in_force(effective).exclude(level=Level.COUNTRY).select_related("parent__parent")
    in_force = {(u.level, u.code): u for u in units_in_force}
    provinces = _apply(
        [u for u in units if u.level == Level.PROVINCE],
        in_force,
        parents={},
        effective=effective,
        source=source,
        report=report,
    )
    _apply(
        [u for u in units if u.level == Level.COMMUNE],
        in_force,
        parents=provinces,
        effective=effective,
        source=source,
        report=report,
    )
    listed = {(u.level, u.code) for u in units}
    # Districts too: the list names none, so any still in force ended when it took effect.
    ended = [u for key, u in in_force.items() if key not in listed and (u.valid_from or dt.date.min) < effective]
    _close(ended, day_before)
    report.ended = sorted(ended, key=lambda u: (u.level, u.code))
    return report


def _apply(units, in_force, *, parents, effective, source, report) -> dict[str, Unit]:
    """Create, correct or reopen the listed units of one level; returns code → the unit in force."""
    result, fresh, reopened = {}, [], []
    for listed in units:
        current = in_force.get((listed.level, listed.code))
        parent = parents.get(listed.province_code) if listed.level == Level.COMMUNE else None
        if current is None:
            fresh.append(_new_unit(listed, parent, effective=effective, source=source))
            continue
        what = _differences(current, listed, parent)
        if not what:
            report.unchanged += 1
            result[listed.code] = current
            continue
        old_full_name, old_province = current.full_name, _province_name(current)
        if current.valid_from == effective:  # a correction of this very list: no history to keep
            current.kind, current.name, current.parent = listed.kind, listed.name, parent
            # updated_at named too: with update_fields, save() writes auto_now only when it is listed.
            current.save(update_fields=["kind", "name", "parent", "updated_at"])
            report.changes.append(Change(current, current, what, old_full_name, old_province))
            result[listed.code] = current
            continue
        new = _new_unit(listed, parent, effective=effective, source=source)
        reopened.append(Change(current, new, what, old_full_name, old_province))
    # Closed first: a code has one open record at a time (unit_code_once_in_force).
    _close([change.old for change in reopened], effective - dt.timedelta(days=1))
    Unit.objects.bulk_create([*fresh, *(change.new for change in reopened)], batch_size=500)
    UnitSuccession.objects.bulk_create(
        [
            UnitSuccession(
                predecessor=change.old,
                successor=change.new,
                effective_on=effective,
                whole=True,
                note=f"{change.describe()} (danh mục từ {effective:%d/%m/%Y})"[:300],
            )
            for change in reopened
        ],
        batch_size=500,
    )
    report.created += fresh
    report.changes += reopened
    report.successions += len(reopened)
    for unit in [*fresh, *(change.new for change in reopened)]:
        result[unit.code] = unit
    return result


def _new_unit(listed: ListedUnit, parent: Unit | None, *, effective: dt.date, source: str) -> Unit:
    return Unit(
        level=listed.level,
        code=listed.code,
        kind=listed.kind,
        name=listed.name,
        parent=parent,
        valid_from=effective,
        source=source,
    )


def _differences(current: Unit, listed: ListedUnit, parent: Unit | None) -> tuple[str, ...]:
    """What changed between the unit in force and its line of the list; empty: nothing."""
    what = []
    if current.name != listed.name:
        what.append(RENAMED)
    if current.kind != listed.kind:
        what.append(RETYPED)
    if listed.level == Level.COMMUNE:
        province = _province(current)
        if province is None or province.code != listed.province_code:
            what.append(MOVED)
        elif current.parent_id != getattr(parent, "pk", None) and not what:
            # Same province code, another record: the province was renamed or retyped. (A commune
            # renamed as well is reopened under the new record all the same, reported as renamed.)
            what.append(FOLLOWED)
    return tuple(what)


def _province(unit: Unit) -> Unit | None:
    parent = unit.parent
    if parent is not None and parent.level == Level.DISTRICT:
        return parent.parent
    return parent


def _province_name(unit: Unit) -> str:
    province = _province(unit)
    return province.full_name if province else ""


def _close(units: list[Unit], day_before: dt.date) -> None:
    keys, now = [u.pk for u in units], timezone.now()
    for start in range(0, len(keys), 500):
        # update() does not fire auto_now: dated here, or a client syncing units would miss the end.
        Unit.objects.filter(pk__in=keys[start : start + 500]).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day_before)
        ).update(valid_to=day_before, updated_at=now)
    for unit in units:
        unit.valid_to = day_before
