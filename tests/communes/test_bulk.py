"""Rows written back in bulk (communes/bulk.py): the same values as Django's bulk_update would
write, NULLs, dates, times, decimals and keys included, across statements."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from communes import bulk
from communes.models import Enrollment, Level
from targets.models import Target, TargetDocument
from tests.conftest import make_counts, make_user


def test_counts_notes_users_and_times_are_written_back(phong_tho, monkeypatch):
    monkeypatch.setattr(
        bulk, "_MAX_PARAMS", {"sqlite": 12, "postgresql": 12}
    )  # two rows per statement: several statements
    officer = make_user("officer_bulk")
    at = timezone.make_aware(dt.datetime(2022, 2, 3, 10, 30))
    rows = [
        make_counts(commune, dt.date(2022, 1, 1), population=5_000, enrolled=4_000 + i)
        for i, commune in enumerate(phong_tho.children.order_by("code")[:5])
    ]
    for i, row in enumerate(rows):
        row.enrolled, row.note, row.entered_by, row.entered_at = 4_500 + i, "" if i % 2 else f"ghi chú {i}", officer, at
        row.version += 1
    assert bulk.update_in_bulk(rows, ["enrolled", "note", "version", "entered_by", "entered_at"]) == 5
    stored = list(Enrollment.objects.filter(pk__in=[r.pk for r in rows]).order_by("unit__code"))
    assert [(e.enrolled, e.note, e.entered_by_id, e.entered_at, e.version) for e in stored] == [
        (4_500 + i, "" if i % 2 else f"ghi chú {i}", officer.pk, at, rows[i].version) for i in range(5)
    ]


def test_decimals_and_nulls_are_written_back(db):
    document = TargetDocument.objects.get(number="231/KH-UBND")
    targets = list(Target.objects.filter(document=document, unit__level=Level.COMMUNE).order_by("pk")[:3])
    untouched = Target.objects.filter(document=document).exclude(pk__in=[t.pk for t in targets]).order_by("pk").first()
    before = (untouched.rate, untouched.planned_enrolled)
    targets[0].rate, targets[0].planned_enrolled = Decimal("97.35"), None
    targets[1].rate, targets[1].planned_enrolled = Decimal("88.00"), 1_234
    bulk.update_in_bulk(targets[:2], ["rate", "planned_enrolled"])
    assert list(
        Target.objects.filter(pk__in=[targets[0].pk, targets[1].pk])
        .order_by("pk")
        .values_list("rate", "planned_enrolled")
    ) == [(Decimal("97.35"), None), (Decimal("88.00"), 1_234)]
    untouched.refresh_from_db()
    assert (untouched.rate, untouched.planned_enrolled) == before


def test_nothing_to_write_writes_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.update_in_bulk([], ["enrolled"]) == 0


def test_only_the_given_rows_change(phong_tho):
    rows = [
        make_counts(c, dt.date(2022, 3, 1), population=100, enrolled=50)
        for c in phong_tho.children.order_by("code")[:2]
    ]
    rows[0].enrolled = 60
    bulk.update_in_bulk(rows[:1], ["enrolled"])
    assert Enrollment.objects.get(pk=rows[1].pk).enrolled == 50 and Enrollment.objects.get(pk=rows[0].pk).enrolled == 60


def test_what_bulk_update_would_refuse_or_keep_first(phong_tho):
    import pytest
    from django.db.models import F

    rows = [
        make_counts(c, dt.date(2022, 4, 1), population=100, enrolled=50)
        for c in phong_tho.children.order_by("code")[:2]
    ]
    first, again = Enrollment.objects.get(pk=rows[0].pk), Enrollment.objects.get(pk=rows[0].pk)
    first.enrolled, again.enrolled = 60, 71
    assert bulk.update_in_bulk([first, again, rows[1]], ["enrolled"]) == 2  # rows matched
    assert Enrollment.objects.get(pk=rows[0].pk).enrolled == 60  # as given first
    rows[1].enrolled = F("enrolled") + 1
    with pytest.raises(ValueError):
        bulk.update_in_bulk([rows[1]], ["enrolled"])
    with pytest.raises(ValueError):
        bulk.update_in_bulk([Enrollment(unit=rows[0].unit, month=dt.date(2022, 5, 1), enrolled=1)], ["enrolled"])
