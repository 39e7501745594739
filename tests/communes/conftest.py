"""Counts the roll-up's tests start from."""

import pytest

from communes.models import Enrollment
from tests.conftest import make_counts

from .rollup_helpers import FEB, JAN, communes_of


@pytest.fixture
def two_districts(phong_tho, luc_ngan):
    """Two months of 2022 for a few communes of each district; one commune without a 2022
    population (its count must stay out of both sums)."""
    for index, commune in enumerate(communes_of(phong_tho)[:4]):
        make_counts(commune, JAN, population=3_000 + index, enrolled=2_500 + index)
        make_counts(commune, FEB, population=3_000 + index, enrolled=2_600 + index)
    for index, commune in enumerate(communes_of(luc_ngan)[:3]):
        make_counts(commune, FEB, population=5_000, enrolled=4_000 + index)
    orphan = communes_of(luc_ngan)[5]
    Enrollment.objects.create(unit=orphan, month=FEB, enrolled=999)
    return phong_tho, luc_ngan
