from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

# The migration that installs the roll-up's triggers (communes/rollup.py).
TRIGGERS_MIGRATION = ("communes", "0009_rollup_kept_by_the_writes")


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Đơn vị hành chính và số liệu")

    def ready(self):
        from django.db.models import Field, ForeignObject

        from .lookups import Among

        # A relation's lookups are its own (ForeignObject leaves out Field's): both, then.
        Field.register_lookup(Among)
        ForeignObject.register_lookup(Among)
        pre_migrate.connect(_remove_triggers_on_sqlite, sender=self)
        post_migrate.connect(_ensure_triggers, sender=self)


def _installed(connection) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    return TRIGGERS_MIGRATION in MigrationRecorder(connection).applied_migrations()


def _remove_triggers_on_sqlite(using, plan=None, **kwargs):
    """SQLite alters a table by rebuilding it (create, copy, drop, rename), and refuses the rename
    while a trigger on another table names the dropped one: the roll-up's triggers name the counts,
    the populations, the units and the roll-up, so migrations run without them. Should one fail,
    the next migrate puts them back and adds the roll-up up again (below)."""
    from django.db import connections

    from . import rollup

    connection = connections[using]
    if connection.vendor == "sqlite" and plan and _installed(connection):
        rollup.remove_triggers(connection)


def _ensure_triggers(using, **kwargs):
    """The roll-up's triggers after every migrate (and flush). Writes made while one was missing
    (removed for a migration on SQLite, above, or dropped by hand) were not applied: the roll-up is
    then added up again from the counts, in the same transaction."""
    from django.db import connections, transaction

    from . import rollup

    connection = connections[using]
    if not _installed(connection):
        return  # not installed yet, or migrated back below it on purpose
    with transaction.atomic(using=using):
        missing = rollup.expected_triggers(connection.vendor) - rollup.installed_triggers(using)
        rollup.ensure_triggers(connection)
        if missing:
            rollup.rebuild(using=using)
