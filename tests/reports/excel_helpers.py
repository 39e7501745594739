"""Small helpers shared by the Excel tests."""

import io

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet


def open_sheet(content: bytes, index: int = 0) -> Worksheet:
    return load_workbook(io.BytesIO(content)).worksheets[index]


def find_row(sheet: Worksheet, name: str, column: int = 2) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == name:
            return row
    raise AssertionError(f"no row named {name!r}")


def row_values(sheet: Worksheet, row: int) -> list:
    return [c.value for c in sheet[row]]


def login(client, user) -> None:
    """Log in without hashing a password: these tests are about the pages, not the login."""
    client.force_login(user)
