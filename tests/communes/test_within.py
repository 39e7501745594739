"""`within`: a unit and everything below it, whatever the level, before and after the 2025 reform."""

import pytest

from communes.models import Level, Unit


def _descendants(unit: Unit, children: dict[int, list[int]]) -> set[int]:
    found, stack = {unit.pk}, [unit.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


@pytest.mark.parametrize("level", [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE])
def test_within_is_the_unit_and_everything_below_it(db, level):
    children: dict[int, list[int]] = {}
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    units = list(Unit.objects.filter(level=level))
    assert units
    for unit in units:
        assert set(Unit.objects.within(unit).values_list("pk", flat=True)) == _descendants(unit, children), unit


def test_a_province_holds_its_districts_communes_and_its_own_communes_after_the_reform(db):
    provinces = [
        p
        for p in Unit.objects.filter(level=Level.PROVINCE)
        if Unit.objects.filter(parent=p, level=Level.COMMUNE).exists()
        and Unit.objects.filter(parent__parent=p, level=Level.COMMUNE).exists()
    ]
    assert provinces, "the seed data has a province with communes at both depths (before and after 2025)"
    province = provinces[0]
    communes = set(Unit.objects.communes().within(province).values_list("pk", flat=True))
    assert set(Unit.objects.filter(parent=province, level=Level.COMMUNE).values_list("pk", flat=True)) <= communes
    assert (
        set(Unit.objects.filter(parent__parent=province, level=Level.COMMUNE).values_list("pk", flat=True)) <= communes
    )


@pytest.mark.parametrize("level", [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE])
def test_the_commune_ids_under_a_unit_are_its_communes_within(db, level):
    for unit in Unit.objects.filter(level=level):
        expected = set(Unit.objects.communes().within(unit).values_list("pk", flat=True))
        # As a subquery, which is how it is used (a UNION for a province).
        under = Unit.objects.filter(pk__in=Unit.objects.commune_ids_under(unit))
        assert set(under.values_list("pk", flat=True)) == expected, unit
