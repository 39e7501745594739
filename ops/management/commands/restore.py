from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ops.backup import BackupError, check_file, restore


class Command(BaseCommand):
    help = "Replace the database's whole content with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        database = connections["default"].settings_dict
        source = Path(options["file"])
        try:
            check_file(database=database, source=source)
        except BackupError as error:
            raise CommandError(str(error))
        if not options["yes"]:
            answer = input(
                f"Mọi dữ liệu hiện có trong {database['NAME']} sẽ bị thay bằng bản sao lưu {source}. "
                "Gõ 'yes' để tiếp tục: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Đã huỷ; không thay đổi gì.")
        connections.close_all()  # SQLite's copy and pg_restore's DROPs must not wait on our own connection
        try:
            restore(database=database, source=source)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Đã khôi phục {database['NAME']} từ {source}.")
