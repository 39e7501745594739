from django.db import migrations

from ._pending_triggers import install, remove


def install_triggers(apps, schema_editor):
    install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("communes", "0003_monthly_rollup")]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
