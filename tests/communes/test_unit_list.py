"""Today's national list: loaded with the units, idempotent, and a later decree's list loads the same way."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from communes.models import Level, Unit
from communes.seed import FIXTURES, NATIONAL_LIST, NATIONAL_LIST_EFFECTIVE, load_units
from communes.unit_list import UnitListError, load_unit_list, read_unit_list

TODAY = dt.date(2026, 12, 2)


def test_today_the_country_has_34_provinces_and_3321_communes(db):
    assert Unit.objects.provinces().in_force(TODAY).count() == 34
    communes = Unit.objects.communes().in_force(TODAY)
    assert communes.count() == 3321
    assert communes.filter(kind="Xã").count() == 2611
    assert communes.filter(kind="Phường").count() == 697
    assert communes.filter(kind="Đặc khu").count() == 13
    assert not Unit.objects.districts().in_force(TODAY).exists()
    # Every commune of today sits directly under its province.
    assert not communes.exclude(parent__level=Level.PROVINCE).exists()
    assert Unit.objects.communes().in_force(TODAY).filter(parent__code="12").count() == 38


def test_the_units_the_two_districts_became_are_the_same_records_not_copies(db):
    # 07537 is Xã Biên Sơn since 7/2025 in both files: one unit, with its recorded predecessors.
    bien_son = Unit.objects.filter(level=Level.COMMUNE, code="07537", valid_from=NATIONAL_LIST_EFFECTIVE)
    assert bien_son.count() == 1
    assert bien_son.get().predecessions.count() >= 2
    assert Unit.objects.provinces().filter(code="24").in_force(TODAY).get().name == "Bắc Ninh"


def test_loading_the_national_list_again_changes_nothing(db):
    before = sorted(Unit.objects.values_list("pk", "code", "name", "valid_from", "valid_to"))
    report = load_unit_list(read_unit_list(FIXTURES / NATIONAL_LIST), effective=NATIONAL_LIST_EFFECTIVE, source="x")
    assert not report.changed
    assert report.unchanged == 3355
    load_units()
    assert sorted(Unit.objects.values_list("pk", "code", "name", "valid_from", "valid_to")) == before


def _later_list(tmp_path):
    """Today's list as a later decree might change it: one commune gone, one renamed, one new, one
    moved to another province."""
    with open(FIXTURES / NATIONAL_LIST, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows = [r for r in rows if r["code"] != "03390"]  # Xã Bình Lư merged away
    for row in rows:
        if row["code"] == "03394":
            row["name"], row["type"] = "Sin Hồ Mới", "Phường"
        if row["code"] == "03405":
            row["province_code"] = "11"
    rows.append(
        {
            "level": "commune",
            "code": "99999",
            "full_name": "Xã Mới",
            "name": "Mới",
            "type": "Xã",
            "province_code": "12",
            "name_en": "Moi",
        }
    )
    path = tmp_path / "units-2027.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_later_list_opens_new_units_and_closes_ended_ones_the_day_before(db, tmp_path):
    count = Unit.objects.count()
    out = io.StringIO()
    call_command("load_unit_list", str(_later_list(tmp_path)), "--effective", "2027-01-01", stdout=out)
    text = out.getvalue()
    assert "1 đơn vị mới" in text and "1 đổi tên hoặc loại" in text and "1 đổi tỉnh" in text and "1 chấm dứt" in text
    binh_lu = Unit.objects.get(level=Level.COMMUNE, code="03390")
    assert binh_lu.valid_to == dt.date(2026, 12, 31)  # nothing deleted: closed the day before
    renamed = Unit.objects.filter(level=Level.COMMUNE, code="03394").order_by("valid_from")
    assert [(u.full_name, u.valid_to) for u in renamed] == [
        ("Xã Sin Suối Hồ", dt.date(2026, 12, 31)),
        ("Phường Sin Hồ Mới", None),
    ]
    moved = Unit.objects.communes().filter(code="03405").in_force(dt.date(2027, 1, 1)).get()
    assert moved.parent.code == "11" and moved.valid_from == dt.date(2027, 1, 1)
    new = Unit.objects.get(code="99999")
    assert new.valid_from == dt.date(2027, 1, 1) and new.parent.code == "12"
    assert Unit.objects.count() == count + 3  # the new, the renamed and the moved; none removed
    # Again: nothing more changes.
    out = io.StringIO()
    call_command("load_unit_list", str(_later_list(tmp_path)), "--effective", "2027-01-01", stdout=out)
    assert "0 đơn vị mới, 0 đổi tên hoặc loại, 0 đổi tỉnh, 0 chấm dứt" in out.getvalue()
    assert Unit.objects.count() == count + 3


def test_a_later_list_leaves_the_history_of_an_ended_unit_where_it_was(db, tmp_path):
    from tests.conftest import make_counts

    binh_lu = Unit.objects.communes().in_force(TODAY).get(code="03390")
    make_counts(binh_lu, dt.date(2026, 11, 1), population=5000, enrolled=4800)
    call_command("load_unit_list", str(_later_list(tmp_path)), "--effective", "2027-01-01", stdout=io.StringIO())
    binh_lu.refresh_from_db()
    assert binh_lu.enrollments.get().enrolled == 4800 and binh_lu.valid_to == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    "content, message",
    [
        ("level,code,name\nprovince,01,Hà Nội\n", "thiếu cột"),
        (
            "level,code,name,type,province_code\nprovince,01,Hà Nội,Thành phố,\nprovince,01,Hà Nội,Thành phố,\n",
            "lặp lại",
        ),
        ("level,code,name,type,province_code\ncommune,00004,Ba Đình,Phường,77\n", "không có tỉnh mã 77"),
        ("level,code,name,type,province_code\ndistrict,001,Ba Đình,Quận,01\n", "cấp"),
    ],
)
def test_a_broken_list_is_refused_whole_and_changes_nothing(db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    before = Unit.objects.count()
    with pytest.raises(UnitListError, match=message):
        read_unit_list(path)
    with pytest.raises(CommandError, match=message):
        call_command("load_unit_list", str(path), "--effective", "2027-01-01")
    assert Unit.objects.count() == before


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_unit_list", str(FIXTURES / NATIONAL_LIST), "--effective", "01/07/2025")
