"""The load test's officer against the real entry grid: the page's form read, a few enrolled cells
typed, the whole form posted back, a warning confirmed, and the saved-figures check."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.test.utils import override_settings

from bench import today
from bench.forms import Field, Form, page_form
from bench.load_data import check_saved
from bench.officer import OfficerSaves, enrolled_cells, parse_count
from communes.models import Enrollment, Level, Role, Unit
from tests.conftest import make_user

MONTH = dt.date(2025, 9, 1)


def _grid(*cells: tuple[str, str]) -> Form:
    return Form(
        method="post",
        fields=[Field("csrfmiddlewaretoken", "hidden", "T"), *(Field(name, "text", value) for name, value in cells)],
    )


def test_counts_are_read_as_the_grid_writes_them():
    assert [parse_count(text) for text in ("46106", "46.106", "46 106", "", "4,5", "x")] == [46106] * 3 + [None] * 3


def test_only_the_enrolled_cells_are_typed_into():
    form = _grid(("a-population", "9.000"), ("a-enrolled", "8.000"), ("a-note", ""), ("b-enrolled", "7.000"))
    form.fields.append(Field("a-version", "hidden", "2"))
    assert enrolled_cells(form) == ["a-enrolled", "b-enrolled"]


def test_each_save_types_a_few_counts_just_above_the_first_seen_and_expects_every_cell():
    form = _grid(*((f"{code}-enrolled", "1.000") for code in ("a", "b", "c", "d", "e")))
    saves = OfficerSaves(province="12", month="2025-09")
    changes, expected = saves.edit(form)
    assert changes == {"a-enrolled": "1001", "b-enrolled": "1002", "c-enrolled": "1003"}
    assert expected == {"a": 1001, "b": 1002, "c": 1003, "d": 1000, "e": 1000}
    saves.saves += 1
    changes, _ = saves.edit(_grid(*((f"{c}-enrolled", "1.002") for c in "abcde")))
    # the next communes in turn, still measured from the count first seen, never drifting away
    assert changes == {"d-enrolled": "1002", "e-enrolled": "1003", "a-enrolled": "1004"}


def test_a_grid_without_counts_gives_nothing_to_type():
    assert OfficerSaves(province="12", month="2025-09").edit(_grid(("a-enrolled", ""))) == ({}, {})


@pytest.fixture
def lai_chau_month(db):
    today.load_figures(seed=5, provinces=["12"], last=MONTH)
    province = Unit.objects.provinces().in_force(MONTH).get(code="12")
    return province, make_user("canbo_tai_thu", Role.OFFICER, province)


def _post(client, path: str, data: list[tuple[str, str]]):
    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded")


@override_settings(ENTRY_CLOSE_DAYS=36500)
def test_an_officer_saves_the_real_grid_and_every_figure_is_stored_as_saved_last(client, lai_chau_month):
    province, officer = lai_chau_month
    client.force_login(officer)
    saves = OfficerSaves(province="12", month=f"{MONTH:%Y-%m}")
    for _ in range(2):
        form = page_form(client.get(saves.path).content.decode())
        changes, expected = saves.edit(form)
        assert (
            len(changes) == 3
            and len(expected) == Unit.objects.communes().filter(parent=province).in_force(MONTH).count()
        )
        assert _post(client, form.action or saves.path, form.data(changes)).status_code == 302
        saves.saves += 1
        assert check_saved({f"12|{MONTH:%Y-%m}": expected}) == []
    expected[next(iter(expected))] += 7
    problem = check_saved({f"12|{MONTH:%Y-%m}": expected})
    assert len(problem) == 1 and "1 of" in problem[0]


@override_settings(ENTRY_CLOSE_DAYS=36500)
def test_a_warning_is_confirmed_and_the_form_posted_again(client, lai_chau_month):
    province, officer = lai_chau_month
    client.force_login(officer)
    path = f"/provinces/12/entry/{MONTH:%Y-%m}/"
    form = page_form(client.get(path).content.decode())
    cell = enrolled_cells(form)[0]
    dropped = str(round(parse_count(form.values()[cell]) * 0.8))  # a fall of 20% from last month
    warned = _post(client, path, form.data({cell: dropped}))
    assert warned.status_code == 200
    again = page_form(warned.content.decode())
    assert again.asks_confirmation
    assert _post(client, path, again.data({cell: dropped}, confirm=True)).status_code == 302
    commune = cell.removesuffix("-enrolled")
    assert Enrollment.objects.get(unit__code=commune, unit__level=Level.COMMUNE, month=MONTH).enrolled == int(dropped)
