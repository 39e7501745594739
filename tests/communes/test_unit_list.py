"""Today's national list: loaded with the units, idempotent, and a later decree's list loads the same way."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from communes.models import Level, Unit, UnitSuccession
from communes.seed import FIXTURES, NATIONAL_LIST, NATIONAL_LIST_EFFECTIVE, load_units
from communes.successors import successors_today
from communes.unit_list import UnitListError, load_unit_list, read_unit_list
from reports.lineage import lineage_of
from tests.conftest import NOW, make_counts

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


def _fixture_rows() -> list[dict[str, str]]:
    with open(FIXTURES / NATIONAL_LIST, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(tmp_path, rows: list[dict[str, str]]):
    path = tmp_path / "units-2027.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _later_list(tmp_path):
    """Today's list as a later decree might change it: one commune gone, one renamed, one new, one
    moved to another province."""
    rows = [r for r in _fixture_rows() if r["code"] != "03390"]  # Xã Bình Lư merged away
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
    return _write(tmp_path, rows)


def test_a_later_list_opens_new_units_and_closes_ended_ones_the_day_before(db, tmp_path):
    count = Unit.objects.count()
    out = io.StringIO()
    call_command("load_unit_list", str(_later_list(tmp_path)), "--effective", "2027-01-01", stdout=out)
    text = out.getvalue()
    assert "1 mới, 1 đổi tên, 1 đổi loại, 1 chuyển tỉnh, 0 xã theo tỉnh đổi tên hoặc loại, 1 giải thể" in text
    assert "2 quan hệ kế thừa được ghi" in text  # the renamed-and-retyped and the moved, each to its new record
    assert "xã 03394 Xã Sin Suối Hồ: đổi tên, đổi loại: Xã Sin Suối Hồ → Phường Sin Hồ Mới" in text
    assert "xã 03405 Xã Tả Lèng: chuyển tỉnh: Tỉnh Lai Châu → Tỉnh Điện Biên" in text
    assert "xã 03390 Xã Bình Lư: giải thể hoặc sáp nhập (đến 31/12/2026)" in text
    binh_lu = Unit.objects.get(level=Level.COMMUNE, code="03390")
    assert binh_lu.valid_to == dt.date(2026, 12, 31)  # nothing deleted: closed the day before
    renamed = Unit.objects.filter(level=Level.COMMUNE, code="03394").order_by("valid_from")
    assert [(u.full_name, u.valid_to) for u in renamed] == [
        ("Xã Sin Suối Hồ", dt.date(2026, 12, 31)),
        ("Phường Sin Hồ Mới", None),
    ]
    moved = Unit.objects.communes().filter(code="03405").in_force(dt.date(2027, 1, 1)).get()
    assert moved.parent.code == "11" and moved.valid_from == dt.date(2027, 1, 1)
    assert UnitSuccession.objects.get(successor=moved).predecessor.parent.full_name == "Tỉnh Lai Châu"
    new = Unit.objects.get(code="99999")
    assert new.valid_from == dt.date(2027, 1, 1) and new.parent.code == "12"
    assert Unit.objects.count() == count + 3  # the new, the renamed and the moved; none removed
    # Again: nothing more changes.
    out = io.StringIO()
    call_command("load_unit_list", str(_later_list(tmp_path)), "--effective", "2027-01-01", stdout=out)
    assert "0 mới, 0 đổi tên, 0 đổi loại, 0 chuyển tỉnh, 0 xã theo tỉnh đổi tên hoặc loại, 0 giải thể" in out.getvalue()
    assert Unit.objects.count() == count + 3


def test_the_units_a_list_changes_are_dated_for_a_sync_and_no_other(db, tmp_path, now_is):
    """Closed in one UPDATE, created in bulk, corrected with update_fields: each dated all the same."""
    Unit.objects.update(updated_at=NOW - dt.timedelta(days=1))
    call_command("load_unit_list", str(_later_list(tmp_path)), "--effective", "2027-01-01", stdout=io.StringIO())
    assert set(Unit.objects.filter(updated_at=NOW).values_list("code", "valid_to")) == {
        ("03390", dt.date(2026, 12, 31)),
        ("03394", dt.date(2026, 12, 31)),
        ("03394", None),
        ("03405", dt.date(2026, 12, 31)),
        ("03405", None),
        ("99999", None),
    }
    # The same day's list corrected: the unit it opened is corrected in place, and dated again.
    later = NOW + dt.timedelta(hours=1)
    now_is(later)
    with open(_later_list(tmp_path), encoding="utf-8") as handle:
        rows = [{**r, "name": "Mới Hơn"} if r["code"] == "99999" else r for r in csv.DictReader(handle)]
    call_command("load_unit_list", str(_write(tmp_path, rows)), "--effective", "2027-01-01", stdout=io.StringIO())
    assert list(Unit.objects.filter(updated_at=later).values_list("code", "name")) == [("99999", "Mới Hơn")]


def test_a_later_list_leaves_the_history_of_an_ended_unit_where_it_was(db, tmp_path):
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


JAN_2027 = dt.date(2027, 1, 1)


def _renamed_province_list(tmp_path):
    """From 2027: province 12 renamed Lai Châu Mới, and Xã Khổng Lào renamed Khổng Lào Thượng."""
    rows = _fixture_rows()
    for row in rows:
        if row["level"] == "province" and row["code"] == "12":
            row["name"], row["full_name"] = "Lai Châu Mới", "Tỉnh Lai Châu Mới"
        if row["code"] == "03583":
            row["name"], row["full_name"] = "Khổng Lào Thượng", "Xã Khổng Lào Thượng"
    return _write(tmp_path, rows)


def test_a_renamed_province_and_commune_are_carried_on_by_successions_and_reported(db, tmp_path):
    old_province = Unit.objects.provinces().in_force(TODAY).get(code="12")
    doan_ket = Unit.objects.communes().in_force(TODAY).get(code="03388")
    make_counts(doan_ket, dt.date(2026, 11, 1), population=20_000, enrolled=19_500)
    units, successions = Unit.objects.count(), UnitSuccession.objects.count()
    out = io.StringIO()
    call_command("load_unit_list", str(_renamed_province_list(tmp_path)), "--effective", "2027-01-01", stdout=out)
    text = out.getvalue()
    assert (
        "3.316 đơn vị không đổi, 0 mới, 2 đổi tên, 0 đổi loại, 0 chuyển tỉnh, 37 xã theo tỉnh đổi tên hoặc loại, "
        "0 giải thể hoặc sáp nhập (hiệu lực đến 31/12/2026); 39 quan hệ kế thừa được ghi."
    ) in text
    assert "tỉnh 12 Tỉnh Lai Châu: đổi tên: Tỉnh Lai Châu → Tỉnh Lai Châu Mới" in text
    assert "xã 03583 Xã Khổng Lào: đổi tên: Xã Khổng Lào → Xã Khổng Lào Thượng" in text
    assert "xã 03388 Phường Đoàn Kết: theo tỉnh đổi tên hoặc loại: Tỉnh Lai Châu → Tỉnh Lai Châu Mới" in text
    assert "chuyển tỉnh:" not in text  # the province is the same code: no commune moved

    # The province: closed the day before, carried on whole by its renamed record.
    old_province.refresh_from_db()
    new_province = Unit.objects.provinces().in_force(JAN_2027).get(code="12")
    assert (old_province.valid_to, new_province.full_name) == (dt.date(2026, 12, 31), "Tỉnh Lai Châu Mới")
    link = UnitSuccession.objects.get(predecessor=old_province)
    assert (link.successor, link.whole, link.effective_on) == (new_province, True, JAN_2027)
    # Each period's communes stay under the province of that period: 38 in 2026, 38 in 2027.
    assert Unit.objects.communes().filter(parent=old_province).in_force(dt.date(2026, 12, 31)).count() == 38
    assert Unit.objects.communes().filter(parent=new_province).in_force(JAN_2027).count() == 38

    # A commune that only followed its province: reopened, its figures where they were, succession whole.
    doan_ket.refresh_from_db()
    new_doan_ket = Unit.objects.communes().in_force(JAN_2027).get(code="03388")
    assert (doan_ket.valid_to, new_doan_ket.full_name, new_doan_ket.parent) == (
        dt.date(2026, 12, 31),
        "Phường Đoàn Kết",
        new_province,
    )
    assert doan_ket.enrollments.get().enrolled == 19_500
    assert successors_today(doan_ket, today=JAN_2027) == [new_doan_ket]

    # The renamed commune: its succession says what happened, and its lineage reaches back to 2021.
    khong_lao = Unit.objects.communes().filter(code="03583").in_force(dt.date(2026, 12, 31)).get()
    new_khong_lao = Unit.objects.communes().in_force(JAN_2027).get(code="03583")
    link = UnitSuccession.objects.get(predecessor=khong_lao)
    assert (link.successor, link.whole, link.note) == (
        new_khong_lao,
        True,
        "đổi tên: Xã Khổng Lào → Xã Khổng Lào Thượng (danh mục từ 01/01/2027)",
    )
    assert successors_today(khong_lao, today=JAN_2027) == [new_khong_lao]
    members = {(u.full_name, u.valid_to) for u in lineage_of(new_khong_lao).members}
    assert {("Xã Khổng Lào", dt.date(2026, 12, 31)), ("Xã Khổng Lào", dt.date(2025, 6, 30))} <= members

    assert (Unit.objects.count(), UnitSuccession.objects.count()) == (units + 39, successions + 39)
    # Again: nothing more changes, no succession written twice.
    out = io.StringIO()
    call_command("load_unit_list", str(_renamed_province_list(tmp_path)), "--effective", "2027-01-01", stdout=out)
    assert "3.355 đơn vị không đổi, 0 mới, 0 đổi tên" in out.getvalue()
    assert (Unit.objects.count(), UnitSuccession.objects.count()) == (units + 39, successions + 39)


def test_the_page_of_the_renamed_commune_before_links_to_it_after(db, tmp_path, client, leader):
    call_command(
        "load_unit_list", str(_renamed_province_list(tmp_path)), "--effective", "2027-01-01", stdout=io.StringIO()
    )
    client.force_login(leader)
    before = client.get("/communes/03583/?on=2026-12-31").content.decode()
    assert "Trở thành:" in before
    assert '<a href="/communes/03583/?on=2027-01-01">Xã Khổng Lào Thượng</a>' in before
    after = client.get("/communes/03583/?on=2027-01-01").content.decode()
    assert "Hình thành từ:" in after
    assert '<a href="/communes/03583/?on=2026-12-31">Xã Khổng Lào</a>' in after
