"""The monthly roll-up per parent unit (`MonthlyRollup`): kept exact by the writes themselves.

A count contributes (enrolled, its unit's population of the count's year, 1, 1 if synthetic) to
its unit's parent and month when that population exists, and nothing otherwise: the sums
`reports.series.monthly_sums` computes over the parent's children. Database triggers on the counts,
the populations and the units apply the change of contributions a statement makes, inside the
writing transaction, whoever writes (the entry grid, an import, the admin, raw SQL, a COPY): an
inserted count adds its contribution, a deleted one subtracts it, an updated one does both; a
population added, changed or removed adds or subtracts the contributions of its unit's counts of
that year; a unit moved to another parent takes its contributions from one to the other. Reads
only read, and a save shows on the very next page.

Deltas, not recomputation: a grid save of 40 communes touches one roll-up row, and concurrent
writers of different parents never meet. On PostgreSQL the triggers are statement-level with
transition tables, so a bulk load is summed per (parent, month) before a single upsert; why
concurrent writers stay exact and how deadlocks are avoided is told beside the SQL
(communes/rollup_triggers.py). SQLite has row-level triggers only, and one writer at a time.

`rebuild()` recomputes rows from the counts (after a restore made without triggers, a load with
triggers disabled, or to repair); `check()` lists where the roll-up and the counts differ.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from . import rollup_triggers as sql
from .models import Enrollment, MonthlyRollup

# Parents per statement when some are named: under SQLite's oldest parameter limit (999).
_CHUNK = 500

Figures = tuple[int, int, int, int]  # enrolled, population, reported, synthetic


@dataclass(frozen=True)
class Difference:
    """A (parent, month) where the roll-up does not hold what the counts add up to; None: no row."""

    parent_id: int
    month: dt.date
    stored: Figures | None
    counted: Figures | None


def rebuild(parent_ids: Iterable[int] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the roll-up's rows of these parents (all when None) from the counts; returns the
    number of rows written. Writers wait meanwhile (readers do not): a count committed between the
    delete and the insert would otherwise be added twice or not at all."""
    connection = connections[using]
    written = 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # SHARE ROW EXCLUSIVE: no writer (ROW EXCLUSIVE) and no other rebuild, readers go on.
            cursor.execute(
                "LOCK TABLE communes_enrollment, communes_population, communes_unit, "
                f"{sql.ROLLUP} IN SHARE ROW EXCLUSIVE MODE"
            )
        for chunk in _parents_in_chunks(parent_ids):
            stored = MonthlyRollup.objects.using(using)
            (stored if chunk is None else stored.filter(parent_id__in=chunk)).delete()
            query = _counted(chunk, using=using)
            select, params = query.query.get_compiler(using=using).as_sql()
            # The SELECT's columns come in the order of `_counted`'s values() then annotate().
            cursor.execute(f"INSERT INTO {sql.ROLLUP} ({sql.COLUMNS}) SELECT * FROM ({select}) counted", params)
            written += cursor.rowcount
    return written


def check(parent_ids: Iterable[int] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> list[Difference]:
    """Every (parent, month) whose roll-up row differs from the counts added up now (none when
    the roll-up is exact), ordered by parent and month."""
    differences = []
    for chunk in _parents_in_chunks(parent_ids):
        rows = MonthlyRollup.objects.using(using)
        rows = rows if chunk is None else rows.filter(parent_id__in=chunk)
        stored = {
            (parent, month): tuple(figures)
            for parent, month, *figures in rows.values_list(
                "parent_id", "month", "enrolled", "population", "reported", "synthetic"
            )
        }
        counted = {
            (parent, month): tuple(figures)
            for parent, month, *figures in _counted(chunk, using=using).values_list(
                "unit__parent", "month", "enrolled_sum", "population_sum", "reported", "synthetic"
            )
        }
        for parent, month in stored.keys() | counted.keys():
            held, due = stored.get((parent, month)), counted.get((parent, month))
            if held != due:
                differences.append(Difference(parent, month, held, due))
    return sorted(differences, key=lambda difference: (difference.parent_id, difference.month))


def _counted(parent_ids: list[int] | None, *, using: str):
    """The counts added up per parent and month, as `reports.series.monthly_sums` adds them."""
    counts = Enrollment.objects.using(using).filter(
        unit__parent__isnull=False, unit__populations__year=ExtractYear("month")
    )
    if parent_ids is not None:
        counts = counts.filter(unit__parent__in=parent_ids)
    return (
        counts.values("unit__parent", "month")
        .annotate(
            enrolled_sum=Sum("enrolled"),
            population_sum=Sum("unit__populations__population"),
            reported=Count("pk"),
            synthetic=Count("pk", filter=Q(is_synthetic=True)),
        )
        .order_by()
    )


def _parents_in_chunks(parent_ids: Iterable[int] | None) -> Iterator[list[int] | None]:
    if parent_ids is None:
        yield None
        return
    parents = iter(sorted(set(parent_ids)))
    while chunk := list(islice(parents, _CHUNK)):
        yield chunk


# --- installing the triggers --------------------------------------------------------------------


def ensure_triggers(connection) -> None:
    """(Re)create every trigger and function, in one transaction (no write may slip between)."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"roll-up triggers for {vendor}")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if vendor == "sqlite":
            remove_triggers(connection)  # SQLite has no CREATE OR REPLACE TRIGGER
        for statement in sql.postgresql_statements() if vendor == "postgresql" else sql.sqlite_statements():
            cursor.execute(statement)


def remove_triggers(connection) -> None:
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for trigger, table in sql.trigger_names(connection.vendor):
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            for function in sql.FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")


def expected_triggers(vendor: str) -> set[str]:
    """The trigger names a database of this vendor must have (SQLite has no TRUNCATE)."""
    return {name for name, _ in sql.trigger_names(vendor)}


def installed_triggers(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}
