"""Load a national list of units that takes effect on a date (a later decree's list, for example)."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes.unit_list import UnitListError, load_unit_list, read_unit_list


class Command(BaseCommand):
    help = (
        "Load a CSV of provinces and communes (columns level, code, name, type, province_code) in force from "
        "--effective: new units are valid from that day, units it no longer lists are closed the day before, "
        "nothing is deleted. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--effective", required=True, help="ngày hiệu lực, YYYY-MM-DD")
        parser.add_argument("--source", default="", help="văn bản quy định danh mục (ghi vào nguồn của đơn vị mới)")

    def handle(self, *args, file: Path, effective: str, source: str, **options):
        try:
            day = dt.date.fromisoformat(effective)
        except ValueError:
            raise CommandError(f"--effective: “{effective}” không phải ngày dạng YYYY-MM-DD.")
        try:
            report = load_unit_list(read_unit_list(file), effective=day, source=source or file.name)
        except UnitListError as error:
            raise CommandError(str(error))
        for line in report.lines():
            self.stdout.write(line)
