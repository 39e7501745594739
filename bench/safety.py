"""When a database must not receive (or be measured with) synthetic data: it holds real work.

Allowed besides synthetic rows: the real units, payer groups and the two source documents that
`load_documents` brings (with the annex's 2021 results, which it also stores as counts), and the
change records of the bench's own accounts (a measured grid save logs its changes)."""

import json

from communes.models import ChangeRecord, Enrollment, Level, Population, Unit
from communes.seed import FIXTURES
from targets.models import TargetDocument

BENCH_USER_PREFIX = "bench"
# What load_documents stores as counts: the annex's year results, named after the annex.
ANNEX_SOURCE_PREFIX = "Phụ lục"


def _fixture_documents() -> list[str]:
    with open(FIXTURES / "documents.json", encoding="utf-8") as handle:
        return [document["number"] for document in json.load(handle)["documents"]]


def entered_figures_reason() -> str | None:
    """Why this database holds real work, in Vietnamese as the commands speak; None if it does not."""
    for model in (Enrollment, Population):
        if model.objects.filter(is_synthetic=False).exclude(source__startswith=ANNEX_SOURCE_PREFIX).exists():
            return f"cơ sở dữ liệu có {model._meta.verbose_name} nhập thật (is_synthetic = False)"
    if TargetDocument.objects.filter(is_synthetic=False).exclude(number__in=_fixture_documents()).exists():
        return "cơ sở dữ liệu có văn bản chỉ tiêu thật"
    if ChangeRecord.objects.exclude(user__username__startswith=BENCH_USER_PREFIX).exists():
        return "cơ sở dữ liệu có lịch sử nhập liệu của người dùng thật"
    return None


def history_refusal() -> str | None:
    """The old synthetic country lives alone in its database (beside the country unit)."""
    if Unit.objects.filter(is_synthetic=False).exclude(level=Level.COUNTRY).exists():
        return "cơ sở dữ liệu có đơn vị hành chính thật (is_synthetic = False); quốc gia cũ cần cơ sở dữ liệu riêng"
    return entered_figures_reason()


def today_refusal() -> str | None:
    """Today's country is the real unit list: never beside the old synthetic country."""
    if Unit.objects.filter(is_synthetic=True).exists():
        return "cơ sở dữ liệu đã có quốc gia mô phỏng cũ (ba cấp); danh mục hiện hành cần cơ sở dữ liệu riêng"
    return entered_figures_reason()
