from django.core.management.base import BaseCommand

from communes.seed import load_payer_groups, load_units
from targets.seed import load_documents


class Command(BaseCommand):
    help = "Load units (2021 and after the 2025 reform), payer groups and both source documents. Idempotent."

    def handle(self, *args, **options):
        units = load_units()
        load_payer_groups()
        documents = load_documents()
        self.stdout.write(
            f"Đã nạp {units} đơn vị hành chính và {len(documents)} văn bản: " + ", ".join(map(str, documents))
        )
