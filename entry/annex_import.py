"""Bringing an annex workbook into a document: every change shown before one transaction writes
it, each changed figure logged, the names the officer confirmed learnt as aliases."""

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.bulk import update_in_bulk
from communes.models import ChangeRecord, Unit, UnitAlias
from communes.names import name_key
from targets.models import Comparison, FigureKind, ReportedFigure, Target, TargetDocument
from targets.units import document_units

from .annex_file import ImportRefused
from .annex_rows import FIELD_LABELS, Parsed, ParsedRow

SESSION_KEY = "excel_imports"
RESULT, PLAN = "result", "plan"


@dataclass(frozen=True)
class Change:
    kind: str  # result | plan | assigned
    unit_id: int
    unit_label: str
    year: int
    field: str  # population | enrolled | rate
    old: object
    new: object

    @property
    def field_label(self) -> str:
        return _(FIELD_LABELS[self.field])

    @property
    def kind_label(self) -> str:
        return {RESULT: _("Kết quả thực hiện"), PLAN: _("Kế hoạch"), "assigned": _("UBND tỉnh giao")}[self.kind]


@dataclass
class Unresolved:
    row: ParsedRow
    proposals: list[Unit]
    choice: int | None


@dataclass
class Preview:
    changes: list[Change]
    unresolved: list[Unresolved]
    errors: list[str]
    unchanged: int
    rows: int
    notes: list[str]
    units: list[Unit]
    fingerprint: str = ""

    @property
    def can_apply(self) -> bool:
        return not self.unresolved_open and not self.errors

    @property
    def unresolved_open(self) -> list[Unresolved]:
        return [u for u in self.unresolved if u.choice is None]


def _resolved_unit(row: ParsedRow, confirmed: dict[str, int]) -> int | None:
    return row.unit_id or confirmed.get(str(row.line))


def _stored(rows, fields: dict[str, str]) -> dict[tuple[int, int], dict]:
    """(unit, year) -> the stored values under the import's field names. Plain values, not model
    instances: a 500-commune plan holds some 2.000 rows, and building models was a fifth of a preview."""
    columns = list(fields.values())
    return {
        (unit_id, year): dict(zip(fields, values, strict=True))
        for unit_id, year, *values in rows.values_list("unit_id", "year", *columns)
    }


def _current(document: TargetDocument, unit_ids) -> tuple[dict, dict]:
    figures = _stored(
        ReportedFigure.objects.filter(document=document, kind=FigureKind.YEAR_RESULT, is_plan=False, unit__in=unit_ids),
        RESULT_FIELDS,
    )
    targets = _stored(Target.objects.filter(document=document), PLAN_FIELDS)
    return figures, targets


def _diff(stored: dict | None, new_values: dict) -> list[tuple[str, object, object]]:
    out = []
    for name in ("population", "enrolled", "rate"):
        old = stored[name] if stored is not None else None
        new = new_values[name]
        new = Decimal(new) if name == "rate" and new is not None else new
        if old != new:
            out.append((name, old, new))
    return out


RESULT_FIELDS = {"population": "population", "enrolled": "enrolled", "rate": "rate"}
PLAN_FIELDS = {"population": "planned_population", "enrolled": "planned_enrolled", "rate": "rate"}


def preview(*, document: TargetDocument, parsed: Parsed, confirmed: dict[str, int]) -> Preview:
    units = {u.pk: u for u in document_units(document)}
    unresolved, errors, seen = [], [], {}
    for row in parsed.rows:
        if row.unit_id is None:
            choice = confirmed.get(str(row.line))
            unresolved.append(
                Unresolved(row=row, proposals=[units[p] for p in row.proposals if p in units], choice=choice)
            )
        unit_id = _resolved_unit(row, confirmed)
        if unit_id is None:
            continue
        if unit_id in seen:
            errors.append(
                _("%(unit)s xuất hiện hai lần (dòng %(first)s và %(second)s).")
                % {"unit": units[unit_id].full_name, "first": seen[unit_id], "second": row.line}
            )
        seen[unit_id] = row.line
    figures, targets = _current(document, list(seen))
    changes: list[Change] = []
    unchanged = 0
    for row in parsed.rows:
        unit_id = _resolved_unit(row, confirmed)
        if unit_id is None:
            continue
        label = units[unit_id].full_name
        for key, values in sorted(row.figures.items(), key=lambda kv: (kv[0].split(":")[1], kv[0])):
            kind, year = key.split(":")
            year = int(year)
            found = _diff((figures if kind == RESULT else targets).get((unit_id, year)), values)
            unchanged += 3 - len(found)
            changes += [Change(kind, unit_id, label, year, name, old, new) for name, old, new in found]
    for year, rate in sorted(parsed.assigned.items()):
        target = targets.get((document.scope_id, int(year)))
        old = target["rate"] if target else None
        if old != Decimal(rate):
            changes.append(
                Change("assigned", document.scope_id, document.scope.full_name, int(year), "rate", old, Decimal(rate))
            )
        else:
            unchanged += 1
    result = Preview(
        changes=changes,
        unresolved=unresolved,
        errors=errors,
        unchanged=unchanged,
        rows=len(parsed.rows),
        notes=parsed.notes,
        units=sorted(units.values(), key=lambda u: name_key(u.name)),
    )
    result.fingerprint = fingerprint(changes, confirmed)
    return result


