"""The change log refuses UPDATE and DELETE in the database too, not only in Django's model,
queryset and admin: a raw SQL statement, a psql session or another program cannot rewrite history.

PostgreSQL only (production). On SQLite, the embedded default, Django's `flush` empties tables
with DELETE, which such a trigger would refuse; TRUNCATE (PostgreSQL's flush) is not affected.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION communes_changerecord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'communes_changerecord is append-only (lịch sử thay đổi chỉ được ghi thêm)';
END $$;
DROP TRIGGER IF EXISTS communes_changerecord_append_only ON communes_changerecord;
CREATE TRIGGER communes_changerecord_append_only BEFORE UPDATE OR DELETE ON communes_changerecord
FOR EACH ROW EXECUTE FUNCTION communes_changerecord_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS communes_changerecord_append_only ON communes_changerecord;
DROP FUNCTION IF EXISTS communes_changerecord_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("communes", "0005_population_year_range")]

    operations = [migrations.RunPython(install, remove)]
