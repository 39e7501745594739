"""The zip around an .xlsx, judged from its directory before any member is inflated.

Too large, not a zip (an encrypted workbook is an OLE file, so is an Excel 97–2003 one), one that
would inflate beyond a limit (a zip bomb), or one carrying macros: the sizes come from the zip directory, and Python's
zipfile never inflates a member beyond its declared size, so the directory is what the scan reads.
"""

import io
import posixpath
import zipfile

from django.utils.translation import gettext as _

from . import limits
from .limits import WorkbookRefused

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 2000
MAX_RATIO = 100  # deflate rarely beats 100:1 on real sheets; bombs reach 1000:1


def check_container(data: bytes) -> list[zipfile.ZipInfo]:
    """Refuse what is not a plain .xlsx before any XML is parsed; the members to read otherwise."""
    if len(data) > limits.max_bytes():
        raise limits.too_large()
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise limits.password_protected()
        raise WorkbookRefused(_("Tệp Excel 97–2003 (.xls) chưa đọc được: hãy mở bằng Excel và lưu lại dạng .xlsx."))
    if not data.startswith(ZIP_MAGIC):
        raise limits.not_a_spreadsheet(limits.XLSX_ONLY)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused(_("Tệp bị hỏng, không mở được. Hãy lưu lại bằng Excel rồi tải lên lại."))
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise WorkbookRefused(_("Tệp không phải bảng tính Excel (.xlsx)."))
    total = sum(m.file_size for m in members)
    inflated = any(m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if len(members) > MAX_MEMBERS or total > limits.max_unzipped_bytes() or inflated:
        raise limits.protective()
    # A macro-enabled workbook (.xlsm) keeps its VBA project beside the sheets: never run here, but
    # not taken in either; saved again as .xlsx it reads the same.
    if any(posixpath.basename(m.filename).lower().startswith("vbaproject") for m in members):
        raise limits.macros()
    return members
