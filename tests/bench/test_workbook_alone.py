"""openpyxl alone writing an export's workbook: the same workbook, timed apart from the export."""

import io

import openpyxl
import pytest
from django.test.utils import override_settings

from bench.harness import Runner
from bench.results import Case
from bench.workbook_alone import read, write, writing
from reports.annex_actuals import annex_actuals_workbook
from targets.models import TargetDocument
from tests.bench.test_harness import _runner


@pytest.fixture
def plan(db):
    return TargetDocument.objects.get(number="231/KH-UBND")


def _look(cell):
    return (
        cell.value,
        cell.data_type,
        cell.number_format,
        cell.font.b,
        cell.font.i,
        cell.font.sz,
        cell.fill.fgColor.rgb,
        cell.border.left.style,
        cell.alignment.horizontal,
        cell.alignment.wrap_text,
    )


def _sheets(content: bytes) -> list[dict]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        {
            "title": sheet.title,
            "cells": {cell.coordinate: _look(cell) for row in sheet.iter_rows() for cell in row},
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "widths": {k: d.width for k, d in sheet.column_dimensions.items() if d.width},
            "heights": {k: d.height for k, d in sheet.row_dimensions.items() if d.height},
        }
        for sheet in book.worksheets
    ]


def test_the_workbook_written_again_is_the_exports_own(plan):
    exported = annex_actuals_workbook(plan)
    copied = read(exported)
    written = _sheets(write(copied))
    assert written == _sheets(exported)
    # The annex beside its actuals: the plan's merged headers, bold totals, counts and rates.
    sheet = written[0]
    assert sheet["cells"]["A1"][0].startswith("CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN HUYỆN PHONG THỔ")
    assert len(sheet["merged"]) > 10 and sheet["widths"] and sheet["heights"]
    formats = {look[2] for look in sheet["cells"].values()}
    assert {"#,##0", "0.00%"} <= formats
    assert copied.cell_count > 500 and len(copied.styles) > 3


def test_text_that_looks_like_a_formula_is_written_back_as_text():
    book = openpyxl.Workbook()
    cell = book.active.cell(row=1, column=1, value="=SUM(A2:A3)")
    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    again = openpyxl.load_workbook(io.BytesIO(write(read(out.getvalue())))).active["A1"]
    assert (again.value, again.data_type) == ("=SUM(A2:A3)", "s")


@override_settings(ROOT_URLCONF="bench.urls")
def test_an_export_case_times_the_library_alone_and_a_missing_export_gives_none(plan):
    runner: Runner = _runner()
    description, timed = writing(runs=2)
    assert "openpyxl" in description
    exported = Case("phụ lục", f"/documents/{plan.pk}/annex-actuals.xlsx")
    assert timed(runner, exported) > 0
    assert timed(runner, Case("không có", "/documents/999999/annex-actuals.xlsx")) is None
