"""Changed rows written back in one UPDATE … FROM (VALUES …) per chunk.

Django's `bulk_update` builds a CASE WHEN expression per row and per field and resolves each in
Python: for an import's 1.000 changed cells that was more than half of the request. The statement
here carries the same values as parameters; the database does the matching. Like `bulk_update`,
it writes the given fields as they are on the objects (no `auto_now`, no signals).
"""

from django.db import connections, router, transaction

# Parameters per statement: under SQLite's oldest limit (999); PostgreSQL takes a whole grid or
# import in one statement.
_MAX_PARAMS = {"sqlite": 900, "postgresql": 30_000}


def update_in_bulk(objs, fields: list[str]) -> int:
    """Write `fields` of every object (all of one model, all saved) in a few statements, all or
    none; returns the rows matched. An object given twice is written as first given, as
    `bulk_update` does."""
    objs = list({obj.pk: obj for obj in reversed(list(objs))}.values())[::-1]
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    for obj in objs:
        if obj.pk is None:
            raise ValueError("update_in_bulk: every object must be saved first (it has no primary key).")
        if any(hasattr(getattr(obj, column.attname), "resolve_expression") for column in columns):
            raise ValueError("update_in_bulk writes values, not expressions (F(), Case…): use bulk_update.")
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
        return model._base_manager.bulk_update(objs, fields)  # no UPDATE … FROM before SQLite 3.33
    per_statement = max(1, _MAX_PARAMS[connection.vendor] // len(columns))
    matched = 0
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [
                column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in chunk for column in columns
            ]
            cursor.execute(_statement(connection, meta, columns, len(chunk)), params)
            matched += cursor.rowcount
    return matched


def _statement(connection, meta, columns, rows: int) -> str:
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    values = ", ".join([row] * rows)
    if connection.vendor == "postgresql":
        # Named columns; each value cast to its column's type (a column of NULLs has no type).
        names = [quote(f"v{i}") for i in range(len(columns))]
        source = f"(VALUES {values}) AS v ({', '.join(names)})"
        cast = [f"CAST(v.{name} AS {column.db_type(connection)})" for name, column in zip(names, columns, strict=True)]
    else:
        source = f"(VALUES {values}) AS v"  # SQLite names them column1, column2, …
        cast = [f"v.column{i + 1}" for i in range(len(columns))]
    assignments = ", ".join(
        f"{quote(column.column)} = {value}" for column, value in zip(columns[1:], cast[1:], strict=True)
    )
    return f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{quote(meta.pk.column)} = {cast[0]}"
