"""Synthetic monthly figures for a new development database (`make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from targets.demo import has_only_documents_figures, load_demo_figures


class Command(BaseCommand):
    help = (
        "Generate synthetic monthly figures 2021-01..2025-06 for both districts, only with DEBUG on and "
        "only in a database holding no enrolled counts besides the documents' annex."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG tắt: không tạo dữ liệu mô phỏng.")
            return
        if not has_only_documents_figures():
            self.stdout.write("Cơ sở dữ liệu đã có số liệu: không tạo dữ liệu mô phỏng.")
            return
        created = load_demo_figures()
        self.stdout.write(f"Đã tạo {created} số liệu tháng mô phỏng (is_synthetic).")
