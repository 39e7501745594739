"""The social-insurance office's monthly workbook for Lai Châu, built in memory as the office sends it:
a title block with merged cells, the header at row 7, the column numbers under it, 38 communes
spelled three ways, some counts typed as text, a total row and a signature block."""

import csv
import io
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

import pytest
from openpyxl import Workbook

# Province 12 in fixtures/units-2026.csv: (code, official name, short name).
LAI_CHAU = [
    ("03388", "Phường Đoàn Kết", "Đoàn Kết"),
    ("03390", "Xã Bình Lư", "Bình Lư"),
    ("03394", "Xã Sin Suối Hồ", "Sin Suối Hồ"),
    ("03405", "Xã Tả Lèng", "Tả Lèng"),
    ("03408", "Phường Tân Phong", "Tân Phong"),
    ("03424", "Xã Bản Bo", "Bản Bo"),
    ("03430", "Xã Khun Há", "Khun Há"),
    ("03433", "Xã Bum Tở", "Bum Tở"),
    ("03434", "Xã Nậm Hàng", "Nậm Hàng"),
    ("03439", "Xã Thu Lũm", "Thu Lũm"),
    ("03442", "Xã Pa Ủ", "Pa Ủ"),
    ("03445", "Xã Mường Tè", "Mường Tè"),
    ("03451", "Xã Mù Cả", "Mù Cả"),
    ("03460", "Xã Hua Bum", "Hua Bum"),
    ("03463", "Xã Tà Tổng", "Tà Tổng"),
    ("03466", "Xã Bum Nưa", "Bum Nưa"),
    ("03472", "Xã Mường Mô", "Mường Mô"),
    ("03478", "Xã Sìn Hồ", "Sìn Hồ"),
    ("03487", "Xã Lê Lợi", "Lê Lợi"),
    ("03503", "Xã Pa Tần", "Pa Tần"),
    ("03508", "Xã Hồng Thu", "Hồng Thu"),
    ("03517", "Xã Nậm Tăm", "Nậm Tăm"),
    ("03529", "Xã Tủa Sín Chải", "Tủa Sín Chải"),
    ("03532", "Xã Pu Sam Cáp", "Pu Sam Cáp"),
    ("03538", "Xã Nậm Mạ", "Nậm Mạ"),
    ("03544", "Xã Nậm Cuổi", "Nậm Cuổi"),
    ("03549", "Xã Phong Thổ", "Phong Thổ"),
    ("03562", "Xã Sì Lở Lầu", "Sì Lở Lầu"),
    ("03571", "Xã Dào San", "Dào San"),
    ("03583", "Xã Khổng Lào", "Khổng Lào"),
    ("03595", "Xã Than Uyên", "Than Uyên"),
    ("03598", "Xã Tân Uyên", "Tân Uyên"),
    ("03601", "Xã Mường Khoa", "Mường Khoa"),
    ("03613", "Xã Nậm Sỏ", "Nậm Sỏ"),
    ("03616", "Xã Pắc Ta", "Pắc Ta"),
    ("03618", "Xã Mường Than", "Mường Than"),
    ("03637", "Xã Mường Kim", "Mường Kim"),
    ("03640", "Xã Khoen On", "Khoen On"),
]
HEADER_ROW = 7
FIRST_ROW = 9  # under the header and the row of column numbers
HEADER = ["STT", "Tên đơn vị / Xã, phường", "Mã xã", "Số thẻ BHYT còn hạn", "Dân số", "Tỷ lệ (%)", "Ghi chú"]
EXTRA = ["Số thẻ hết hạn", "Tăng, giảm so với tháng trước", "Số người chưa tham gia BHYT"]


@dataclass(frozen=True)
class Commune:
    code: str
    official: str
    written: str  # as the office typed it this month
    count: int
    population: int


def _written(index: int, official: str, short: str) -> str:
    # The office's clerks spell names three ways: "Xã Bình Lư", "Bình Lư", "xã  bình lư".
    return [official, short, official.lower().replace(" ", "  ", 1)][index % 3]


def communes() -> list[Commune]:
    result = []
    for index, (code, official, short) in enumerate(LAI_CHAU):
        population = 3_000 + (index * 1_237) % 9_000
        count = population * (900 + (index % 7) * 12) // 1000
        result.append(Commune(code, official, _written(index, official, short), count, population))
    return result


def total_count() -> int:
    return sum(c.count for c in communes())


