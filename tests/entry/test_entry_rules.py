"""One source for the grid's rules: what the page carries is what the server judges with, and each
warning is confirmed beside its cell by a token naming exactly the figures it was about."""

import json
import re

import pytest
from django.utils import translation

from communes.names import _PREFIXES, name_key
from communes.numbers import MAX_COUNT, NumberError, parse_count
from entry.rules import client_rules, message

from .entry_helpers import confirmations, login, post_grid

URL = "/districts/109/entry/2022-01/"
KHONG_LAO, MA_LY_PHO = "03583", "03574"  # Dec 2021: 1.663 and 1.336


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100_000


def page_data(page: str) -> dict:
    return json.loads(re.search(r'<script id="entry-data" type="application/json">(.*?)</script>', page, re.S)[1])


def test_the_number_messages_are_the_parsers_own():
    rules = client_rules()
    for typed, name in (("-1", "negative"), ("12,5", "not_whole"), (str(MAX_COUNT + 1), "too_large")):
        with pytest.raises(NumberError) as error:
            parse_count(typed)
        assert rules["messages"][name] == str(error.value)
    with pytest.raises(NumberError) as error:
        parse_count("abc")
    assert rules["messages"]["unreadable"] % {"text": "abc"} == str(error.value)


def test_the_thresholds_and_bounds_come_from_the_settings(settings):
    settings.ENTRY_DROP_WARNING = 0.08
    rules = client_rules()
    assert rules["drop"] == [2, 25] and rules["maxCount"] == MAX_COUNT == 200_000_000
    assert rules["prefixes"] == list(_PREFIXES) and rules["thousands"] == "." and rules["decimal"] == ","


def test_the_rules_follow_the_language():
    with translation.override("en"):
        assert client_rules()["thousands"] == ","


def test_the_page_carries_the_rules_and_the_communes_name_keys(client, officer_phong_tho):
    login(client, officer_phong_tho)
    data = page_data(client.get(URL).content.decode())
    assert data["rules"] == client_rules()
    assert data["names"][name_key("Xã Khổng Lào")] == [KHONG_LAO]
    assert data["names"][name_key("Không Lào")] == [KHONG_LAO]  # the annex's spelling, a known alias
    assert data["names"][name_key("Thị trấn")] == ["03549"]
    assert data["draft"] == f"bhyt-entry-draft:{officer_phong_tho.pk}:district:109:2022-01"


def test_the_servers_messages_are_the_templates_the_page_carries(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}).content.decode()
    assert message("drop", drop=163, month="12/2021", before=1663) in page
    assert client_rules()["messages"]["drop"] % {"drop": "163", "month": "12/2021", "before": "1.663"} in page


def test_each_warning_is_confirmed_beside_its_cell(client, officer_phong_tho):
    login(client, officer_phong_tho)
    cells = {f"{KHONG_LAO}-enrolled": "1500", f"{MA_LY_PHO}-enrolled": "1200"}
    page = post_grid(client, URL, cells).content.decode()
    ticked = confirmations(page)
    assert ticked == {f"{KHONG_LAO}-confirm": ["enrolled:1663:1500"], f"{MA_LY_PHO}-confirm": ["enrolled:1336:1200"]}
    # One of the two confirmed: nothing saved, and the confirmed box stays ticked.
    again = post_grid(client, URL, cells, page=page, **{f"{KHONG_LAO}-confirm": "enrolled:1663:1500"})
    assert again.status_code == 200
    assert 'value="enrolled:1663:1500" checked' in again.content.decode()
    assert post_grid(client, URL, cells, page=page, **ticked).status_code == 302


def test_a_confirmation_names_the_figures_it_covers(client, officer_phong_tho):
    login(client, officer_phong_tho)
    page = post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}).content.decode()
    # Another commune's box, or a box forged for another figure, confirms nothing.
    forged = {f"{MA_LY_PHO}-confirm": "enrolled:1663:1500", f"{KHONG_LAO}-confirm": "enrolled:1663:1499"}
    assert post_grid(client, URL, {f"{KHONG_LAO}-enrolled": "1500"}, page=page, **forged).status_code == 200
