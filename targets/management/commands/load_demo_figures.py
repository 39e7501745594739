"""Synthetic monthly figures for a new development database (`make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from targets.demo import has_only_demo_figures, load_demo_figures


class Command(BaseCommand):
    help = (
        "Generate synthetic monthly figures: 2021-01..2025-06 for both districts, and from 2025-07 to the last "
        "ended month for today's communes of Lai Châu and Bắc Ninh, with a synthetic 2026 plan of each province. "
        "Only with DEBUG on, and only in a database whose counts are all synthetic or from the documents' annex "
        "(run again later, it adds the months since)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG tắt: không tạo dữ liệu mô phỏng.")
            return
        if not has_only_demo_figures():
            self.stdout.write("Cơ sở dữ liệu đã có số liệu nhập thật: không tạo dữ liệu mô phỏng.")
            return
        created = load_demo_figures()
        self.stdout.write(f"Đã tạo {created} số liệu tháng mô phỏng (is_synthetic).")
