"""Posting the entry grid the way a browser does: every input as rendered, some of them changed."""

import html
import re

from tests.conftest import PASSWORD

INPUT = re.compile(r'<input(?![^>]*type="checkbox")[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"')
CONFIRM = re.compile(r'<input type="checkbox" name="([^"]+-confirm)" value="([^"]+)"')
NOT_GRID = {"csrfmiddlewaretoken", "days", "next"}


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def form_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in INPUT.findall(page) if name not in NOT_GRID}


def confirmations(page: str) -> dict[str, list[str]]:
    """Every warning's box beside its cell, ticked: {"<code>-confirm": [tokens]}."""
    ticked: dict[str, list[str]] = {}
    for name, token in CONFIRM.findall(page):
        ticked.setdefault(name, []).append(html.unescape(token))
    assert ticked, "the page asks for no confirmation"
    return ticked


def post_grid(client, url: str, changes: dict[str, str], *, page: str | None = None, **extra):
    """GET the grid (unless a page is given), change some cells, POST it back."""
    page = page if page is not None else client.get(url).content.decode()
    data = form_fields(page)
    data.update(changes)
    data.update(extra)
    return client.post(url, data)


def make_namesakes(code: str):
    """A district of four communes: two bear the very same name (Xã An Bình, as communes of two
    districts of one province did before the reform), two differ only by their marks (Xã Thanh An,
    Xã Thạnh An, as in Hồ Chí Minh City today). Codes <code>0000 to <code>0003, in that order."""
    from communes.models import Unit
    from tests.reports.factories import make_district

    district = make_district(code, 4)
    communes = Unit.objects.filter(parent=district).order_by("code")
    for commune, name in zip(communes, ["An Bình", "An Bình", "Thanh An", "Thạnh An"], strict=True):
        commune.name = name
        commune.save(update_fields=["name"])
    return district
