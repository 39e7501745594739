"""Each unit keeps the time it last changed (`Unit.updated_at`), which the API's incremental sync
filters and orders on.

The column comes in empty, every existing unit is then dated with the migration's time (when each
last changed is not known: dated now, a client syncing from any earlier time reads every unit once
more rather than miss one), and only then does it become required and kept by every save.

SQLite makes a column required by rebuilding the table, and refuses to rename the rebuilt table
back while a roll-up trigger names it (communes/apps.py): on SQLite the triggers step aside for the
migration, either way. The pre-migrate hook does this only for a database that had them before the
migrate began, not for one migrated from empty, where 0009 installs them a few steps earlier."""

from django.db import migrations, models
from django.utils import timezone

from communes import rollup


def without_rollup_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        rollup.remove_triggers(schema_editor.connection)


def with_rollup_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        rollup.ensure_triggers(schema_editor.connection)  # no count changed meanwhile: nothing to add up


def date_existing_units(apps, schema_editor):
    Unit = apps.get_model("communes", "Unit")
    Unit.objects.using(schema_editor.connection.alias).update(updated_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0010_enrollment_unit_month_idx_with_counts"),
    ]

    operations = [
        migrations.RunPython(without_rollup_triggers, with_rollup_triggers),
        migrations.AddField(
            model_name="unit",
            name="updated_at",
            field=models.DateTimeField(db_index=True, null=True, verbose_name="cập nhật lúc"),
        ),
        migrations.RunPython(date_existing_units, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="unit",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="cập nhật lúc"),
        ),
        migrations.RunPython(with_rollup_triggers, without_rollup_triggers),
    ]
