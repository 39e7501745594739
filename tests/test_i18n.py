"""The English catalog is complete, and the language switch shows its labels."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[dict]:
    """Each entry's flags and fields (msgid, msgstr, msgstr[0]…), continuation lines joined."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry, key = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            elif line and not line.startswith("#"):
                key, value = line.split(" ", 1)
                entry[key] = ast.literal_eval(value)
        entries.append(entry)
    return entries


def test_the_english_catalog_has_no_untranslated_or_fuzzy_entry():
    entries = [e for e in _entries(CATALOG.read_text(encoding="utf-8")) if e.get("msgid")]
    assert len(entries) > 300
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if any(v == "" for k, v in e.items() if k.startswith("msgstr"))]
    assert fuzzy == [] and untranslated == []


def test_the_english_switch_shows_english_labels_on_the_district_page(client, leader):
    assert client.login(username=leader.username, password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        page = client.get("/districts/109/?year=2021").content.decode()
        assert "Coverage rate" in page and "People enrolled" in page
        assert "Tỷ lệ bao phủ" not in page
    finally:
        # The last request leaves its language active in this thread: later tests expect Vietnamese.
        client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Tỷ lệ bao phủ" in client.get("/districts/109/?year=2021").content.decode()


@pytest.mark.parametrize(
    ("url", "vietnamese", "english"),
    [
        # Phong Thổ's 2021 total (70.913 of 82.818 people, 85,63%) and a commune's population.
        ("/districts/109/?year=2021", ("82.818", "85,63%"), ("82,818", "85.63%")),
        ("/communes/03583/?year=2021", ("3.913",), ("3,913",)),
    ],
)
def test_numbers_take_the_chosen_languages_separators(client, leader, url, vietnamese, english):
    # Each page looks its separators up once for all its numbers: the switch must still reach them.
    assert client.login(username=leader.username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert all(text in page for text in vietnamese)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        page = client.get(url).content.decode()
        assert all(text in page for text in english) and not any(text in page for text in vietnamese)
    finally:
        client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
