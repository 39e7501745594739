"""The SQL of the roll-up's triggers, for PostgreSQL and SQLite (the design: communes/rollup.py).

Every trigger turns what its statement changed into signed contributions, one row per count that
entered (+1) or left (-1) a parent's sums: (parent, month, ±enrolled, ±population of the count's
unit and year, ±1, ±1 if synthetic). A count whose unit has no population for its year, or whose
unit has no parent, contributes nothing. The contributions are added up per (parent, month) and
applied to `communes_monthlyrollup` by one upsert; a row whose `reported` falls to 0 (or below, if
the roll-up was already damaged) is deleted.
"""

ROLLUP = "communes_monthlyrollup"
COLUMNS = "parent_id, month, enrolled, population, reported, synthetic"

# table → the events it has a trigger for, each named f"{table}_rollup_delta_{event}".
TABLES = {
    "communes_enrollment": ("insert", "update", "delete"),
    "communes_population": ("insert", "update", "delete"),
    "communes_unit": ("insert", "update", "delete"),
}
# TRUNCATE (PostgreSQL only) of the counts or the populations leaves no count with a population:
# the roll-up is emptied. A unit cannot be truncated without the roll-up (its foreign key).
TRUNCATED = ("communes_enrollment", "communes_population")
FUNCTIONS = (
    "communes_enrollment_rollup_delta",
    "communes_population_rollup_delta",
    "communes_unit_rollup_delta",
    "communes_rollup_emptied",
)


def trigger_names(vendor: str) -> list[tuple[str, str]]:
    """(trigger, table) for every trigger a database of this vendor has."""
    names = [(f"{table}_rollup_delta_{event}", table) for table, events in TABLES.items() for event in events]
    if vendor == "postgresql":
        names += [(f"{table}_rollup_delta_truncate", table) for table in TRUNCATED]
    return names


# --- PostgreSQL: statement-level, with transition tables ----------------------------------------
#
# Each function runs two statements whatever the number of rows: a lock, then one upsert of the
# summed deltas, so a COPY of 600.000 counts is one aggregate and ~35.000 upserted rows, not
# 600.000 upserts (~2 s of a 60-100 s national load).
#
# Concurrency (READ COMMITTED, Django's default: a transaction under REPEATABLE READ would keep
# its first snapshot and miss what it waited for). Deltas commute: two transactions adding to the
# same (parent, month) serialize on that row's lock and both land, whatever the order. What does
# not commute is a delta computed from another table that a concurrent transaction is changing:
# a count written while its unit's population is replaced, or while its unit moves to another
# parent, would be added with the old population or under the old parent, and the other side,
# not seeing the uncommitted count, would not correct it. So each function first locks the units
# whose rows it changed: FOR SHARE for counts (counts of one unit do not wait for each other),
# FOR NO KEY UPDATE for populations; a unit's own UPDATE or DELETE already holds that lock. Only
# then does it read the other tables, in a new statement, hence a new snapshot that includes
# whatever the transaction it waited for committed.
#
# Deadlocks. Within one statement every lock is taken in one global order: the units by id, then
# the roll-up rows by (parent, month) (the upsert's ORDER BY), so two single-statement writers
# cannot deadlock through the roll-up. A transaction of several statements holds the roll-up rows
# of its earlier statements while its later ones take more locks; two such transactions on the
# same parent-month may deadlock, which PostgreSQL detects and ends by rolling one back whole,
# leaving the roll-up exact. The portal's writers keep this rare: the entry grid locks the rows it
# will change before writing (entry/save.py), so two saves of one area and month queue there.

_PG_APPLY = f"""
    , delta AS (
        SELECT parent_id, month, SUM(enrolled) AS enrolled, SUM(population) AS population,
               SUM(reported) AS reported, SUM(synthetic) AS synthetic
        FROM signed WHERE parent_id IS NOT NULL GROUP BY parent_id, month
    ), upserted AS (
        INSERT INTO {ROLLUP} AS r ({COLUMNS})
        SELECT {COLUMNS} FROM delta
        WHERE enrolled <> 0 OR population <> 0 OR reported <> 0 OR synthetic <> 0
        ORDER BY parent_id, month
        ON CONFLICT (parent_id, month) DO UPDATE SET
            enrolled = r.enrolled + excluded.enrolled, population = r.population + excluded.population,
            reported = r.reported + excluded.reported, synthetic = r.synthetic + excluded.synthetic
        RETURNING r.id, r.reported
    )
    SELECT array_agg(id) INTO emptied FROM upserted WHERE reported <= 0;
    DELETE FROM {ROLLUP} WHERE id = ANY (emptied);"""


