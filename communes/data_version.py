"""A token that changes whenever stored data changes, whoever writes: what the page cache is keyed on.

PostgreSQL: the current snapshot (`pg_current_snapshot()`: the oldest running transaction, the next
transaction id, the ones in progress) and the server's start time. Any transaction that wrote and
ended since the last read changes the snapshot, and a snapshot does not come back while the server
runs (transaction ids only grow; a restore into another cluster means a restart, hence the start
time). Nothing is locked or written for it, so writers do not queue behind one another. The price:
any committed write on the server changes it, a login's session included, not only the portal's
figures. The transaction's own writes, not yet committed (a test, or a view that writes then
reads), are counted in a transaction-local setting by a statement-level trigger on every table of
the portal's data.

SQLite (the embedded default, one writer at a time): a one-row table whose token row-level
triggers set to a new random number on every write; random rather than a counter, so a restored
copy of the file does not reuse a token the running portal has seen with other data.

Tables that hold no figure a page shows (sessions, login attempts) or only what is derived from
other tables (the roll-up) have no trigger, nor do a user's login time and password: on SQLite
writing them expires nothing.
"""

from django.apps import apps
from django.db import transaction

TRIGGER = "portal_data_version"
_SQLITE_TABLE = "portal_data_version"
_SETTING = "portal.own_writes"
# Derived (written by page reads), or never shown on a page.
EXCLUDED_TABLES = frozenset({
    "communes_monthlyrollup", "communes_rolluppending",
    "django_session", "django_admin_log", "django_migrations",
    "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "axes_accessattemptexpiration",
})

# Columns whose change no page shows (a login updates last_login): an UPDATE of only these keeps
# the token.
_SHOWN_COLUMNS = {
    "auth_user": ("username", "first_name", "last_name", "email", "is_superuser", "is_staff", "is_active"),
}

_POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION portal_data_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('{_SETTING}',
        (COALESCE(NULLIF(current_setting('{_SETTING}', true), ''), '0')::bigint + 1)::text, true);
    RETURN NULL;
END $$"""


def tracked_tables(connection) -> list[str]:
    """Every table of an installed model that exists in this database, but the excluded ones."""
    existing = set(connection.introspection.table_names())
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)
              if model._meta.managed and not model._meta.proxy}
    return sorted((tables & existing) - EXCLUDED_TABLES)


def _postgresql_statements(tables: list[str]) -> list[str]:
    statements = [_POSTGRESQL_FUNCTION]
    for table in tables:
        statements += [
            f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
            f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR {_update(table)} OR DELETE OR TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION portal_data_written()",
        ]
    return statements


def _update(table: str) -> str:
    columns = _SHOWN_COLUMNS.get(table)
    return f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"


def _sqlite_statements(tables: list[str]) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {_SQLITE_TABLE} (token INTEGER NOT NULL)",
        f"INSERT INTO {_SQLITE_TABLE} (token) SELECT random() WHERE NOT EXISTS (SELECT 1 FROM {_SQLITE_TABLE})",
    ]
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{TRIGGER}_{table}_{event.lower()}"
            statements += [
                f'DROP TRIGGER IF EXISTS "{name}"',
                f'CREATE TRIGGER "{name}" AFTER {_update(table) if event == "UPDATE" else event} ON "{table}" '
                f"FOR EACH ROW BEGIN UPDATE {_SQLITE_TABLE} SET token = random(); END",
            ]
    # A migration may have rebuilt a table (dropping its triggers) and then changed its rows.
    statements.append(f"UPDATE {_SQLITE_TABLE} SET token = random()")
    return statements


def ensure_triggers(connection) -> None:
    """(Re)create the triggers on every tracked table: run after each migrate, since a new model's
    table needs one and SQLite drops a table's triggers when a migration rebuilds it."""
    tables = tracked_tables(connection)
    if connection.vendor == "postgresql":
        statements = _postgresql_statements(tables)
    elif connection.vendor == "sqlite":
        statements = _sqlite_statements(tables)
    else:
        raise NotImplementedError(f"data version for {connection.vendor}")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def current(connection) -> str | None:
    """The data's token now: equal tokens mean equal data, as this connection sees it. None when
    there is none to read (SQLite before its first migrate): then nothing may be kept."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT pg_current_snapshot()::text, current_setting('{_SETTING}', true), pg_postmaster_start_time()"
            )
            snapshot, own_writes, started = cursor.fetchone()
            return f"{snapshot}/{own_writes or 0}/{started.timestamp()}"
        cursor.execute(f"SELECT token FROM {_SQLITE_TABLE}")
        row = cursor.fetchone()
        return str(row[0]) if row else None


def tables_with_trigger(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "WHERE t.tgname = %s", [TRIGGER])
        else:
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           [f"{TRIGGER}_%"])
        return {name for (name,) in cursor.fetchall()}
