"""The monthly roll-up per parent unit (`MonthlyRollup`): how it is kept exact.

Writes never touch the roll-up themselves. Triggers on the enrolled counts, the populations and
the units' parents (installed by migration 0004 and again after every migrate: SQL below) append
what they changed to `RollupPending`, inside the writing transaction: every writer is covered, the
entry grid as much as an import, the admin, a bulk COPY or a restore. Readers call `refresh()`
first: it recomputes the pending (parent, year) pairs from the counts and removes exactly the
pending rows it read, so a write committed during a refresh stays pending for the next reader.

A changed count is noted by its unit, not its parent: its parent is read when the roll-up is
refreshed. A commune moved to another district while a count of it is being written would
otherwise leave the count noted under the old district, after both districts were recomputed
without it.
"""

import datetime as dt
from collections import defaultdict
from itertools import islice

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from .models import Enrollment, MonthlyRollup, RollupPending, Unit

ALL_YEARS = 0
# pg_advisory_xact_lock key: one refresh at a time, or two would insert the same (parent, month).
_REFRESH_LOCK = 2021_0701
# Rows per statement when a refresh reads or deletes by key: under SQLite's parameter limit.
_CHUNK = 5_000


def refresh() -> int:
    """Recompute every pending (parent, year); returns how many pairs were recomputed. One cheap
    query when nothing is pending (the usual case on a page read)."""
    if not RollupPending.objects.exists():
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
        pending = list(RollupPending.objects.values_list("pk", "unit_id", "parent_id", "year"))
        if not pending:  # another refresh did it while this one waited for the lock
            return 0
        scope = _pending_scope(pending)
        for condition in _months_of(scope, "parent_id", "month"):
            MonthlyRollup.objects.filter(condition).delete()
        for condition in _months_of(scope, "unit__parent", "month"):
            MonthlyRollup.objects.bulk_create(_recomputed(condition), batch_size=_CHUNK)
        _forget([pk for pk, *_ in pending])
    return sum(len(parents) for parents in scope.values())


def _forget(read: list[int]) -> None:
    """Remove the pending rows this refresh read, and only those."""
    if connection.vendor == "sqlite":
        # The transaction began IMMEDIATE (settings): it has held the write lock since it read the
        # rows, so none was added since; one statement whatever their number (SQLite's row-level
        # triggers note every written row).
        RollupPending.objects.filter(pk__lte=max(read)).delete()
        return
    # PostgreSQL: a writer may have committed a row meanwhile, with a lower key than some read.
    for keys in _chunks(read):
        RollupPending.objects.filter(pk__in=keys).delete()


def _chunks(values: list, size: int | None = None):
    # SQLite before 3.32 (which Django 5.2 supports) takes 999 parameters per statement.
    size = size or _chunk_limit()
    values = iter(values)
    while chunk := list(islice(values, size)):
        yield chunk


def _chunk_limit() -> int:
    return min(_CHUNK, 900) if connection.vendor == "sqlite" else _CHUNK


def _pending_scope(pending: list[tuple]) -> dict[int, set[int]]:
    """year → parents to recompute; ALL_YEARS → parents to recompute entirely. A year no month can
    fall in (a population typed for year 20210) has nothing to recompute."""
    units = {unit for _, unit, _, _ in pending if unit is not None}
    parent_of = {}
    for keys in _chunks(sorted(units)):
        parent_of.update(Unit.objects.filter(pk__in=keys).values_list("pk", "parent_id"))
    pairs = {(parent if unit is None else parent_of.get(unit), year) for _, unit, parent, year in pending}
    whole = {parent for parent, year in pairs if year == ALL_YEARS}
    scope: dict[int, set[int]] = defaultdict(set)
    for parent, year in pairs:
        if parent is None or (year != ALL_YEARS and (parent in whole or not dt.MINYEAR <= year <= dt.MAXYEAR)):
            continue
        scope[year].add(parent)
    return scope


