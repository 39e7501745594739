from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Đơn vị hành chính và số liệu")

    def ready(self):
        post_migrate.connect(_ensure_triggers, sender=self)


def _ensure_triggers(using, **kwargs):
    """The roll-up's triggers after every migrate (and flush): a later migration that alters a
    table on SQLite rebuilds it, which drops its triggers (communes/rollup.py)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import rollup

    connection = connections[using]
    if ("communes", "0004_rollup_triggers") not in MigrationRecorder(connection).applied_migrations():
        return  # not installed yet, or migrated back below it on purpose
    rollup.ensure_triggers(connection)
    if "plan" not in kwargs:
        # `flush` (no migration plan): every table is empty now, but SQLite empties them with
        # DELETE in no fixed order, and the counts' triggers may have refilled the pending list.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM communes_rolluppending")
