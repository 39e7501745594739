"""Writes to target documents: each in one transaction, each change written to the change log."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from communes.models import ChangeRecord
from targets.models import Target, TargetDocument

from .document_forms import TargetValues, fingerprint, stored_values

CHANNEL = "targets"
FIELDS = (("rate", "rate"), ("population", "planned_population"), ("enrolled", "planned_enrolled"))


class StaleTargets(Exception):
    """The targets changed since the grid was opened: nothing was saved."""


def record_value(field: str, value) -> int | None:
    """The change log keeps integers: rates in hundredths of a percent (96,05% → 9605)."""
    if value is None:
        return None
    return int(value * 100) if field == "rate" else int(value)


@transaction.atomic
def create_document(*, form, user) -> TargetDocument:
    document = form.save(commit=False)
    document.created_by = user
    document.save()
    return document


@transaction.atomic
def save_targets(
    *, document: TargetDocument, values: dict[tuple[int, int], TargetValues], opened: str, user, note: str = ""
) -> int:
    """Make the document's targets equal to `values` ((unit id, year) → rate and plan); a target
    the grid left empty is removed. Refused whole (StaleTargets) when someone changed the
    targets since the grid was opened. Returns the number of changed figures."""
    TargetDocument.objects.select_for_update().get(pk=document.pk)
    stored = stored_values(document)
    if opened != fingerprint(stored):
        raise StaleTargets()
    existing = {(t.unit_id, t.year): t for t in document.targets.all()}
    records, changed, created, now = [], [], [], timezone.now()
    for key in sorted(set(stored) | set(values)):
        old, new = stored.get(key, TargetValues(None, None, None)), values.get(key, TargetValues(None, None, None))
        if old == new:
            continue
        unit_id, year = key
        records += [
            ChangeRecord(
                unit_id=unit_id,
                period=dt.date(year, 1, 1),
                field=f"target_{name}",
                old_value=record_value(name, getattr(old, name)),
                new_value=record_value(name, getattr(new, name)),
                note=note[:500] or str(document)[:500],
                channel=CHANNEL,
                user=user,
            )
            for name, _ in FIELDS
            if getattr(old, name) != getattr(new, name)
        ]
        target = existing.get(key)
        if new.empty:
            target.delete()
        elif target is None:
            created.append(
                Target(
                    document=document,
                    unit_id=unit_id,
                    year=year,
                    rate=new.rate,
                    planned_population=new.population,
                    planned_enrolled=new.enrolled,
                )
            )
        else:
            target.rate, target.planned_population, target.planned_enrolled = new.rate, new.population, new.enrolled
            target.updated_at = now  # bulk_update does not fire auto_now
            changed.append(target)
    Target.objects.bulk_create(created)
    Target.objects.bulk_update(changed, ["rate", "planned_population", "planned_enrolled", "updated_at"])
    ChangeRecord.objects.bulk_create(records)
    if records:  # a removed target too: the document is what a sync client reads again
        TargetDocument.objects.filter(pk=document.pk).mark_changed()
    return len(records)
