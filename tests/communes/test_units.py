import datetime as dt

from communes.models import Level, Unit, UnitSuccession


def test_a_reused_code_resolves_by_date(db):
    assert Unit.objects.resolve(Level.COMMUNE, "07537", dt.date(2024, 6, 1)).name == "Phong Vân"
    assert Unit.objects.resolve(Level.COMMUNE, "07537", dt.date(2026, 1, 1)).name == "Biên Sơn"


def test_a_url_code_means_todays_unit_unless_a_year_is_given(db):
    assert Unit.objects.for_url(Level.COMMUNE, "07537").name == "Biên Sơn"
    assert Unit.objects.for_url(Level.COMMUNE, "07537", year=2021).name == "Phong Vân"


def test_districts_end_with_the_reform_and_communes_then_belong_to_the_province(db):
    luc_ngan = Unit.objects.for_url(Level.DISTRICT, "219")
    assert luc_ngan.valid_to == dt.date(2025, 6, 30)
    xa_luc_ngan = Unit.objects.resolve(Level.COMMUNE, "07582", dt.date(2025, 7, 1))
    assert xa_luc_ngan.parent.level == Level.PROVINCE and xa_luc_ngan.parent.name == "Bắc Ninh"


def test_xa_luc_ngan_has_five_predecessors(db):
    xa_luc_ngan = Unit.objects.resolve(Level.COMMUNE, "07582", dt.date(2025, 7, 1))
    names = set(UnitSuccession.objects.filter(successor=xa_luc_ngan).values_list("predecessor__name", flat=True))
    assert names == {"Phì Điền", "Giáp Sơn", "Đồng Cốc", "Tân Hoa", "Tân Quang"}


def test_thanh_hai_was_split_in_2025(db):
    thanh_hai = Unit.objects.resolve(Level.COMMUNE, "07549", dt.date(2024, 1, 1))
    assert not thanh_hai.successions.filter(whole=True).exists()
    assert thanh_hai.successions.count() == 2
