"""The portal's number formatting gives, to the character, what Django's number_format gives."""

import random
from decimal import Decimal

import pytest
from django.utils import formats, translation

from reports.formatting import fmt_decimal, fmt_int, fmt_rate, separators_fixed


def _django_decimal(value, places: int) -> str:
    return formats.number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True).replace(
        "-", "−"
    )


def _values():
    rng = random.Random(2021)
    fixed = [
        "0",
        "-0",
        "0.004",
        "-0.004",
        "0.005",
        "0.05",
        "-0.05",
        "0.5",
        "-0.5",
        "1",
        "999",
        "1000",
        "-1000",
        "46106",
        "86.06",
        "86.069",
        "99.995",
        "100",
        "1234567.891",
        "-1234567.891",
        "12345678901234",
    ]
    drawn = [str(Decimal(rng.randint(-(10**9), 10**9)).scaleb(-rng.randint(0, 6))) for _ in range(500)]
    return [Decimal(v) for v in fixed + drawn]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_decimals_and_counts_read_as_djangos_number_format(language):
    with translation.override(language):
        for value in _values():
            for places in (0, 1, 2, 3):
                assert fmt_decimal(value, places) == _django_decimal(value, places), (value, places)
            whole = int(value)
            assert fmt_int(whole) == formats.number_format(whole, decimal_pos=0, use_l10n=True, force_grouping=True)


def test_the_portals_own_forms():
    with translation.override("vi"):
        assert (fmt_int(46106), fmt_rate(Decimal("86.06")), fmt_int(None)) == ("46.106", "86,06%", "–")
        assert fmt_decimal(Decimal("1.5"), signed=True) == "+1,50" and fmt_decimal(Decimal("-1.5")) == "−1,50"
        assert (fmt_int(""), fmt_decimal(""), fmt_rate(""), fmt_rate(None)) == ("–", "–", "–", "–")
    with translation.override("en"):
        assert (fmt_int(46106), fmt_rate(Decimal("86.06"))) == ("46,106", "86.06%")


def test_separators_fixed_for_a_table_follow_the_language_then_let_go():
    with translation.override("en"), separators_fixed():
        assert (fmt_int(46106), fmt_rate(Decimal("86.06"))) == ("46,106", "86.06%")
    with translation.override("vi"):
        assert (fmt_int(46106), fmt_rate(Decimal("86.06"))) == ("46.106", "86,06%")
        with separators_fixed():
            assert fmt_decimal(Decimal("1234.5"), signed=True) == "+1.234,50"
        with translation.override("en"):
            assert fmt_int(46106) == "46,106"
