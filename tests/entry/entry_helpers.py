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
