"""Documents and targets keep the time they last changed (`updated_at`); a document's also moves
when one of its targets changes. The API's incremental sync filters and orders on it.

The columns come in empty, every existing row is then dated with the migration's time (when each
last changed is not known: dated now, a client syncing from any earlier time reads every document
once more rather than miss one), and only then do they become required and kept by every save."""

from django.db import migrations, models
from django.utils import timezone


def date_existing_rows(apps, schema_editor):
    now, alias = timezone.now(), schema_editor.connection.alias
    for name in ("TargetDocument", "Target"):
        apps.get_model("targets", name).objects.using(alias).update(updated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_documents_entered_in_the_portal"),
    ]

    operations = [
        migrations.AddField(
            model_name="targetdocument",
            name="updated_at",
            field=models.DateTimeField(db_index=True, null=True, verbose_name="cập nhật lúc"),
        ),
        migrations.AddField(
            model_name="target",
            name="updated_at",
            field=models.DateTimeField(db_index=True, null=True, verbose_name="cập nhật lúc"),
        ),
        migrations.RunPython(date_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="targetdocument",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="cập nhật lúc"),
        ),
        migrations.AlterField(
            model_name="target",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="cập nhật lúc"),
        ),
    ]
