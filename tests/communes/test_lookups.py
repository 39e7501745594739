"""`__among`: the rows an IN list of the same ids gives, on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest

from communes.models import Enrollment, Level, Unit
from tests.conftest import unit

pytestmark = pytest.mark.django_db


def _phong_tho_communes() -> list[Unit]:
    return list(Unit.objects.filter(parent=unit(Level.DISTRICT, "109")).order_by("code"))


def test_the_counts_of_some_communes_are_those_the_in_list_reads():
    ids = [u.pk for u in _phong_tho_communes()[:7]]
    among = Enrollment.objects.filter(unit__among=ids, month__year=2021)
    listed = Enrollment.objects.filter(unit__in=ids, month__year=2021)
    assert among.count() > 0
    assert sorted(among.values_list("pk", flat=True)) == sorted(listed.values_list("pk", flat=True))
    assert set(among.values_list("unit_id", flat=True)) <= set(ids)


def test_ids_may_come_as_a_dict_a_set_or_model_instances():
    communes = _phong_tho_communes()[:3]
    by_id = {u.pk: u for u in communes}
    expected = sorted(by_id)
    assert sorted(Unit.objects.filter(pk__among=by_id).values_list("pk", flat=True)) == expected
    assert sorted(Unit.objects.filter(pk__among=set(by_id)).values_list("pk", flat=True)) == expected
    assert sorted(Unit.objects.filter(pk__among=communes).values_list("pk", flat=True)) == expected


def test_no_ids_match_nothing_and_excluding_none_keeps_everything():
    assert not Enrollment.objects.filter(unit__among=[]).exists()
    assert Enrollment.objects.exclude(unit__among=[]).count() == Enrollment.objects.count()
    some = [u.pk for u in _phong_tho_communes()[:2]]
    assert Enrollment.objects.exclude(unit__among=some).count() == Enrollment.objects.exclude(unit__in=some).count()


def test_what_is_not_an_id_is_refused():
    with pytest.raises((TypeError, ValueError)):
        list(Enrollment.objects.filter(unit__among=["mười"], month=dt.date(2021, 1, 1)))


def test_no_ids_send_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(Enrollment.objects.filter(unit__among=[])) == []
