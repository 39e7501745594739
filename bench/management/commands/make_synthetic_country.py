"""Fill a separate database with a synthetic country: the old three levels (bench/country.py) or,
with --today, synthetic figures on today's real unit list (bench/today.py)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from bench import country as history
from bench import today, today_documents
from bench.history_documents import ensure_national_plan
from bench.loading import finish_load
from bench.safety import history_refusal, today_refusal


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mô phỏng vào một cơ sở dữ liệu riêng: quốc gia cũ ba cấp (63 tỉnh, ~700 huyện, ~10.600 xã, "
        "01/2021–06/2025) hoặc, với --today, số liệu mô phỏng trên danh mục hiện hành (34 tỉnh, 3.321 xã). "
        "Từ chối chạy trên cơ sở dữ liệu có số liệu nhập thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--today", action="store_true", help="danh mục hiện hành thay cho quốc gia cũ ba cấp")
        parser.add_argument("--provinces", type=int, default=63, help="quốc gia cũ: số tỉnh")
        parser.add_argument("--districts", type=int, help="quốc gia cũ: số huyện mỗi tỉnh (mặc định ngẫu nhiên)")
        parser.add_argument("--communes", type=int, help="quốc gia cũ: số xã mỗi huyện (mặc định ngẫu nhiên)")
        parser.add_argument(
            "--province",
            action="append",
            dest="only",
            metavar="CODE",
            help="--today: chỉ số liệu của tỉnh này (lặp lại được)",
        )
        parser.add_argument(
            "--no-backdate", action="store_true", help="--today: giữ ngày hiệu lực 01/7/2025 (số liệu từ 07/2025)"
        )
        parser.add_argument("--if-absent", action="store_true", help="giữ dữ liệu mô phỏng đã có (chỉ thêm tháng mới)")
        parser.add_argument("--replace", action="store_true", help="xóa dữ liệu mô phỏng cũ rồi sinh lại")

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = self._today(**options) if options["today"] else self._history(**options)
        if counts is None:
            return
        finish_load()
        summary = ", ".join(f"{name}: {count:,}".replace(",", ".") for name, count in counts.items() if count)
        self.stdout.write(
            self.style.SUCCESS(
                f"Dữ liệu mô phỏng (seed {options['seed']}) đã nạp trong {time.perf_counter() - started:.0f} s – {summary}"
            )
        )

    def _refuse(self, reason: str | None) -> None:
        if reason:
            raise CommandError(f"Từ chối: {reason}. Hãy dùng một cơ sở dữ liệu riêng (DATABASE_URL).")

    def _history(self, *, seed, provinces, districts, communes, if_absent, replace, **options) -> dict | None:
        self._refuse(history_refusal())
        if history.has_synthetic_country():
            if if_absent:
                ensure_national_plan()  # a database loaded before the national plan existed gets it
                self.stdout.write("Đã có quốc gia mô phỏng: giữ nguyên.")
                return None
            if not replace:
                raise CommandError("Đã có dữ liệu mô phỏng: thêm --replace để sinh lại hoặc --if-absent để giữ.")
            try:
                history.delete_synthetic_country()  # one transaction: all or nothing
            except ProtectedError as error:
                # `make bench` saved grids and imported workbooks: their audit records are kept.
                raise CommandError(
                    "Dữ liệu mô phỏng đã có lịch sử thay đổi hoặc dữ liệu khác gắn vào (ví dụ sau make bench), "
                    "không xoá được; đã giữ nguyên. Hãy tạo lại cơ sở dữ liệu riêng (dropdb rồi createdb) và chạy lại."
                ) from error
        if (districts is None) != (communes is None):
            raise CommandError("--districts và --communes phải đi cùng nhau.")
        shape = history.Shape(provinces=provinces, districts_per_province=districts, communes_per_district=communes)
        return history.load_country(history.build_country(seed=seed, shape=shape))

    def _today(self, *, seed, only, no_backdate, if_absent, replace, **options) -> dict:
        self._refuse(today_refusal())
        if today.has_todays_figures():
            if replace:
                today.delete_figures()
            elif not if_absent:
                raise CommandError("Đã có dữ liệu mô phỏng: thêm --replace để sinh lại hoặc --if-absent để giữ.")
        today.load_real_units()
        counts = {"backdated_units": 0 if no_backdate else today.backdate_units()}
        # Counts run through the last ended month; a later run with --if-absent adds the months since.
        counts.update(today.load_figures(seed=seed, provinces=only))
        # The bench keeps months open (ENTRY_CLOSE_DAYS): its pages open on the last ended month's year.
        year = today.last_ended_month().year
        counts.update(today_documents.ensure_documents(seed=seed, year=year, provinces=only))
        return counts
