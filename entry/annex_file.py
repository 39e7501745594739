"""An uploaded annex workbook: the limits of an upload, and the workbook opened with bounded work."""

from django.conf import settings

from . import workbooks
from .limits import WorkbookRefused


class ImportRefused(Exception):
    """The file or the choices cannot be imported; every message is shown, nothing is written."""

    def __init__(self, errors):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


def max_megabytes() -> int:
    return settings.IMPORT_MAX_BYTES // (1024 * 1024)


def body_too_large(content_length: str | None) -> bool:
    """A request body that cannot hold a workbook under the limit (the form adds a few kB)."""
    try:
        return int(content_length or 0) > settings.IMPORT_MAX_BYTES + 64 * 1024
    except ValueError:
        return False


# -- the file -----------------------------------------------------------------------------------


def open_workbook(data: bytes):
    """The annex workbook, read with bounded work (entry/workbooks.py: size, zip, every sheet's extent
    and merged ranges checked before openpyxl loads a cell); a formula whose value was never computed
    is refused, naming its cells, rather than read as an empty cell."""
    try:
        return workbooks.open_xlsx(data)
    except WorkbookRefused as refused:
        raise ImportRefused(refused.errors) from refused