def _months_of(scope: dict[int, set[int]], parent_field: str, month_field: str):
    """The pending months as conditions, each one statement's worth (up to _CHUNK parents)."""
    terms = [(year, chunk) for year, parents in sorted(scope.items()) for chunk in _chunks(sorted(parents))]
    condition, size = Q(pk__in=[]), 0
    for year, parents in terms:
        part = Q(**{f"{parent_field}__in": parents})
        if year != ALL_YEARS:
            part &= Q(**{f"{month_field}__gte": dt.date(year, 1, 1), f"{month_field}__lte": dt.date(year, 12, 31)})
        if size and size + len(parents) > _chunk_limit():
            yield condition
            condition, size = Q(pk__in=[]), 0
        condition, size = condition | part, size + len(parents)
    if size:
        yield condition


def _recomputed(condition: Q):
    """The same sums as `reports.series.monthly_sums` over each parent's children: a count
    without its unit's population of that year is left out of both sums."""
    rows = (
        Enrollment.objects.filter(condition, unit__populations__year=ExtractYear("month"))
        .values("unit__parent", "month")
        .annotate(enrolled_sum=Sum("enrolled"), population_sum=Sum("unit__populations__population"),
                  reported=Count("pk"), synthetic=Count("pk", filter=Q(is_synthetic=True)))
        .order_by()
    )
    for row in rows.iterator(chunk_size=_CHUNK):
        yield MonthlyRollup(parent_id=row["unit__parent"], month=row["month"], enrolled=row["enrolled_sum"],
                            population=row["population_sum"], reported=row["reported"],
                            synthetic=row["synthetic"])


# --- the triggers -------------------------------------------------------------------------------

_PENDING = "communes_rolluppending"
_COUNTED = (("communes_enrollment", "EXTRACT(YEAR FROM {}.month)::int", "CAST(strftime('%Y', {}.month) AS INTEGER)"),
            ("communes_population", "{}.year", "{}.year"))
_EVENTS = ("insert", "update", "delete")


def _postgresql_counts_function(table: str, year_of: str) -> str:
    """Statement-level, with transition tables: a COPY of 600.000 counts appends one row per
    (unit, year), not one per count."""
    marks = {
        kind: f"INSERT INTO {_PENDING} (unit_id, year) SELECT DISTINCT r.unit_id, {year_of.format('r')} "
        f"FROM {rows} r;"
        for kind, rows in (("new", "changed_new"), ("old", "changed_old"))
    }
    return f"""
    CREATE OR REPLACE FUNCTION {table}_rollup_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN {marks["new"]} END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN {marks["old"]} END IF;
        RETURN NULL;
    END $$"""


# TRUNCATE knows no rows: every parent with a roll-up is recomputed.
_POSTGRESQL_FUNCTIONS = f"""
    CREATE OR REPLACE FUNCTION communes_rollup_parent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {_PENDING} (parent_id, year)
        SELECT p, {ALL_YEARS} FROM (VALUES (OLD.parent_id), (NEW.parent_id)) AS parents(p) WHERE p IS NOT NULL;
        RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION communes_rollup_unit_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {_PENDING} (parent_id, year) SELECT OLD.parent_id, {ALL_YEARS} WHERE OLD.parent_id IS NOT NULL;
        RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION communes_rollup_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {_PENDING} (parent_id, year)
        SELECT DISTINCT parent_id, {ALL_YEARS} FROM communes_monthlyrollup;
        RETURN NULL;
    END $$"""


def _postgresql_statements() -> list[str]:
    statements = [_POSTGRESQL_FUNCTIONS]
    for table, year_of, _ in _COUNTED:
        statements.append(_postgresql_counts_function(table, year_of))
        for event, referencing in (("INSERT", "NEW TABLE AS changed_new"),
                                   ("UPDATE", "OLD TABLE AS changed_old NEW TABLE AS changed_new"),
                                   ("DELETE", "OLD TABLE AS changed_old")):
            statements.append(
                f"CREATE TRIGGER {table}_rollup_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {table}_rollup_changed()"
            )
        statements.append(f"CREATE TRIGGER {table}_rollup_truncate AFTER TRUNCATE ON {table} "
                          "FOR EACH STATEMENT EXECUTE FUNCTION communes_rollup_truncated()")
    statements.append(
        "CREATE TRIGGER communes_unit_rollup_parent AFTER UPDATE ON communes_unit FOR EACH ROW "
        "WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION communes_rollup_parent_changed()"
    )
    # A commune deleted (its counts first: PROTECT) before any read: its unit can no longer name
    # the parent whose sums held them.
    statements.append("CREATE TRIGGER communes_unit_rollup_delete AFTER DELETE ON communes_unit FOR EACH ROW "
                      "EXECUTE FUNCTION communes_rollup_unit_deleted()")
    return statements