def _changed(fields: str, kind: str) -> str:
    """The rows a statement changed, signed. An UPDATE's row whose counted fields stayed the same
    (a note, a source, who entered it) is left out: it adds nothing and locks nothing."""
    columns = fields.split(", ")
    same = " AND ".join(f"o.{c} = n.{c}" for c in ["id", *columns])
    new = f"SELECT {', '.join(f'n.{c}' for c in columns)}, 1 AS sign FROM new_rows n"
    old = f"SELECT {', '.join(f'o.{c}' for c in columns)}, -1 AS sign FROM old_rows o"
    if kind == "INSERT":
        return new
    if kind == "DELETE":
        return old
    return (
        f"{new} WHERE NOT EXISTS (SELECT FROM old_rows o WHERE {same}) UNION ALL "
        f"{old} WHERE NOT EXISTS (SELECT FROM new_rows n WHERE {same})"
    )


def _pg_counts(kind: str) -> str:
    changed = _changed("unit_id, month, enrolled, is_synthetic", kind)
    return f"""
    PERFORM 1 FROM communes_unit WHERE id IN (SELECT unit_id FROM ({changed}) c) ORDER BY id FOR SHARE;
    WITH signed AS (
        SELECT u.parent_id, c.month, c.sign * c.enrolled AS enrolled, c.sign * p.population AS population,
               c.sign AS reported, c.sign * c.is_synthetic::int AS synthetic
        FROM ({changed}) c
        JOIN communes_unit u ON u.id = c.unit_id
        JOIN communes_population p ON p.unit_id = c.unit_id AND p.year = EXTRACT(YEAR FROM c.month)::int
    ){_PG_APPLY}"""


def _pg_populations(kind: str) -> str:
    changed = _changed("unit_id, year, population", kind)
    return f"""
    PERFORM 1 FROM communes_unit WHERE id IN (SELECT unit_id FROM ({changed}) c) ORDER BY id FOR NO KEY UPDATE;
    WITH signed AS (
        SELECT u.parent_id, e.month, c.sign * e.enrolled AS enrolled, c.sign * c.population AS population,
               c.sign AS reported, c.sign * e.is_synthetic::int AS synthetic
        FROM ({changed}) c
        JOIN communes_unit u ON u.id = c.unit_id
        JOIN communes_enrollment e ON e.unit_id = c.unit_id AND EXTRACT(YEAR FROM e.month)::int = c.year
    ){_PG_APPLY}"""


def _pg_units(kind: str) -> str:
    """A unit's contributions leave the parent it had and join the one it has: a move, and for
    completeness an insert or a delete (a unit with counts cannot be deleted: PROTECT)."""
    moved = {
        "INSERT": "SELECT id, NULL::bigint AS left_parent, parent_id AS joined_parent FROM new_rows",
        "DELETE": "SELECT id, parent_id AS left_parent, NULL::bigint AS joined_parent FROM old_rows",
        "UPDATE": "SELECT o.id, o.parent_id AS left_parent, n.parent_id AS joined_parent "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.parent_id IS DISTINCT FROM n.parent_id",
    }[kind]
    return f"""
    WITH contribution AS (
        SELECT m.left_parent, m.joined_parent, e.month, e.enrolled, p.population, e.is_synthetic::int AS synthetic
        FROM ({moved}) m
        JOIN communes_enrollment e ON e.unit_id = m.id
        JOIN communes_population p ON p.unit_id = m.id AND p.year = EXTRACT(YEAR FROM e.month)::int
    ), signed AS (
        SELECT left_parent AS parent_id, month, -enrolled AS enrolled, -population AS population,
               -1 AS reported, -synthetic AS synthetic FROM contribution
        UNION ALL
        SELECT joined_parent, month, enrolled, population, 1, synthetic FROM contribution
    ){_PG_APPLY}"""


