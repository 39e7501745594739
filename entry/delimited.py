"""Reading a CSV the agency exported: its encoding and its delimiter are guessed, as Excel writes them.

Excel saves "CSV UTF-8" with a byte-order mark, plain "CSV" in the Windows code page: Windows-1258
on a Vietnamese Windows, Windows-1252 on most others. The two share most bytes, so both are decoded
and the text that reads as Vietnamese wins (fewest impossible letters), 1258 when they read alike.
"""

import csv
import io
import unicodedata

from django.utils.translation import gettext as _

from . import limits
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, WorkbookRefused
from .table import Table, plain, trimmed

DELIMITERS = (",", ";", "\t")
SAMPLE_LINES = 60
# The code page is judged on the first 64 KB of text: enough letters to tell 1258 from 1252, where
# scoring a whole 5 MB file took 6 seconds of CPU before a row was read.
SAMPLE_CHARS = 64 * 1024
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
VIETNAMESE = set("aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐ")
PUNCTUATION = set("–—“”‘’…•°₫§«»·\u00a0\u202f")


def read_csv(data: bytes, *, name: str) -> Table:
    if len(data) > limits.max_bytes():
        raise limits.too_large()
    if b"\x00" in data:
        raise WorkbookRefused(_("Tệp CSV bị hỏng (có ký tự rỗng), không đọc được."))
    text = decode(data)
    where = limits.sheet_label(name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows, cells = [], 0
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise limits.too_many_rows(where)
            if len(record) > MAX_COLUMNS and any(v.strip() for v in record[MAX_COLUMNS:]):
                raise limits.too_many_columns(where, len(record))
            row = trimmed([plain(v) for v in record[:MAX_COLUMNS]])
            cells += sum(v is not None for v in row)
            if cells > MAX_CELLS:
                raise limits.too_many_cells()
            rows.append(row)
    except csv.Error:  # a field longer than csv's limit, a quote never closed
        raise WorkbookRefused(_("Tệp CSV bị hỏng, không đọc được. Hãy lưu lại bằng Excel rồi tải lên lại."))
    while rows and not rows[-1]:
        rows.pop()
    return Table(sheet=name, rows=rows, sheets=[name])


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in ("cp1258", "cp1252"):
        try:
            readings.append(unicodedata.normalize("NFC", data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if not readings:
        raise WorkbookRefused(
            _("Không đọc được chữ trong tệp CSV: hãy lưu lại bằng Excel dạng “CSV UTF-8” rồi tải lên.")
        )
    return min(readings, key=lambda text: _unlikely(text[:SAMPLE_CHARS]))  # min keeps the first of equals: 1258


def _unlikely(text: str) -> int:
    """Letters a Vietnamese text cannot hold: a tone mark left alone, a letter outside the alphabet,
    a capital inside a word, two tone marks in one word."""
    score, previous, tones = 0, " ", 0
    for char in text:
        if unicodedata.combining(char):
            score += 1
        elif char.isalpha():
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            if not (base.isascii() or base in VIETNAMESE):
                score += 1
            if char.isupper() and previous.islower():
                score += 1
            tones += any(c in TONE_MARKS for c in parts)
            score += tones > 1
        elif not (char.isascii() or char in PUNCTUATION):
            score += 1
        if not char.isalpha():
            tones = 0
        previous = char
    return score


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most sample lines into the same number of fields (more than one)."""
    lines = [line for line in text.splitlines()[: SAMPLE_LINES * 2] if line.strip()][:SAMPLE_LINES]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:  # a field past csv's limit split this way: the reading below refuses the file
            continue
        common = max(set(counts), key=counts.count) if counts else 1
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best
