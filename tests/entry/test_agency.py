"""Reading the social-insurance office's monthly list: columns found by their words, rows read as written."""

import pytest

from communes.names import name_key
from entry.agency import Columns, column_candidates, find_columns, read_counts
from entry.table import Table
from entry.workbooks import read_rows

from .agency_examples import (
    FIRST_ROW,
    HEADER_ROW,
    LAI_CHAU,
    agency_csv,
    agency_xlsx,
    communes,
    latin_name,
    soffice_or_skip,
    to_xls,
    total_count,
    total_population,
)

COLUMNS = Columns(header_row=HEADER_ROW, name=2, count=4, population=5, first_row=HEADER_ROW + 1)


def read(data: bytes, filename: str = "bhxh-lai-chau-t11-2026.xlsx"):
    table = read_rows(data, filename)
    columns = find_columns(table)
    return table, columns, read_counts(table, columns) if columns else None


def table_of(*rows) -> Table:
    return Table(sheet="T11", rows=[list(r) for r in rows])


def test_it_finds_the_columns_under_a_title_block_with_the_header_at_row_7():
    table, columns, _rows = read(agency_xlsx())
    assert columns == COLUMNS
    assert (1, 1, 1, 3) in table.merged and table.value(4, 7) == "DANH SÁCH SỐ NGƯỜI THAM GIA BHYT THEO XÃ, PHƯỜNG"


def test_it_reads_each_commune_as_written_with_its_count_and_population():
    _table, _columns, result = read(agency_xlsx())
    expected = communes()
    assert [(r.line, r.name, r.count, r.population) for r in result.rows] == [
        (FIRST_ROW + i, c.written, c.count, c.population) for i, c in enumerate(expected)
    ]
    assert result.errors == [] and result.warnings == []
    # Three spellings of one name, all the caller's matcher needs.
    assert {r.name for r in result.rows[:3]} == {"Phường Đoàn Kết", "Bình Lư", "xã  sin suối hồ"}
    assert [name_key(r.name) for r in result.rows] == [name_key(official) for _code, official, _short in LAI_CHAU]


def test_a_count_typed_as_text_with_a_thousands_dot_is_read():
    table, _columns, result = read(agency_xlsx())
    assert isinstance(table.value(FIRST_ROW, 4), str) and "." in table.value(FIRST_ROW, 4)
    assert result.rows[0].count == communes()[0].count


def test_the_total_row_is_kept_apart_and_agrees_with_the_rows():
    _table, _columns, result = read(agency_xlsx())
    [total] = result.totals
    assert (total.line, total.label) == (FIRST_ROW + len(LAI_CHAU), "Tổng cộng")
    assert (
        (total.count, total.population)
        == (total_count(), total_population())
        == (result.counted, sum(r.population for r in result.rows))
    )
    assert not any("Tổng" in r.name for r in result.rows)


def test_a_total_that_disagrees_with_the_rows_is_a_warning_in_vietnamese():
    _table, _columns, result = read(agency_xlsx(total=total_count() + 12))
    line = FIRST_ROW + len(LAI_CHAU)
    assert result.errors == []
    written, counted = (f"{n:,}".replace(",", ".") for n in (total_count() + 12, total_count()))
    assert result.warnings == [
        f"Dòng {line} (“Tổng cộng”) ghi tổng {written} người có thẻ, cộng các dòng được {counted} (chênh 12): "
        "hãy kiểm tra lại với BHXH."
    ]


def test_a_total_row_above_the_communes_is_recognised():
    _table, _columns, result = read(agency_xlsx(total_first=True))
    assert [t.line for t in result.totals] == [FIRST_ROW]
    assert len(result.rows) == 38 and result.rows[0].line == FIRST_ROW + 1 and result.warnings == []


def test_a_bad_number_is_reported_with_its_line_and_the_others_are_read():
    _table, _columns, result = read(agency_xlsx(bad={5: "4,17a", 9: "-12"}))
    assert result.errors == [
        "Dòng 14 (xã  bản bo): Không đọc được số “4,17a” (viết 46106, 46.106 hoặc 46 106).",
        "Dòng 18 (Xã Thu Lũm): Số người không được âm.",
    ]
    assert len(result.rows) == 38 and result.rows[5].count is None and result.rows[6].count == communes()[6].count
    assert result.warnings == []  # no sum is compared while a row is in error


def test_the_signature_block_ends_the_table():
    _table, _columns, result = read(agency_xlsx())
    assert result.rows[-1].name == communes()[-1].written
    assert not any(name in r.name for r in result.rows for name in ("NGƯỜI LẬP", "Nguyễn Thị Hoa", "Lai Châu, ngày"))


def test_extra_columns_are_ignored():
    table, columns, result = read(agency_xlsx(extra_columns=True))
    assert table.value(HEADER_ROW, 6) == "Số thẻ hết hạn"
    assert columns == COLUMNS
    assert result.counted == total_count() and result.warnings == []


def test_a_sheet_without_recognisable_headers_gives_no_columns():
    table = table_of(["BÁO CÁO THÁNG 11"], [], ["1", "Bình Lư", "4.179"], ["2", "Tả Lèng", "3.020"])
    assert find_columns(table) is None
    assert column_candidates(table).header_row is None