def fingerprint(changes: list[Change], confirmed: dict[str, int]) -> str:
    """What the user saw: applying refuses if the stored figures changed since the preview."""
    text = json.dumps(
        [[c.kind, c.unit_id, c.year, c.field, str(c.old), str(c.new)] for c in changes] + [sorted(confirmed.items())],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def read_confirmations(post, *, parsed: Parsed, document: TargetDocument) -> dict[str, int]:
    """The units the user chose for unknown names; only the document's communes are accepted."""
    from .forms import ImportChoicesForm  # the form judges the posted choices; this module applies them

    allowed = set(document_units(document).values_list("pk", flat=True))
    form = ImportChoicesForm(post, lines=[row.line for row in parsed.rows if row.unit_id is None], allowed=allowed)
    if not form.is_valid():
        raise ImportRefused([message for errors in form.errors.values() for message in errors])
    return form.confirmed


def _as_record_value(name: str, value) -> int | None:
    """ChangeRecord keeps integers: rates in hundredths of a percent (42,50% → 4250)."""
    if value is None:
        return None
    return int(Decimal(value) * 100) if name == "rate" else int(value)


@transaction.atomic
def apply(
    *, document: TargetDocument, parsed: Parsed, confirmed: dict[str, int], expected: str, user, filename: str
) -> int:
    """Write the previewed changes in one transaction and record each; returns how many."""
    TargetDocument.objects.select_for_update().get(pk=document.pk)  # one import per document at a time
    result = preview(document=document, parsed=parsed, confirmed=confirmed)
    if result.unresolved_open:
        raise ImportRefused(_("Còn tên xã chưa xác nhận: hãy chọn xã cho từng dòng được đánh dấu."))
    if result.errors:
        raise ImportRefused(result.errors)
    if result.fingerprint != expected:
        raise ImportRefused(_("Số liệu đã thay đổi kể từ lúc xem trước: hãy xem lại các thay đổi dưới đây."))
    rows = {_resolved_unit(r, confirmed): r for r in parsed.rows}
    note = _("Nhập Excel vào %(document)s – tệp %(file)s") % {"document": document, "file": filename[:200]}
    by_record: dict[tuple, list[Change]] = {}
    for change in result.changes:
        by_record.setdefault((change.kind, change.unit_id, change.year), []).append(change)
    writer = _ImportWriter(document, touched=by_record)
    records = []
    for (kind, unit_id, year), changes in by_record.items():
        new = {c.field: c.new for c in changes}
        row = rows.get(unit_id)
        if kind == RESULT:
            writer.result(unit_id, year, row, new)
        else:
            writer.target(unit_id, year, row, new, assigned=kind == "assigned")
        records += [
            ChangeRecord(
                unit_id=unit_id,
                period=dt.date(year, 1, 1),
                field=f"{kind}_{change.field}",
                old_value=_as_record_value(change.field, change.old),
                new_value=_as_record_value(change.field, change.new),
                note=note[:500],
                channel="import",
                user=user,
            )
            for change in changes
        ]
    writer.flush()
    ChangeRecord.objects.bulk_create(records)
    if by_record:  # its targets or printed results changed: a sync client reads the document again
        TargetDocument.objects.filter(pk=document.pk).mark_changed()
    _learn_aliases(parsed, confirmed, note)
    return len(result.changes)


def _learn_aliases(parsed: Parsed, confirmed: dict[str, int], note: str) -> None:
    """The user confirmed these spellings: the next import recognises them."""
    confirmed_rows = [(row, confirmed.get(str(row.line))) for row in parsed.rows if row.unit_id is None]
    confirmed_rows = [(row, unit_id) for row, unit_id in confirmed_rows if unit_id]
    known = set(UnitAlias.objects.filter(unit_id__in={u for _, u in confirmed_rows}).values_list("unit_id", "key"))
    aliases = {}
    for row, unit_id in confirmed_rows:
        name = row.name[:100]
        key = name_key(name)  # as UnitAlias.save() keys it: from the stored (cut) name
        if (unit_id, key) not in known:
            aliases[(unit_id, key)] = UnitAlias(unit_id=unit_id, name=name, source=note[:200], key=key)
    # ignore_conflicts: another import learning the same spelling at the same moment is no error.
    UnitAlias.objects.bulk_create(aliases.values(), ignore_conflicts=True)


class _Staged:
    """One kind of the document's rows, read once: those to create, and those changed (each once,
    for one bulk UPDATE)."""

    def __init__(self, rows, key):
        self.rows = {key(row): row for row in rows}
        self.new, self.changed = [], {}

    def get(self, key, make):
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = make()
            self.new.append(row)
        elif row.pk is not None:
            self.changed[row.pk] = row
        return row

    def write(self, model, fields) -> None:
        model.objects.bulk_create(self.new)
        update_in_bulk(self.changed.values(), sorted(set(fields)))


class _ImportWriter:
    """The document's year results and plan rows the changes touch, read once, changed in memory and
    written in a few bulk statements: 500 rows cost the queries of 5. Values were validated by the
    preview; each target's changed fields are checked again here and the database enforces its
    constraints."""

    def __init__(self, document: TargetDocument, *, touched):
        self.document = document
        # Only the touched units and years are read (a superset of the touched pairs): an import
        # changing one year of a 4-year plan does not build model objects for the other three.
        units = {unit_id for _, unit_id, _ in touched}
        years = {year for _, _, year in touched}
        results = ReportedFigure.objects.filter(
            document=document,
            kind=FigureKind.YEAR_RESULT,
            is_plan=False,
            unit__in=units,
            as_of__in=[dt.date(y, 12, 31) for y in years],
        )
        self.figures = _Staged(results, key=lambda f: (f.unit_id, f.as_of))
        targets = Target.objects.filter(document=document, unit__in=units, year__in=years)
        self.targets = _Staged(targets, key=lambda t: (t.unit_id, t.year))

    def result(self, unit_id: int, year: int, row: ParsedRow | None, new: dict) -> None:
        as_of = dt.date(year, 12, 31)
        figure = self.figures.get(
            (unit_id, as_of),
            lambda: ReportedFigure(
                document=self.document,
                unit_id=unit_id,
                kind=FigureKind.YEAR_RESULT,
                is_plan=False,
                as_of=as_of,
                year=year,
                printed_name=row.name[:100] if row else "",
                row_number=row.number if row else None,
            ),
        )
        for name, value in new.items():
            setattr(figure, RESULT_FIELDS[name], value)

    def target(self, unit_id: int, year: int, row: ParsedRow | None, new: dict, *, assigned: bool) -> None:
        target = self.targets.get(
            (unit_id, year),
            lambda: Target(
                document=self.document,
                unit_id=unit_id,
                year=year,
                comparison=Comparison.AT_LEAST,
                wording="UBND tỉnh giao" if assigned else "",
                printed_name="" if assigned or row is None else row.name[:100],
                row_number=None if row is None else row.number,
            ),
        )
        for name, value in new.items():
            setattr(target, PLAN_FIELDS[name], value)
        if target.pk is None:
            target.clean_fields(exclude=["document", "unit"])
        else:  # the other fields are as stored: checking them again for 1.000 rows cost a tenth of an apply
            changed = {PLAN_FIELDS[name] for name in new}
            target.clean_fields(exclude=[f.name for f in Target._meta.fields if f.name not in changed])
        target.clean()

    def flush(self) -> None:
        self.figures.write(ReportedFigure, RESULT_FIELDS.values())
        now = timezone.now()
        for target in self.targets.changed.values():
            target.updated_at = now  # a bulk UPDATE does not fire auto_now (new rows get it on insert)
        self.targets.write(Target, [*PLAN_FIELDS.values(), "updated_at"])


# -- between requests ---------------------------------------------------------------------------


@dataclass
class Pending:
    parsed: Parsed
    confirmed: dict[str, int]
    filename: str


def keep_pending(session, *, document: TargetDocument, parsed: Parsed, filename: str) -> str:
    """Keep the parsed rows server-side (in the session), under a random token: the browser holds
    only the token, so nothing it posts back can alter the figures."""
    token = secrets.token_urlsafe(16)
    imports = {k: v for k, v in session.get(SESSION_KEY, {}).items() if v["document"] != document.pk}
    imports[token] = {
        "document": document.pk,
        "filename": filename[:200],
        "parsed": parsed.to_session(),
        "confirmed": {},
    }
    session[SESSION_KEY] = dict(list(imports.items())[-3:])
    return token


def pending(session, *, token: str, document: TargetDocument) -> Pending | None:
    entry = session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["document"] != document.pk:
        return None
    return Pending(
        parsed=Parsed.from_session(entry["parsed"]), confirmed=entry["confirmed"], filename=entry["filename"]
    )


def store_confirmations(session, *, token: str, confirmed: dict[str, int]) -> None:
    imports = session.get(SESSION_KEY, {})
    if token in imports:
        imports[token]["confirmed"] = confirmed
        session[SESSION_KEY] = imports


def forget_pending(session, *, token: str) -> None:
    imports = session.get(SESSION_KEY, {})
    imports.pop(token, None)
    session[SESSION_KEY] = imports
