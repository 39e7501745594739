from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ops.backup import BackupError, backup, default_path


class Command(BaseCommand):
    help = "Dump the whole database to one file (PostgreSQL: pg_dump custom format; SQLite: a consistent copy)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: backups/<database>-<date>-<time>.dump)")

    def handle(self, *args, **options):
        database = connections["default"].settings_dict
        output = (
            Path(options["output"])
            if options["output"]
            else default_path(database, folder=Path(settings.BASE_DIR) / "backups")
        )
        try:
            path = backup(database=database, output=output)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Đã sao lưu cơ sở dữ liệu vào {path} ({path.stat().st_size:,} bytes).")
