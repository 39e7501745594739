"""Fill a separate database with a synthetic country (see bench/country.py)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from bench import country as synthetic


class Command(BaseCommand):
    help = (
        "Sinh một quốc gia mô phỏng (63 tỉnh, ~700 huyện, ~10.600 xã, 60 tháng số liệu) vào một cơ sở dữ liệu "
        "riêng. Từ chối chạy trên cơ sở dữ liệu có số liệu thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--provinces", type=int, default=63)
        parser.add_argument("--districts", type=int, help="số huyện mỗi tỉnh (mặc định: ngẫu nhiên, ~700 cả nước)")
        parser.add_argument("--communes", type=int, help="số xã mỗi huyện (mặc định: ngẫu nhiên, ~10.600 cả nước)")
        parser.add_argument("--if-absent", action="store_true", help="không làm gì nếu đã có dữ liệu mô phỏng")
        parser.add_argument("--replace", action="store_true", help="xóa dữ liệu mô phỏng cũ rồi sinh lại")

    def handle(self, *args, seed, provinces, districts, communes, if_absent, replace, **options):
        reason = synthetic.refusal_reason()
        if reason:
            raise CommandError(f"Từ chối: {reason}. Hãy dùng một cơ sở dữ liệu riêng (DATABASE_URL).")
        if synthetic.has_synthetic_country():
            if if_absent:
                self.stdout.write("Đã có dữ liệu mô phỏng: giữ nguyên.")
                return
            if not replace:
                raise CommandError("Đã có dữ liệu mô phỏng: thêm --replace để sinh lại hoặc --if-absent để giữ.")
            try:
                synthetic.delete_synthetic_country()  # one transaction: all or nothing
            except ProtectedError as error:
                # `make bench` saved grids and imported workbooks: their audit records are kept.
                raise CommandError(
                    "Dữ liệu mô phỏng đã có lịch sử thay đổi hoặc dữ liệu khác gắn vào (ví dụ sau make bench), "
                    "không xoá được; đã giữ nguyên. Hãy tạo lại cơ sở dữ liệu riêng (dropdb rồi createdb) và chạy lại."
                ) from error
        if (districts is None) != (communes is None):
            raise CommandError("--districts và --communes phải đi cùng nhau.")
        shape = synthetic.Shape(provinces=provinces, districts_per_province=districts, communes_per_district=communes)
        started = time.perf_counter()
        country = synthetic.build_country(seed=seed, shape=shape)
        # The roll-up is filled by the load itself (its triggers sum each COPY per district and month).
        counts = synthetic.load_country(country)
        synthetic.vacuum()
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{name}: {count:,}".replace(",", ".") for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Quốc gia mô phỏng (seed {seed}) đã nạp trong {elapsed:.0f} s – {summary}")
        )
