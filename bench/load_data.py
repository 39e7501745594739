"""What the load test's throwaway database holds besides the units and documents: synthetic
figures for two provinces, the year's synthetic plans, and the simulated users' accounts. Also
the check, after the run, that every province-month an officer saved holds what was saved last.

Officers each own one province-month (never two officers on one grid: the portal refuses such a
save by design, which is the entry's own test, not the load's)."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count

from communes.models import Assignment, Enrollment, Role, Unit
from targets.models import TargetDocument

from . import today, today_documents
from .loading import finish_load

PROVINCES = ("12", "24")  # Lai Châu, Bắc Ninh: the two provinces the source documents come from
FIRST_MONTH = dt.date(2025, 7, 1)
SEED = 2021


@dataclass
class Account:
    username: str
    role: str
    province: str = ""
    month: str = ""  # the officer's own province-month, YYYY-MM


def province_months(last: dt.date | None = None) -> list[tuple[str, str]]:
    """Every province-month with figures, months first so that officers spread over both provinces."""
    months = today.months_between(FIRST_MONTH, last or today.last_ended_month())
    return [(province, f"{month:%Y-%m}") for month in months for province in PROVINCES]


def role_mix(users: int, officer_slots: int) -> list[str]:
    """40% leaders, 40% officers (at most one per province-month), 20% staff."""
    officers = min(officer_slots, max(1, round(users * 0.4))) if users >= 3 else min(users, 1)
    staff = max(1, round(users * 0.2)) if users - officers >= 2 else 0
    return ["officer"] * officers + ["staff"] * staff + ["leader"] * (users - officers - staff)


def load_figures() -> dict[str, int]:
    """Counts from 07/2025 for the two provinces' communes and the year's plans."""
    counts = today.load_figures(seed=SEED, provinces=list(PROVINCES))
    counts.update(
        today_documents.ensure_documents(seed=SEED, year=today.last_ended_month().year, provinces=list(PROVINCES))
    )
    finish_load()
    return counts


def make_accounts(users: int, password: str) -> list[Account]:
    slots = province_months()
    accounts = []
    for index, role in enumerate(role_mix(users, len(slots))):
        account = Account(username=f"load.{role}.{index:02d}", role=role)
        user = get_user_model().objects.create_user(account.username, password=password)
        unit = None
        if role == "officer":
            account.province, account.month = slots.pop(0)
            unit = Unit.objects.provinces().in_force(dt.date.today()).get(code=account.province)
        Assignment.objects.create(user=user, role=Role(role), unit=unit)
        accounts.append(account)
    return accounts


def pages() -> dict[str, list[str]]:
    """What leaders read and staff download: the national, province and district pages, every
    document's page, the rankings as Excel and the annexes."""
    documents = list(TargetDocument.objects.order_by("pk").values_list("pk", "is_synthetic"))
    reading = [
        "/",
        "/country/",
        *(f"/provinces/{code}/" for code in PROVINCES),
        f"/provinces/{PROVINCES[0]}/?year=2025",
        "/districts/109/?year=2024",
        "/districts/219/?year=2024",
        *(f"/documents/{pk}/" for pk, _synthetic in documents),
    ]
    exports = [
        "/country/?format=xlsx",
        *(f"/provinces/{code}/?format=xlsx" for code in PROVINCES),
        *(f"/documents/{pk}/annex.xlsx" for pk, _synthetic in documents),
        *(f"/documents/{pk}/annex-actuals.xlsx" for pk, synthetic in documents if synthetic),
    ]
    return {"reading": reading, "exports": exports}


def plan(users: int, password: str) -> dict:
    """Everything the simulated users need, as the locustfile reads it (JSON)."""
    return {"password": password, "accounts": [asdict(a) for a in make_accounts(users, password)], **pages()}


def check_saved(saved: dict[str, dict[str, int]]) -> list[str]:
    """Every province-month an officer saved: exactly one figure per commune of the province,
    equal to the value saved last. `saved` maps "province|YYYY-MM" to commune code → count."""
    problems = []
    duplicates = Enrollment.objects.values("unit", "month").annotate(n=Count("pk")).filter(n__gt=1)
    if duplicates.exists():
        problems.append(f"{duplicates.count()} unit-months stored more than once")
    for key, expected in sorted(saved.items()):
        code, month_text = key.split("|")
        month = dt.date.fromisoformat(f"{month_text}-01")
        province = Unit.objects.provinces().in_force(month).get(code=code)
        communes = Unit.objects.communes().filter(parent=province).in_force(month)
        stored: dict[str, list[int]] = {c: [] for c in communes.values_list("code", flat=True)}
        for commune, value in Enrollment.objects.filter(unit__in=communes, month=month).values_list(
            "unit__code", "enrolled"
        ):
            stored[commune].append(value)
        wrong = sorted(c for c in stored if stored[c] != [expected.get(c)])
        if set(expected) - set(stored):
            problems.append(f"{key}: saved communes not in the province: {sorted(set(expected) - set(stored))[:5]}")
        if wrong:
            shown = ", ".join(f"{c} stored {stored[c]} saved {expected.get(c)}" for c in wrong[:5])
            problems.append(f"{key}: {len(wrong)} of {len(stored)} communes differ from the last save ({shown})")
    return problems
