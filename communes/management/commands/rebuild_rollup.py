"""Recompute the monthly roll-up from the counts, or only compare the two.

The writes keep the roll-up exact by themselves (communes/rollup.py); this is for when they could
not: a restore or a bulk load done with the triggers disabled, or a roll-up edited by hand.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from communes import rollup


class Command(BaseCommand):
    help = (
        "Recompute communes_monthlyrollup from the enrolled counts and populations (all parents, or those "
        "given with --parent). With --check, write nothing: list where the roll-up and the counts differ "
        "and fail if they do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--parent", type=int, action="append", help="id of a parent unit (repeatable)")
        parser.add_argument("--check", action="store_true", help="so sánh, không ghi gì")
        parser.add_argument("--database", default="default")

    def handle(self, *args, parent, check, database, **options):
        started = time.perf_counter()
        if check:
            differences = rollup.check(parent, using=database)
            for difference in differences[:50]:
                self.stdout.write(
                    f"{difference.parent_id} {difference.month:%m/%Y}: roll-up {difference.stored}, "
                    f"counts {difference.counted}"
                )
            if differences:
                raise CommandError(
                    f"{len(differences)} tháng lệch giữa bảng tổng hợp và số liệu: chạy lại không "
                    "kèm --check để tính lại."
                )
            self.stdout.write(self.style.SUCCESS("Bảng tổng hợp khớp với số liệu."))
            return
        written = rollup.rebuild(parent, using=database)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại bảng tổng hợp: {written:,} dòng trong {time.perf_counter() - started:.1f} s.".replace(
                    ",", "."
                )
            )
        )
