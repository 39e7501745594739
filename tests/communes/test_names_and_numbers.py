import pytest

from communes.names import name_key
from communes.numbers import NumberError, parse_count, parse_rate


@pytest.mark.parametrize("text", ["Nậm Xe", "xã Nậm Xe", "Xã  NẬM   XE", "nam xe", "X. Nam Xe"])
def test_names_match_ignoring_case_diacritics_spacing_and_prefix(text):
    assert name_key(text) == name_key("Nậm Xe")


def test_prefixes_for_towns_are_ignored():
    assert name_key("Thị trấn Phong Thổ") == name_key("TT Phong Thổ") == name_key("Phong Thổ")


def test_d_with_stroke_folds_to_d():
    assert name_key("Đồng Cốc") == "dongcoc"


@pytest.mark.parametrize("text", ["46106", "46.106", "46 106", "46\u00a0106"])
def test_counts_are_read_in_every_office_spelling(text):
    assert parse_count(text) == 46106


@pytest.mark.parametrize(
    "text, message",
    [
        ("-5", "không được âm"),
        ("46,5", "số nguyên"),
        ("4.61.06", "Không đọc được"),
        ("abc", "Không đọc được"),
        ("", "Chưa nhập"),
    ],
)
def test_bad_counts_say_why_in_vietnamese(text, message):
    with pytest.raises(NumberError, match=message):
        parse_count(text)


def test_rates_are_read_with_a_decimal_comma():
    assert str(parse_rate("42,50%")) == "42.50"
    assert str(parse_rate("96.05")) == "96.05"
    with pytest.raises(NumberError):
        parse_rate("120%")
