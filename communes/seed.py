"""Load the administrative units, their successions and aliases from `fixtures/` (idempotent)."""

import csv
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Level, PayerGroup, Unit, UnitAlias, UnitSuccession
from .names import name_key, nfc
from .unit_list import load_unit_list, read_unit_list

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# Today's country: Decision 19/2025/QĐ-TTg from 01/7/2025, as amended to Resolution 30/2026/QH16.
NATIONAL_LIST = "units-2026.csv"
NATIONAL_LIST_EFFECTIVE = dt.date(2025, 7, 1)
NATIONAL_LIST_SOURCE = (
    "Danh mục đơn vị hành chính từ 01/7/2025 (QĐ 19/2025/QĐ-TTg, NQ 30/2026/QH16), "
    "theo thanglequoc/vietnamese-provinces-database"
)
PARENT_LEVEL = {Level.DISTRICT: Level.PROVINCE, Level.COMMUNE: Level.DISTRICT}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _find_parent(code: str, child_level: str, on: dt.date | None) -> Unit | None:
    if not code:
        return None
    on = on or dt.date(2021, 1, 1)
    for level in (PARENT_LEVEL.get(child_level), Level.PROVINCE):
        parent = Unit.objects.resolve(level, code, on) if level else None
        if parent:
            return parent
    raise ValueError(f"no parent {code} for a {child_level} on {on}")


@transaction.atomic
def load_units() -> int:
    """The two districts' units over time (units.csv), then today's national list on top."""
    country()
    _load_unit_history()
    load_unit_list(
        read_unit_list(FIXTURES / NATIONAL_LIST), effective=NATIONAL_LIST_EFFECTIVE, source=NATIONAL_LIST_SOURCE
    )
    return Unit.objects.count()


COUNTRY_CODE = "VN"


def country() -> Unit:
    """The one unit a national document names as its scope."""
    unit, _ = Unit.objects.get_or_create(
        level=Level.COUNTRY, code=COUNTRY_CODE, valid_from=None, defaults={"kind": "", "name": "Toàn quốc"}
    )
    return unit


def _load_unit_history() -> None:
    for row in read_csv("units.csv"):
        valid_from, valid_to = _date(row["valid_from"]), _date(row["valid_to"])
        parent = _find_parent(row["parent_code"], row["level"], valid_from)
        Unit.objects.update_or_create(
            level=row["level"],
            code=row["code"],
            valid_from=valid_from,
            # An end the file gives is kept; a unit the file leaves open keeps any end a later
            # national list gave it (load_unit_list), so loading again never re-opens it.
            defaults=dict(
                kind=row["kind"],
                name=nfc(row["name"]),
                parent=parent,
                source=row["source"],
                predecessors_outside=row["predecessors_outside"],
                **({"valid_to": valid_to} if valid_to else {}),
            ),
        )
    for row in read_csv("successions.csv"):
        predecessor = Unit.objects.resolve(Level.COMMUNE, row["predecessor_code"], _date(row["predecessor_on"]))
        successor = Unit.objects.resolve(Level.COMMUNE, row["successor_code"], _date(row["successor_on"]))
        UnitSuccession.objects.update_or_create(
            predecessor=predecessor,
            successor=successor,
            defaults=dict(effective_on=_date(row["effective_on"]), whole=row["whole"] == "yes", note=row["note"]),
        )
    for row in read_csv("aliases.csv"):
        unit = Unit.objects.resolve(Level.COMMUNE, row["commune_code"], _date(row["on"]))
        if unit is None:
            raise ValueError(f"aliases.csv: no commune {row['commune_code']} on {row['on']}")
        name = nfc(row["alias"])
        # Spellings that differ only by diacritics share a key: one alias row serves both.
        if not UnitAlias.objects.filter(unit=unit, key=name_key(name)).exists():
            UnitAlias.objects.create(unit=unit, name=name, source=row["source"])


@transaction.atomic
def load_payer_groups() -> None:
    for row in read_csv("payer-groups.csv"):
        PayerGroup.objects.update_or_create(
            code=row["code"],
            defaults=dict(
                name=row["name"],
                order=int(row["order"]),
                legal_basis=row["legal_basis"],
                valid_from=_date(row["valid_from"]),
                valid_to=_date(row["valid_to"]),
            ),
        )


def directive_05_communes() -> list[str]:
    """Codes of the 14 communes Directive 05-CT/HU names as hit by Decision 861."""
    return [row["commune_code"] for row in read_csv("units-2021.csv") if row["named_in_directive_05"] == "yes"]
