"""The triggers migration 0004 installed, frozen: they appended what changed to
`communes_rolluppending`, and every read recomputed those parents before reading the roll-up.

Kept so that 0004 installs what it installed then, and so that 0009 can remove them (and put them
back when it is reversed). The migration loader skips this module (its name starts with "_").
"""

ALL_YEARS = 0
_PENDING = "communes_rolluppending"
_COUNTED = (("communes_enrollment", "EXTRACT(YEAR FROM {}.month)::int", "CAST(strftime('%Y', {}.month) AS INTEGER)"),
            ("communes_population", "{}.year", "{}.year"))
_EVENTS = ("insert", "update", "delete")
_FUNCTIONS = ("communes_enrollment_rollup_changed", "communes_population_rollup_changed",
              "communes_rollup_parent_changed", "communes_rollup_unit_deleted", "communes_rollup_truncated")


def _postgresql_counts_function(table: str, year_of: str) -> str:
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
    statements.append("CREATE TRIGGER communes_unit_rollup_delete AFTER DELETE ON communes_unit FOR EACH ROW "
                      "EXECUTE FUNCTION communes_rollup_unit_deleted()")
    return statements


def _sqlite_statements() -> list[str]:
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
        "WHEN OLD.parent_id IS NOT NEW.parent_id BEGIN "
        f"INSERT INTO {_PENDING} (parent_id, year) SELECT OLD.parent_id, {ALL_YEARS} WHERE OLD.parent_id IS NOT NULL; "
        f"INSERT INTO {_PENDING} (parent_id, year) SELECT NEW.parent_id, {ALL_YEARS} WHERE NEW.parent_id IS NOT NULL; "
        "END"
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


def _execute(connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection) -> None:
    """The triggers, then every parent marked for the first read to recompute."""
    remove(connection, functions=False)
    _execute(connection, _postgresql_statements() if connection.vendor == "postgresql" else _sqlite_statements())
    _execute(connection, [
        "DELETE FROM communes_monthlyrollup",
        f"INSERT INTO {_PENDING} (parent_id, year) SELECT DISTINCT u.parent_id, {ALL_YEARS} "
        "FROM communes_enrollment e JOIN communes_unit u ON u.id = e.unit_id WHERE u.parent_id IS NOT NULL",
    ])


def remove(connection, *, functions: bool = True) -> None:
    postgresql = connection.vendor == "postgresql"
    statements = [f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if postgresql else "")
                  for trigger, table in _triggers()]
    if postgresql and functions:
        statements += [f"DROP FUNCTION IF EXISTS {function}()" for function in _FUNCTIONS]
    _execute(connection, statements)