def _pg_function(name: str, body) -> str:
    branches = " ".join(f"IF TG_OP = '{kind}' THEN {body(kind)} END IF;" for kind in ("INSERT", "UPDATE", "DELETE"))
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE emptied bigint[];
    BEGIN {branches}
        RETURN NULL;
    END $$"""


def postgresql_statements() -> list[str]:
    statements = [
        _pg_function("communes_enrollment_rollup_delta", _pg_counts),
        _pg_function("communes_population_rollup_delta", _pg_populations),
        _pg_function("communes_unit_rollup_delta", _pg_units),
        f"""CREATE OR REPLACE FUNCTION communes_rollup_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN DELETE FROM {ROLLUP}; RETURN NULL; END $$""",
    ]
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    for table, events in TABLES.items():
        for event in events:
            # OR REPLACE: no DROP, whose ACCESS EXCLUSIVE lock would stop the readers for a moment.
            statements.append(
                f"CREATE OR REPLACE TRIGGER {table}_rollup_delta_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {table}_rollup_delta()"
            )
    for table in TRUNCATED:
        statements.append(
            f"CREATE OR REPLACE TRIGGER {table}_rollup_delta_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION communes_rollup_emptied()"
        )
    return statements


# --- SQLite: row-level (it has no other kind; one writer at a time) -----------------------------

_SQLITE_UPSERT = (
    "ON CONFLICT (parent_id, month) DO UPDATE SET enrolled = enrolled + excluded.enrolled, "
    "population = population + excluded.population, reported = reported + excluded.reported, "
    "synthetic = synthetic + excluded.synthetic;"
)
_YEAR = "CAST(strftime('%Y', {}) AS INTEGER)"


def _sqlite_count(row: str, sign: int) -> str:
    # "WHERE" is required: without it SQLite would read "ON CONFLICT" as the join's ON.
    return (
        f"INSERT INTO {ROLLUP} ({COLUMNS}) "
        f"SELECT u.parent_id, {row}.month, {sign} * {row}.enrolled, {sign} * p.population, {sign}, "
        f"{sign} * {row}.is_synthetic FROM communes_unit u "
        f"JOIN communes_population p ON p.unit_id = u.id AND p.year = {_YEAR.format(f'{row}.month')} "
        f"WHERE u.id = {row}.unit_id AND u.parent_id IS NOT NULL {_SQLITE_UPSERT}"
    )


def _sqlite_population(row: str, sign: int) -> str:
    return (
        f"INSERT INTO {ROLLUP} ({COLUMNS}) "
        f"SELECT u.parent_id, e.month, {sign} * e.enrolled, {sign} * {row}.population, {sign}, "
        f"{sign} * e.is_synthetic FROM communes_enrollment e JOIN communes_unit u ON u.id = e.unit_id "
        f"WHERE e.unit_id = {row}.unit_id AND u.parent_id IS NOT NULL "
        f"AND {_YEAR.format('e.month')} = {row}.year {_SQLITE_UPSERT}"
    )


def _sqlite_unit(row: str, sign: int) -> str:
    return (
        f"INSERT INTO {ROLLUP} ({COLUMNS}) "
        f"SELECT {row}.parent_id, e.month, {sign} * e.enrolled, {sign} * p.population, {sign}, "
        f"{sign} * e.is_synthetic FROM communes_enrollment e "
        f"JOIN communes_population p ON p.unit_id = e.unit_id AND p.year = {_YEAR.format('e.month')} "
        f"WHERE e.unit_id = {row}.id AND {row}.parent_id IS NOT NULL {_SQLITE_UPSERT}"
    )


def _sqlite_emptied(parent: str, month: str | None = None) -> str:
    return f"DELETE FROM {ROLLUP} WHERE parent_id = {parent} AND reported <= 0" + (
        f" AND month = {month};" if month else ";"
    )


def _of_unit(row: str) -> str:
    return f"(SELECT parent_id FROM communes_unit WHERE id = {row}.unit_id)"


def _changed_when(fields: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{field} IS NOT NEW.{field}" for field in fields)


def sqlite_statements() -> list[str]:
    counted = ("unit_id", "month", "enrolled", "is_synthetic")
    populated = ("unit_id", "year", "population")
    bodies = {
        ("communes_enrollment", "insert"): ("", [_sqlite_count("NEW", 1)]),
        ("communes_enrollment", "update"): (
            f"OF {', '.join(counted)} ON communes_enrollment FOR EACH ROW WHEN {_changed_when(counted)}",
            [_sqlite_count("OLD", -1), _sqlite_count("NEW", 1), _sqlite_emptied(_of_unit("OLD"), "OLD.month")],
        ),
        ("communes_enrollment", "delete"): (
            "",
            [_sqlite_count("OLD", -1), _sqlite_emptied(_of_unit("OLD"), "OLD.month")],
        ),
        ("communes_population", "insert"): ("", [_sqlite_population("NEW", 1)]),
        ("communes_population", "update"): (
            f"OF {', '.join(populated)} ON communes_population FOR EACH ROW WHEN {_changed_when(populated)}",
            [_sqlite_population("OLD", -1), _sqlite_population("NEW", 1), _sqlite_emptied(_of_unit("OLD"))],
        ),
        ("communes_population", "delete"): ("", [_sqlite_population("OLD", -1), _sqlite_emptied(_of_unit("OLD"))]),
        ("communes_unit", "insert"): ("", [_sqlite_unit("NEW", 1)]),
        ("communes_unit", "update"): (
            "OF parent_id ON communes_unit FOR EACH ROW WHEN OLD.parent_id IS NOT NEW.parent_id",
            [_sqlite_unit("OLD", -1), _sqlite_unit("NEW", 1), _sqlite_emptied("OLD.parent_id")],
        ),
        ("communes_unit", "delete"): ("", [_sqlite_unit("OLD", -1), _sqlite_emptied("OLD.parent_id")]),
    }
    statements = []
    for (table, event), (clause, body) in bodies.items():
        clause = clause or f"ON {table} FOR EACH ROW"
        statements.append(
            f"CREATE TRIGGER {table}_rollup_delta_{event} AFTER {event.upper()} {clause} BEGIN {' '.join(body)} END"
        )
    return statements
