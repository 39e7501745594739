"""An uploaded annex workbook, refused before openpyxl sees it when it is too large, not a zip (an
encrypted workbook is an OLE file), or would inflate beyond a limit (a zip bomb): the sizes come
from the zip directory, and Python's zipfile never inflates a member beyond its declared size.
"""

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 2000
MAX_RATIO = 100  # deflate rarely beats 100:1 on real sheets; bombs reach 1000:1


class ImportRefused(Exception):
    """The file or the choices cannot be imported; every message is shown, nothing is written."""

    def __init__(self, errors):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


def max_megabytes() -> int:
    return settings.IMPORT_MAX_BYTES // (1024 * 1024)


def max_unzipped_bytes() -> int:
    # openpyxl holds a whole sheet in memory (merged cells need it): a real annex inflates to
    # well under 1 MB, so four times the upload limit is generous.
    return getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", 4 * settings.IMPORT_MAX_BYTES)


def body_too_large(content_length: str | None) -> bool:
    """A request body that cannot hold a workbook under the limit (the form adds a few kB)."""
    try:
        return int(content_length or 0) > settings.IMPORT_MAX_BYTES + 64 * 1024
    except ValueError:
        return False


# -- the file -----------------------------------------------------------------------------------


def check_container(data: bytes) -> None:
    """Refuse what is not a plain .xlsx before any XML is parsed."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(_("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": max_megabytes()})
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportRefused(_("Tệp được bảo vệ bằng mật khẩu: hãy mở bằng Excel, bỏ mật khẩu rồi tải lên lại."))
        raise ImportRefused(_("Tệp Excel 97–2003 (.xls) chưa đọc được: hãy mở bằng Excel và lưu lại dạng .xlsx."))
    if not data.startswith(ZIP_MAGIC):
        raise ImportRefused(_("Tệp không phải bảng tính Excel (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_("Tệp bị hỏng, không mở được. Hãy lưu lại bằng Excel rồi tải lên lại."))
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("Tệp không phải bảng tính Excel (.xlsx)."))
    total = sum(m.file_size for m in members)
    inflated = any(m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if len(members) > MAX_MEMBERS or total > max_unzipped_bytes() or inflated:
        raise ImportRefused(_("Tệp nén bất thường (giải nén ra quá lớn): không đọc để bảo vệ hệ thống."))


def open_workbook(data: bytes):
    check_container(data)
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise ImportRefused(_("Tệp bị hỏng hoặc không đúng định dạng .xlsx, không đọc được."))