def test_two_count_columns_are_left_to_the_officer_with_the_candidates():
    table = table_of(
        ["STT", "Xã, phường", "Số người tham gia BHYT", "Số thẻ BHYT", "Dân số"],
        [1, "Bình Lư", 4179, 4100, 4500],
    )
    assert find_columns(table) is None
    found = column_candidates(table)
    assert (found.header_row, found.name, found.count, found.population) == (1, [2], [3, 4], [5])
    assert found.headers[4] == "Số thẻ BHYT"


def test_the_valid_cards_column_is_taken_over_the_total_cards_and_the_expired_ones():
    table = table_of(
        [None, None, "Số thẻ BHYT", None, None],
        ["TT", "Địa bàn", "Tổng số thẻ", "Thẻ còn hạn", "Thẻ hết hạn"],
        [1, "Khun Há", 3500, 3400, 100],
    )
    assert find_columns(table) == Columns(header_row=2, name=2, count=4, first_row=3)


def test_a_two_level_header_is_read_across_its_merged_cells():
    table = Table(
        sheet="T11",
        rows=[
            ["STT", "Tên đơn vị", "Số thẻ BHYT", None, "Dân số"],
            [None, None, "Còn hạn", "Hết hạn"],
            [1, "Bum Tở", 2210, 40, 2400],
        ],
        merged=[(1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 4), (1, 5, 2, 5)],
    )
    columns = find_columns(table)
    assert columns == Columns(header_row=1, name=2, count=3, population=5, first_row=3)
    assert [(r.name, r.count, r.population) for r in read_counts(table, columns).rows] == [("Bum Tở", 2210, 2400)]


def test_a_header_repeated_after_a_page_break_and_the_column_numbers_are_skipped():
    header = ["STT", "Tên xã", "Số người có thẻ BHYT"]
    table = table_of(
        header, ["(1)", "(2)", "(3)"], [1, "Pa Ủ", 1500], header, [2, "Mù Cả", "2 210"], ["Cộng", None, 3710]
    )
    result = read_counts(table, find_columns(table))
    assert [(r.line, r.name, r.count) for r in result.rows] == [(3, "Pa Ủ", 1500), (5, "Mù Cả", 2210)]
    assert [(t.label, t.count) for t in result.totals] == [("Cộng", 3710)] and result.warnings == []


def test_a_commune_named_like_a_total_word_is_still_a_commune():
    table = table_of(["TT", "Đơn vị", "Số thẻ BHYT còn hạn"], [1, "Tông Qua Lìn", 800], [2, "Công Bằng", 900])
    assert [r.name for r in read_counts(table, find_columns(table)).rows] == ["Tông Qua Lìn", "Công Bằng"]


def test_a_count_above_the_population_is_a_warning():
    table = table_of(["TT", "Xã", "Số thẻ BHYT còn hạn", "Dân số"], [1, "Pa Tần", 5200, 5000])
    result = read_counts(table, find_columns(table))
    assert result.errors == []
    assert result.warnings == ["Dòng 2 (Pa Tần): số người có thẻ 5.200 lớn hơn dân số 5.000."]


def test_a_commune_without_a_count_is_an_error_and_a_count_without_a_name_too():
    table = table_of(["TT", "Xã", "Số thẻ BHYT còn hạn"], [1, "Pa Tần", None], [2, None, 1200])
    assert read_counts(table, find_columns(table)).errors == [
        "Dòng 2 (Pa Tần): Chưa nhập số.",
        "Dòng 3: có số nhưng không có tên xã.",
    ]


# -- the same list as CSV and as .xls ---------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_a_utf8_csv_with_a_byte_order_mark_is_read(delimiter):
    data = agency_csv(encoding="utf-8-sig", delimiter=delimiter)
    assert data.startswith(b"\xef\xbb\xbf")
    table, columns, result = read(data, "bhxh.csv")
    assert columns == COLUMNS and table.sheet == "bhxh.csv"
    assert [r.name for r in result.rows] == [c.written for c in communes()]
    assert result.counted == total_count() and result.warnings == [] and result.errors == []


def test_a_cp1252_csv_is_read_with_what_the_code_page_kept():
    _table, columns, result = read(agency_csv(encoding="cp1252"), "bhxh.csv")
    assert columns == COLUMNS
    assert [r.name for r in result.rows] == [latin_name(c.written) for c in communes()]
    assert result.rows[1].name == "Bình Lu" and result.counted == total_count()


def test_a_windows_1258_csv_is_read_as_vietnamese():
    _table, columns, result = read(agency_csv(encoding="cp1258"), "bhxh.csv")
    assert columns == COLUMNS
    assert [r.name for r in result.rows] == [c.written for c in communes()]


@pytest.mark.libreoffice
def test_the_same_list_saved_as_xls_reads_the_same(tmp_path):
    files = to_xls(soffice_or_skip(), {"bhxh": agency_xlsx(), "bad": agency_xlsx(bad={5: "4,17a"})}, tmp_path)
    expected = read(agency_xlsx())[2]
    table, columns, result = read(files["bhxh"], "bhxh.xls")
    assert table.sheet == "T11-2026" and columns == COLUMNS
    assert result.rows == expected.rows and result.totals == expected.totals and result.warnings == []
    assert read(files["bad"], "bhxh.xls")[2].errors == expected.errors + [
        "Dòng 14 (xã  bản bo): Không đọc được số “4,17a” (viết 46106, 46.106 hoặc 46 106)."
    ]
