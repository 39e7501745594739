"""The monthly roll-up per parent unit (`MonthlyRollup`): how it is kept exact.

Writes never touch the roll-up themselves. Triggers on the enrolled counts, the populations and
the units' parents (installed by migration 0004, SQL below) append the (parent, year) they
changed to `RollupPending`, inside the writing transaction: every writer is covered, the entry
grid as much as an import, the admin, a bulk COPY or a restore. Readers call `refresh()` first: it
recomputes the pending (parent, year) pairs from the counts and removes exactly the pending rows
it read, so a write committed during a refresh stays pending for the next reader.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from .models import Enrollment, MonthlyRollup, RollupPending

ALL_YEARS = 0
# pg_advisory_xact_lock key: one refresh at a time, or two would insert the same (parent, month).
_REFRESH_LOCK = 2021_0701


def refresh() -> int:
    """Recompute every pending (parent, year); returns how many pairs were recomputed. One cheap
    query when nothing is pending (the usual case on a page read)."""
    if not RollupPending.objects.exists():
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
        pending = list(RollupPending.objects.values_list("pk", "parent_id", "year"))
        if not pending:  # another refresh did it while this one waited for the lock
            return 0
        scope = _pending_scope({(parent, year) for _, parent, year in pending})
        MonthlyRollup.objects.filter(_months_of(scope, "parent_id", "month")).delete()
        MonthlyRollup.objects.bulk_create(_recomputed(scope), batch_size=5_000)
        RollupPending.objects.filter(pk__in=[pk for pk, _, _ in pending]).delete()
    return sum(len(parents) for parents in scope.values())


def _pending_scope(pairs: set[tuple[int, int]]) -> dict[int, set[int]]:
    """year → parents to recompute; ALL_YEARS → parents to recompute entirely."""
    whole = {parent for parent, year in pairs if year == ALL_YEARS}
    scope: dict[int, set[int]] = defaultdict(set)
    for parent, year in pairs:
        if parent not in whole or year == ALL_YEARS:
            scope[year].add(parent)
    return scope


def _months_of(scope: dict[int, set[int]], parent_field: str, month_field: str) -> Q:
    condition = Q(pk__in=[])
    for year, parents in scope.items():
        part = Q(**{f"{parent_field}__in": sorted(parents)})
        if year != ALL_YEARS:
            part &= Q(**{f"{month_field}__gte": dt.date(year, 1, 1), f"{month_field}__lte": dt.date(year, 12, 31)})
        condition |= part
    return condition


def _recomputed(scope: dict[int, set[int]]):
    """The same sums as `reports.series.monthly_sums` over each parent's children: a count
    without its unit's population of that year is left out of both sums."""
    rows = (
        Enrollment.objects.filter(_months_of(scope, "unit__parent", "month"),
                                  unit__populations__year=ExtractYear("month"))
        .values("unit__parent", "month")
        .annotate(enrolled_sum=Sum("enrolled"), population_sum=Sum("unit__populations__population"),
                  reported=Count("pk"), synthetic=Count("pk", filter=Q(is_synthetic=True)))
        .order_by()
    )
    for row in rows.iterator(chunk_size=5_000):
        yield MonthlyRollup(parent_id=row["unit__parent"], month=row["month"], enrolled=row["enrolled_sum"],
                            population=row["population_sum"], reported=row["reported"],
                            synthetic=row["synthetic"])


# --- the triggers -------------------------------------------------------------------------------

_PENDING = "communes_rolluppending"

# PostgreSQL: statement-level triggers with transition tables, so a COPY of 600.000 counts appends
# one row per (parent, year), not one per count.
def _postgresql_counts_function(name: str, year_of: str) -> str:
    """`year_of` is the year of a changed row aliased `r` (an enrolled count's month, a population's year)."""
    marks = {
        kind: f"INSERT INTO {_PENDING} (parent_id, year) SELECT DISTINCT u.parent_id, {year_of} "
        f"FROM {table} r JOIN communes_unit u ON u.id = r.unit_id WHERE u.parent_id IS NOT NULL;"
        for kind, table in (("new", "changed_new"), ("old", "changed_old"))
    }
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN {marks["new"]} END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN {marks["old"]} END IF;
        RETURN NULL;
    END $$"""


_POSTGRESQL_PARENT_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION communes_rollup_parent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {_PENDING} (parent_id, year)
        SELECT p, {ALL_YEARS} FROM (VALUES (OLD.parent_id), (NEW.parent_id)) AS parents(p) WHERE p IS NOT NULL;
        RETURN NULL;
    END $$"""


def _postgresql_statements() -> list[str]:
    statements = []
    for table, year_of in (("communes_enrollment", "EXTRACT(YEAR FROM r.month)::int"),
                           ("communes_population", "r.year")):
        function = f"{table}_rollup_changed"
        statements.append(_postgresql_counts_function(function, year_of))
        for event, referencing in (("INSERT", "NEW TABLE AS changed_new"),
                                   ("UPDATE", "OLD TABLE AS changed_old NEW TABLE AS changed_new"),
                                   ("DELETE", "OLD TABLE AS changed_old")):
            statements.append(
                f"CREATE TRIGGER {table}_rollup_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    statements.append(_POSTGRESQL_PARENT_FUNCTION)
    statements.append(
        "CREATE TRIGGER communes_unit_rollup_parent AFTER UPDATE ON communes_unit FOR EACH ROW "
        "WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION communes_rollup_parent_changed()"
    )
    return statements


def _sqlite_statements() -> list[str]:
    """SQLite has row-level triggers only; its writes are small (the embedded default)."""
    statements = []
    for table, year_of in (("communes_enrollment", "CAST(strftime('%Y', {}.month) AS INTEGER)"),
                           ("communes_population", "{}.year")):
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            inserts = " ".join(
                f"INSERT INTO {_PENDING} (parent_id, year) SELECT parent_id, {year_of.format(row)} "
                f"FROM communes_unit WHERE id = {row}.unit_id AND parent_id IS NOT NULL;"
                for row in rows
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
    return statements


def install_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgresql_statements()
    elif vendor == "sqlite":
        statements = _sqlite_statements()
    else:
        raise NotImplementedError(f"roll-up triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)
    # Every parent that already has counts: the first read computes its roll-up.
    schema_editor.execute(
        f"INSERT INTO {_PENDING} (parent_id, year) SELECT DISTINCT u.parent_id, {ALL_YEARS} "
        "FROM communes_enrollment e JOIN communes_unit u ON u.id = e.unit_id WHERE u.parent_id IS NOT NULL"
    )


def remove_triggers(schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    triggers = [(f"{table}_rollup_{event}", table) for table in ("communes_enrollment", "communes_population")
                for event in ("insert", "update", "delete")] + [("communes_unit_rollup_parent", "communes_unit")]
    for trigger, table in triggers:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in ("communes_enrollment_rollup_changed", "communes_population_rollup_changed",
                         "communes_rollup_parent_changed"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")
