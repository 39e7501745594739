"""A sheet as plain values, whatever file it came from: what the readers hand to the pages."""

import datetime as dt
from dataclasses import dataclass, field

Value = str | int | float | None


@dataclass
class Table:
    """`rows[0]` is the sheet's row 1; a row ends at its last non-empty cell.

    `merged` holds .xlsx merged ranges as (first row, first column, last row, last column), 1-based:
    a title merged across the table is one value, in its top-left cell."""

    sheet: str
    rows: list[list[Value]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # every sheet of the file, for the page to offer

    def value(self, row: int, column: int) -> Value:
        """The value shown at (row, column), 1-based: a merged cell shows its range's top-left value."""
        for first_row, first_column, last_row, last_column in self.merged:
            if first_row <= row <= last_row and first_column <= column <= last_column:
                row, column = first_row, first_column
                break
        if row > len(self.rows) or column > len(self.rows[row - 1]):
            return None
        return self.rows[row - 1][column - 1]


def plain(value) -> Value:
    """Readers' values as str, int, float or None: 4179.0 is 4179, dates as Vietnamese offices write them."""
    if value is None or isinstance(value, str):
        return value if value is None or value.strip() else None
    if isinstance(value, bool):  # before int: True is an int, and no count is "TRUE"
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.datetime):
        return f"{value:%H:%M %d/%m/%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def trimmed(values: list[Value]) -> list[Value]:
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    return values[:end]