def _sqlite_statements() -> list[str]:
    """SQLite has row-level triggers only; its writes are small (the embedded default)."""
    statements = []
    for table, _, year_of in _COUNTED:
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            inserts = " ".join(
                f"INSERT INTO {_PENDING} (unit_id, year) VALUES ({row}.unit_id, {year_of.format(row)});" for row in rows
            )
            statements.append(f"CREATE TRIGGER {table}_rollup_{event.lower()} AFTER {event} ON {table} "
                              f"FOR EACH ROW BEGIN {inserts} END")
    statements.append(
        "CREATE TRIGGER communes_unit_rollup_parent AFTER UPDATE OF parent_id ON communes_unit FOR EACH ROW "
        f"WHEN OLD.parent_id IS NOT NEW.parent_id BEGIN "
        f"INSERT INTO {_PENDING} (parent_id, year) SELECT OLD.parent_id, {ALL_YEARS} WHERE OLD.parent_id IS NOT NULL; "
        f"INSERT INTO {_PENDING} (parent_id, year) SELECT NEW.parent_id, {ALL_YEARS} WHERE NEW.parent_id IS NOT NULL; "
        f"END"
    )
    statements.append(
        "CREATE TRIGGER communes_unit_rollup_delete AFTER DELETE ON communes_unit FOR EACH ROW "
        f"WHEN OLD.parent_id IS NOT NULL BEGIN INSERT INTO {_PENDING} (parent_id, year) "
        f"VALUES (OLD.parent_id, {ALL_YEARS}); END"
    )
    return statements


def _triggers() -> list[tuple[str, str]]:
    names = [(f"{table}_rollup_{event}", table) for table, _, _ in _COUNTED for event in _EVENTS]
    names += [(f"{table}_rollup_truncate", table) for table, _, _ in _COUNTED]
    return names + [("communes_unit_rollup_parent", "communes_unit"), ("communes_unit_rollup_delete", "communes_unit")]


def expected_triggers(vendor: str) -> set[str]:
    """The trigger names a database of this vendor must have (SQLite has no TRUNCATE)."""
    return {name for name, _ in _triggers() if vendor == "postgresql" or not name.endswith("_truncate")}


def _execute(connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def ensure_triggers(connection) -> None:
    """(Re)create every trigger. Run after each migrate: SQLite rebuilds a table to alter it
    (create, copy, drop, rename), and dropping the old table drops its triggers."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"roll-up triggers for {vendor}")
    # One transaction: a write between the DROP and the CREATE would otherwise go unnoted.
    with transaction.atomic(using=connection.alias):
        remove_triggers(connection, functions=False)
        _execute(connection, _postgresql_statements() if vendor == "postgresql" else _sqlite_statements())


def install_triggers(connection) -> None:
    """The migration: triggers, then the whole roll-up marked for its first read."""
    ensure_triggers(connection)
    _execute(connection, [
        # Rows left from an earlier install would not be recomputed if their counts are gone.
        "DELETE FROM communes_monthlyrollup",
        f"INSERT INTO {_PENDING} (parent_id, year) SELECT DISTINCT u.parent_id, {ALL_YEARS} "
        "FROM communes_enrollment e JOIN communes_unit u ON u.id = e.unit_id WHERE u.parent_id IS NOT NULL",
    ])


def remove_triggers(connection, *, functions: bool = True) -> None:
    postgresql = connection.vendor == "postgresql"
    statements = [f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else "")
                  for trigger, table in _triggers()]
    if postgresql and functions:
        statements += [f"DROP FUNCTION IF EXISTS {function}()" for function in (
            "communes_enrollment_rollup_changed", "communes_population_rollup_changed",
            "communes_rollup_parent_changed", "communes_rollup_unit_deleted", "communes_rollup_truncated")]
    _execute(connection, statements)


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}
