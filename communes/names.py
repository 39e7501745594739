"""Matching commune names as documents spell them.

Documents misspell names, drop diacritics, and add or omit prefixes ("Xã", "TT", "Thị trấn"):
a name is reduced to a key that ignores all of that, and aliases carry the rest.
"""

import re
import unicodedata
from functools import lru_cache

_PREFIXES = (
    "thi tran",
    "thi xa",
    "thanh pho",
    "phuong",
    "huyen",
    "tinh",
    "xa",
    "tt.",
    "tt",
    "tx.",
    "tx",
    "tp.",
    "tp",
    "p.",
    "x.",
)


# Both are pure and called again and again with the same few thousand names (an import matches 500
# rows against a province's communes on every preview): remembered, bounded.
@lru_cache(maxsize=20_000)
def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: 'Thị trấn  Phong Thổ' -> 'thi tran phong tho'."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip().lower()


@lru_cache(maxsize=20_000)
def name_key(text: str) -> str:
    """The key two spellings of one unit share: no prefix, no diacritics, no spaces."""
    folded = fold(text)
    for prefix in _PREFIXES:
        if folded.startswith(prefix + " ") or (prefix.endswith(".") and folded.startswith(prefix)):
            folded = folded[len(prefix) :].strip()
            break
    return re.sub(r"[^a-z0-9]", "", folded)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()
