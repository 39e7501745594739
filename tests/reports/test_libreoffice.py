"""The annex as LibreOffice reads it (Debian's libreoffice-calc-nogui; .ci/run installs it).

LibreOffice recomputes nothing we did not write: the totals it prints are the values stored,
so this proves the file opens in a second spreadsheet with the same numbers and diacritics.
"""

import csv
import subprocess

import pytest

from reports.excel_annex import annex_workbook
from targets.models import TargetDocument

pytestmark = pytest.mark.libreoffice
# UTF-8, comma separated, raw values rather than values as displayed
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def convert_to_csv(soffice: str, workbook: bytes, directory) -> list[list[str]]:
    source = directory / "annex.xlsx"
    source.write_bytes(workbook)
    # A private profile: parallel runs (and a user's open LibreOffice) do not collide.
    profile = (directory / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(directory / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    [output] = list((directory / "out").glob("*.csv"))
    with open(output, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _row(rows, name: str) -> list[str]:
    [row] = [r for r in rows if len(r) > 1 and r[1] == name]
    return row


def _percent(text: str) -> float:
    return float(text.rstrip("%"))


def test_libreoffice_reads_the_annex_with_the_same_totals(db, soffice, tmp_path):
    plan = TargetDocument.objects.get(number="231/KH-UBND")
    rows = convert_to_csv(soffice, annex_workbook(plan), tmp_path)
    assert rows[0][0] == "CHỈ TIÊU BAO PHỦ BHYT TRÊN ĐỊA BÀN HUYỆN PHONG THỔ GIAI ĐOẠN 2022 - 2025"
    total = _row(rows, "Tổng cộng")
    assert total[2:4] == ["82818", "70913"]
    assert _percent(total[4]) == pytest.approx(85.63)
    assert total[5:7] == ["83946", "80627"]
    khong_lao = _row(rows, "Khổng Lào")
    assert khong_lao[2:4] == ["3913", "1663"] and _percent(khong_lao[4]) == pytest.approx(42.50)
    assert _percent(_row(rows, "UBND tỉnh giao")[16]) == pytest.approx(96.20)
