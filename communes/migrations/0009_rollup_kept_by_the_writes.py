"""The roll-up is kept exact by the writes themselves: the triggers that noted changed parents for
the next read to recompute (0004) give way to triggers that apply each write's change to the
roll-up in the writing transaction (communes/rollup.py); the list of pending parents goes, and the
roll-up is rebuilt from the counts once.

The old triggers go before the tables change, the new ones come after: on SQLite a table rebuilt
while a trigger names it fails to be renamed back."""

from django.db import migrations, models

from communes import rollup

from . import _pending_triggers


def remove_pending_triggers(apps, schema_editor):
    _pending_triggers.remove(schema_editor.connection)


def restore_pending_triggers(apps, schema_editor):
    _pending_triggers.install(schema_editor.connection)  # every parent pending: recomputed on first read


def keep_rollup_by_the_writes(apps, schema_editor):
    connection = schema_editor.connection
    rollup.ensure_triggers(connection)
    rollup.rebuild(using=connection.alias)


def stop_keeping_rollup(apps, schema_editor):
    rollup.remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("communes", "0008_without_the_page_cache_token")]

    operations = [
        migrations.RunPython(remove_pending_triggers, restore_pending_triggers),
        migrations.DeleteModel(name="RollupPending"),
        migrations.AlterField(
            model_name="monthlyrollup",
            name="reported",
            field=models.IntegerField(help_text="số đơn vị có cả số tham gia và dân số của năm"),
        ),
        migrations.AlterField(
            model_name="monthlyrollup",
            name="synthetic",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(keep_rollup_by_the_writes, stop_keeping_rollup),
    ]