def total_population() -> int:
    return sum(c.population for c in communes())


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def grid(
    *,
    extra_columns: bool = False,
    total: int | None = None,
    bad: dict[int, str] | None = None,
    total_first: bool = False,
    listed: list[Commune] | None = None,
) -> list[list]:
    """The sheet as rows of values (row 1 first); `bad` replaces the count of the n-th commune;
    `listed` gives another province's communes (Lai Châu's 38 by default)."""
    listed = communes() if listed is None else listed
    count_sum, population_sum = sum(c.count for c in listed), sum(c.population for c in listed)
    header = HEADER[:5] + (EXTRA if extra_columns else []) + HEADER[5:]
    width = len(header)
    rows: list[list] = [[None] * width for _ in range(HEADER_ROW - 1)]
    rows[0][0], rows[0][4] = "BẢO HIỂM XÃ HỘI VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    rows[1][0], rows[1][4] = "BẢO HIỂM XÃ HỘI TỈNH LAI CHÂU", "Độc lập - Tự do - Hạnh phúc"
    rows[3][0] = "DANH SÁCH SỐ NGƯỜI THAM GIA BHYT THEO XÃ, PHƯỜNG"
    rows[4][0] = "Tháng 11 năm 2026 (số liệu chốt đến ngày 25/11/2026)"
    rows[5][width - 1] = "Đơn vị tính: người"
    rows.append(header)
    rows.append(["A", "B", "C", *(f"({n})" for n in range(1, width - 2))])
    total_row = ["Tổng cộng", None, None, count_sum if total is None else total, population_sum]
    total_row += [None] * len(EXTRA if extra_columns else []) + [round(count_sum * 100 / population_sum, 2), None]
    if total_first:
        rows.append(total_row)
    for index, commune in enumerate(listed):
        count = commune.count if index % 4 else _grouped(commune.count)  # every fourth typed as text "4.179"
        if bad and index in bad:
            count = bad[index]
        row = [index + 1, commune.written, commune.code, count, commune.population]
        row += [commune.count // 20, index % 5 - 2, commune.population - commune.count][: len(header) - 7]
        row += [round(commune.count * 100 / commune.population, 2), "Số liệu tạm tính" if index == 3 else None]
        rows.append(row)
    if not total_first:
        rows.append(total_row)
    rows += [
        [None] * width,
        [None, None, None, None, "Lai Châu, ngày 28 tháng 11 năm 2026"],
        [None, "NGƯỜI LẬP BIỂU", None, None, "KT. GIÁM ĐỐC"],
        [None, None, None, None, "PHÓ GIÁM ĐỐC"],
        [None] * width,
        [None] * width,
        [None, "Nguyễn Thị Hoa", None, None, "Trần Văn Minh"],
    ]
    return rows


def agency_workbook(**options) -> Workbook:
    rows = grid(**options)
    width = len(rows[HEADER_ROW - 1])
    book = Workbook()
    sheet = book.active
    sheet.title = "T11-2026"
    for row in rows:
        sheet.append(row)
    last = chr(64 + width)
    for cells in ("A1:C1", f"E1:{last}1", "A2:C2", f"E2:{last}2", f"A4:{last}4", f"A5:{last}5"):
        sheet.merge_cells(cells)
    listed = len(options["listed"]) if options.get("listed") is not None else len(LAI_CHAU)
    total_line = FIRST_ROW if options.get("total_first") else FIRST_ROW + listed
    sheet.merge_cells(f"A{total_line}:C{total_line}")
    signature = total_line + 2 if not options.get("total_first") else FIRST_ROW + listed + 2
    for offset in range(3):
        sheet.merge_cells(f"E{signature + offset}:{last}{signature + offset}")
    return book


def communes_of(units) -> list[Commune]:
    """Any province's communes as its office would list them (units: code, full_name and name)."""
    out = []
    for index, unit in enumerate(units):
        population = 3_000 + (index * 1_237) % 9_000
        written = _written(index, unit.full_name, unit.name)
        out.append(
            Commune(unit.code, unit.full_name, written, population * (900 + (index % 7) * 12) // 1000, population)
        )
    return out


def agency_xlsx(**options) -> bytes:
    buffer = io.BytesIO()
    agency_workbook(**options).save(buffer)
    return buffer.getvalue()


def _latin(text: str, encoding: str) -> str:
    """What survives a code page: each letter it cannot hold loses its marks (ư → u)."""
    out = []
    for char in text:
        try:
            char.encode(encoding)
            out.append(char)
        except UnicodeEncodeError:
            out.append(
                "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
                .replace("đ", "d")
                .replace("Đ", "D")
            )
    return "".join(out)


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 holds ư, ơ, ă, â, ê, ô, đ but writes the five tones as combining marks."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258")
    return out


def agency_csv(*, encoding: str = "utf-8-sig", delimiter: str = ";", **options) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in grid(**options):
        writer.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    text = buffer.getvalue()
    if encoding == "cp1258":
        return cp1258_bytes(text)
    return _latin(text, encoding).encode(encoding)


def latin_name(name: str, encoding: str = "cp1252") -> str:
    return _latin(name, encoding)


def soffice_or_skip() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.skip("LibreOffice is not installed: .xls files are made with it")
    return path


def to_xls(soffice: str, workbooks: dict[str, bytes], directory) -> dict[str, bytes]:
    """.xlsx → .xls (Excel 97–2003) through LibreOffice, several files in one run."""
    sources = []
    for name, data in workbooks.items():
        source = directory / f"{name}.xlsx"
        source.write_bytes(data)
        sources.append(str(source))
    profile = (directory / "profile").as_uri()  # a private profile: parallel runs do not collide
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xls",
            "--outdir",
            str(directory / "out"),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {name: (directory / "out" / f"{name}.xls").read_bytes() for name in workbooks}
