"""Pages are no longer kept until the data changes: the token every write changed goes, with the
triggers that set it on every table (installed after each migrate until now, not by a migration)."""

from django.db import migrations


def drop_token(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "WHERE t.tgname = 'portal_data_version'")
            for (table,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS portal_data_version ON "{table}"')
            cursor.execute("DROP FUNCTION IF EXISTS portal_data_written()")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'portal_data_version_%'")
            for (trigger,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
            cursor.execute("DROP TABLE IF EXISTS portal_data_version")


class Migration(migrations.Migration):
    dependencies = [("communes", "0007_country_level")]

    operations = [migrations.RunPython(drop_token, migrations.RunPython.noop)]
