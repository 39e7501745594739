"""Excel 97–2003 (.xls) files written byte by byte, in memory: a BIFF8 workbook stream inside an OLE
compound file, as small as xlrd accepts. A hostile sheet (6.000 rows, 300 columns, 5 MB of shared
strings) costs milliseconds to make, and needs neither LibreOffice nor a committed file."""

import math
import struct

BOF, EOF, BOUNDSHEET, DIMENSIONS, LABEL, SST, CONTINUE = 0x0809, 0x000A, 0x0085, 0x0200, 0x0204, 0x00FC, 0x003C
SECTOR = 512
END_OF_CHAIN, FAT_SECTOR, FREE, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
MAX_RECORD = 8224


def record(code: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", code, len(body)) + body


def _bof(kind: int) -> bytes:
    return record(BOF, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _text(value: str) -> bytes:
    """XLUnicodeString, compressed (one byte a character): Latin text only."""
    return struct.pack("<HB", len(value), 0) + value.encode("latin-1")


def _shared_strings(count: int) -> bytes:
    """An SST of `count` one-letter strings, split into CONTINUE records as Excel does."""
    items = b"".join(struct.pack("<HB", 1, 0) + b"x" for _ in range(count))
    body = struct.pack("<II", count, count) + items
    out = record(SST, body[:MAX_RECORD])
    for start in range(MAX_RECORD, len(body), MAX_RECORD):
        out += record(CONTINUE, body[start : start + MAX_RECORD])
    return out


def workbook_stream(cells: list[tuple[int, int, str]], *, dimensions: tuple[int, int], strings: int = 0) -> bytes:
    """Globals naming one sheet "Sheet", then the sheet: DIMENSIONS (rows, columns) and a LABEL a cell."""
    sheet = _bof(0x0010)
    sheet += record(DIMENSIONS, struct.pack("<IIHHH", 0, dimensions[0], 0, dimensions[1], 0))
    sheet += b"".join(record(LABEL, struct.pack("<HHH", r, c, 0) + _text(v)) for r, c, v in cells)
    sheet += record(EOF)
    shared = _shared_strings(strings) if strings else b""

    def boundsheet(position: int) -> bytes:
        return record(BOUNDSHEET, struct.pack("<IBBBB", position, 0, 0, len(b"Sheet"), 0) + b"Sheet")

    position = len(_bof(0x0005)) + len(shared) + len(boundsheet(0)) + len(record(EOF))
    return _bof(0x0005) + shared + boundsheet(position) + record(EOF) + sheet


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """An OLE compound file (version 3, 512-byte sectors) holding one stream, no mini stream."""
    stream = stream.ljust(max(4096, math.ceil(len(stream) / SECTOR) * SECTOR), b"\0")
    data_sectors = len(stream) // SECTOR
    fat_sectors = 1
    while (data_sectors + 1 + fat_sectors) > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    assert fat_sectors <= 109, "one DIFAT in the header is enough for files under 6 MB"
    directory_at = data_sectors
    fat = [*range(1, data_sectors), END_OF_CHAIN, END_OF_CHAIN] + [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))
    difat = [directory_at + 1 + n for n in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, fat_sectors, directory_at, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
    header += struct.pack("<109I", *difat)
    directory = _entry("Root Entry", 5, child=1, start=END_OF_CHAIN, size=0) + _entry(
        name, 2, start=0, size=len(stream)
    )
    directory += _entry("", 0, start=0, size=0) * 2
    return header + stream + directory + struct.pack(f"<{len(fat)}I", *fat)


def _entry(name: str, kind: int, *, start: int, size: int, child: int = NO_STREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1 if kind else 0)
    entry += struct.pack("<III", NO_STREAM, NO_STREAM, child) + b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16
    return entry + struct.pack("<III", start, size, 0)


def xls(cells: list[tuple[int, int, str]], *, dimensions: tuple[int, int] | None = None, strings: int = 0) -> bytes:
    """An .xls with text `cells` (row, column, 0-based); `dimensions` what its header declares."""
    extent = dimensions or (max(r for r, _c, _v in cells) + 1, max(c for _r, c, _v in cells) + 1)
    return compound_file(workbook_stream(cells, dimensions=extent, strings=strings))
