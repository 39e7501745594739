from django.db import migrations

from communes import rollup


def install(apps, schema_editor):
    rollup.install_triggers(schema_editor.connection)


def remove(apps, schema_editor):
    rollup.remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("communes", "0003_monthly_rollup")]

    operations = [migrations.RunPython(install, remove)]
