"""The grid's rules, in one place: the server judges each row with them, and the entry page carries
the same thresholds, bounds and message templates (`client_rules`) so that the browser says, as one
types, exactly what a save would say. The server stays the judge: the browser only warns earlier.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy

from communes import numbers
from communes.names import _PREFIXES as NAME_PREFIXES  # the browser folds pasted names the same way
from communes.numbers import MAX_COUNT, NumberError, parse_count, parse_optional_count
from reports import coverage, formatting

if TYPE_CHECKING:
    from communes.models import PayerGroup

    from .grid import RowInput

COHORT_FIELDS = ("affected", "affected_pupils", "pupils", "households")
NOTE_LENGTH, SOURCE_LENGTH = 500, 300
# What communes.numbers.parse_count calls "not whole" (a decimal comma or point); the browser needs
# the pattern, the module keeps it inline.
NOT_WHOLE = r"^[0-9]+[.,][0-9]+$"

MESSAGES = {
    "enrolled_cleared": gettext_lazy("Không được để trống số đã nhập; hãy nhập lại số."),
    "population_needed": gettext_lazy("Cần dân số để tính tỷ lệ bao phủ."),
    "population_zero": gettext_lazy("Dân số bằng 0 mà có người tham gia: sửa lại dân số."),
    "source_needed": gettext_lazy("Ghi nguồn của số dân mới (ví dụ: Chi cục Thống kê, 6/2024)."),
    "above_population": gettext_lazy(
        "Số người tham gia (%(enrolled)s) lớn hơn dân số (%(population)s): sửa lại, hoặc ghi chú lý do."
    ),
    "drop": gettext_lazy("Giảm %(drop)s người so với tháng %(month)s (%(before)s): kiểm tra lại hoặc xác nhận."),
    "groups_without_total": gettext_lazy("Đã nhập theo nhóm: cần nhập cả tổng số người tham gia."),
    "groups_differ": gettext_lazy("Tổng các nhóm (%(sum)s) khác tổng số người tham gia (%(total)s)."),
    "cohort_cleared": gettext_lazy("Không được để trống số đã nhập."),
    "pupils_affected_above": gettext_lazy("Số học sinh bị ảnh hưởng không thể lớn hơn tổng số người bị ảnh hưởng."),
    "pupils_above": gettext_lazy("Lớn hơn số học sinh bị ảnh hưởng (%(n)s)."),
    "households_above": gettext_lazy("Lớn hơn số người bị ảnh hưởng không phải học sinh (%(n)s)."),
}

# What parse_count answers to each kind of bad number: asked of it, so that its words are the
# page's words too ("%(text)s" is itself unreadable, and comes back as the template).
_NUMBER_PROBES = {"negative": "-1", "not_whole": "1,5", "too_large": str(MAX_COUNT + 1), "unreadable": "%(text)s"}


def message(name: str, **values) -> str:
    text = str(MESSAGES[name])
    return text % {k: formatting.fmt_int(v) if isinstance(v, int) else v for k, v in values.items()} if values else text


def _number_messages() -> dict[str, str]:
    out = {}
    for name, probe in _NUMBER_PROBES.items():
        try:
            parse_count(probe)
        except NumberError as error:
            out[name] = str(error)
    return out


def _js_pattern(pattern: str) -> str:
    """Python's named group and back-reference in the syntax of JavaScript's RegExp."""
    return pattern.replace("(?P<", "(?<").replace("(?P=sep)", r"\k<sep>")


def client_rules() -> dict:
    """Everything the browser needs to judge a row as the server will, in the active language."""
    drop = Fraction(str(settings.ENTRY_DROP_WARNING))
    return {
        "drop": [drop.numerator, drop.denominator],
        "maxCount": MAX_COUNT,
        "plain": _js_pattern(numbers._PLAIN.pattern),
        "grouped": _js_pattern(numbers._GROUPED.pattern),
        "notWhole": NOT_WHOLE,
        "thousands": formatting.fmt_int(1000)[1:-3],
        "decimal": formatting.fmt_decimal(1, places=1)[1:-1],
        "prefixes": list(NAME_PREFIXES),
        "messages": {**{k: str(v) for k, v in MESSAGES.items()}, **_number_messages()},
    }


# -- judging a row -----------------------------------------------------------------------------------
def validate(item: RowInput, groups: list[PayerGroup], month: dt.date) -> None:
    """Fill item.values, item.errors and item.warnings (with the token that confirms each warning)."""
    row, raw, values, errors = item.row, item.raw, item.values, item.errors
    counts = ["population", "enrolled", *(f"g-{g.code}" for g in groups)]
    counts += list(COHORT_FIELDS) if row.member else []
    for key in counts:
        try:
            values[key] = parse_optional_count(raw[key])
        except NumberError as error:
            errors[key] = str(error)
    values["note"] = raw["note"][:NOTE_LENGTH]
    values["population_source"] = raw["population_source"][:SOURCE_LENGTH]
    if errors:
        return
    _counts(item)
    _groups(item, groups)
    if row.member:
        _cohort(item)


def _counts(item: RowInput) -> None:
    row, values, errors = item.row, item.values, item.errors
    population, enrolled = values["population"], values["enrolled"]
    if enrolled is None and row.enrollment:
        errors["enrolled"] = message("enrolled_cleared")
        return
    if population is None and (enrolled is not None or row.population):
        errors["population"] = message("population_needed")
        return
    if population == 0 and enrolled:
        errors["population"] = message("population_zero")
        return
    changed = population is not None and (row.population is None or population != row.population.population)
    if changed and row.population is not None and not values["population_source"]:
        errors["population_source"] = message("source_needed")
    if enrolled is None:
        return
    if enrolled > population and not values["note"]:
        errors["enrolled"] = message("above_population", enrolled=enrolled, population=population)
    if row.enrollment and enrolled == row.enrollment.enrolled:
        return  # the stored figure was confirmed when it was saved: warn about what changes now
    previous = row.previous.enrolled if row.previous else None
    if coverage.drop_exceeds(previous=previous, current=enrolled, threshold=settings.ENTRY_DROP_WARNING):
        item.warnings["enrolled"] = message(
            "drop", drop=previous - enrolled, month=f"{row.previous.month:%m/%Y}", before=previous
        )
        item.tokens["enrolled"] = f"enrolled:{previous}:{enrolled}"


def _groups(item: RowInput, groups: list[PayerGroup]) -> None:
    given = [item.values[f"g-{g.code}"] for g in groups if item.values[f"g-{g.code}"] is not None]
    if not given:
        return
    enrolled = item.values["enrolled"]
    if enrolled is None:
        item.errors["enrolled"] = message("groups_without_total")
    elif sum(given) != enrolled and _groups_changed(item, groups):
        item.warnings["groups"] = message("groups_differ", sum=sum(given), total=enrolled)
        item.tokens["groups"] = f"groups:{sum(given)}:{enrolled}"


def _groups_changed(item: RowInput, groups: list[PayerGroup]) -> bool:
    """Stored groups that did not add up were confirmed when saved; only a change asks again."""
    row = item.row
    if row.enrollment is None or item.values["enrolled"] != row.enrollment.enrolled:
        return True
    return any(item.values[f"g-{g.code}"] != row.groups.get(g.code) for g in groups)


def _cohort(item: RowInput) -> None:
    values, errors, member = item.values, item.errors, item.row.member
    for key, stored in (("affected", member.affected), ("affected_pupils", member.affected_pupils)):
        if values[key] is None and stored is not None:
            errors[key] = message("cohort_cleared")
    affected, pupils_affected = values["affected"], values["affected_pupils"]
    if affected is not None and pupils_affected is not None and pupils_affected > affected:
        errors["affected_pupils"] = message("pupils_affected_above")
    if pupils_affected is not None and (values["pupils"] or 0) > pupils_affected:
        errors["pupils"] = message("pupils_above", n=pupils_affected)
    if (
        affected is not None
        and pupils_affected is not None
        and pupils_affected <= affected
        and (values["households"] or 0) > affected - pupils_affected
    ):
        errors["households"] = message("households_above", n=affected - pupils_affected)
