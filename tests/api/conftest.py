"""Shared for the API's tests: today's units, users of every role with a token each, a few figures,
and a client that sends the token."""

import datetime as dt
import json

import pytest
from django.test import Client

from api.tokens import issue_token
from communes.models import (
    ChangeRecord,
    Enrollment,
    EnrollmentByGroup,
    Level,
    MonthReopening,
    Population,
    Role,
    Unit,
)
from tests.conftest import make_counts, make_user

TODAY = dt.date(2026, 12, 2)
MONTH = dt.date(2026, 11, 1)  # the month being reported on 2/12/2026: open
BEFORE = dt.date(2026, 10, 1)  # closed since 11/11/2026
NEXT = dt.date(2027, 1, 1)  # not begun: the grid opens a month on its first day


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Seven users per test: the production hasher's 1,2 million rounds would take most of the time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def after_now(**delta) -> dt.datetime:
    """The tests' clock (tests.conftest.NOW) moved on."""
    from tests.conftest import NOW

    return NOW + dt.timedelta(**delta)


def today_unit(level: str, code: str) -> Unit:
    return Unit.objects.for_url(level, code, on=TODAY)


class Api:
    """The test client speaking JSON with a bearer token (or none)."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client, self.token = client or Client(), token

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, url: str, **params):
        return self.client.get(url, params, headers=self._headers())

    def post(self, url: str, payload, *, headers: dict | None = None):
        return self.client.post(
            url, json.dumps(payload), content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def lai_chau(db):
    return today_unit(Level.PROVINCE, "12")


@pytest.fixture
def bac_ninh(db):
    return today_unit(Level.PROVINCE, "24")


@pytest.fixture
def khong_lao(db):
    return today_unit(Level.COMMUNE, "03583")


@pytest.fixture
def neighbour(lai_chau, khong_lao):
    """Another commune of today's Lai Châu."""
    return (
        Unit.objects.communes()
        .filter(parent=lai_chau)
        .in_force(TODAY)
        .exclude(pk=khong_lao.pk)
        .order_by("code")
        .first()
    )


@pytest.fixture
def bac_ninh_commune(bac_ninh):
    return Unit.objects.communes().filter(parent=bac_ninh).in_force(TODAY).order_by("code").first()


@pytest.fixture
def figures(now_is, khong_lao, neighbour, bac_ninh_commune):
    """October and November 2026 for two communes of Lai Châu and one of Bắc Ninh."""
    for unit_, population, enrolled in (
        (khong_lao, 9000, 8100),
        (neighbour, 5000, 4600),
        (bac_ninh_commune, 20000, 18500),
    ):
        make_counts(unit_, BEFORE, population=population, enrolled=enrolled - 50)
        make_counts(unit_, MONTH, population=population, enrolled=enrolled)
    return {"khong_lao": khong_lao, "neighbour": neighbour, "bac_ninh": bac_ninh_commune}


ROLES = ("province_officer", "commune_officer", "leader", "province_leader", "staff", "admin", "no_role")


@pytest.fixture
def users(db, lai_chau, khong_lao):
    return {
        "province_officer": make_user("api_officer_lc", Role.OFFICER, lai_chau),
        "commune_officer": make_user("api_officer_kl", Role.OFFICER, khong_lao),
        "leader": make_user("api_leader", Role.LEADER, None),
        "province_leader": make_user("api_leader_lc", Role.LEADER, lai_chau),
        "staff": make_user("api_staff", Role.STAFF, None),
        "admin": make_user("api_admin", superuser=True),
        "no_role": make_user("api_nobody"),
    }


@pytest.fixture
def tokens(users) -> dict[str, str]:
    return {role: issue_token(user, f"Khoá thử {role}")[1] for role, user in users.items()}


@pytest.fixture
def as_role(tokens):
    def make(role: str | None) -> Api:
        return Api(tokens[role] if role else None)

    return make


def snapshot() -> tuple:
    """Every table a write could touch."""
    return (
        list(Enrollment.objects.values_list("pk", "unit", "month", "enrolled", "note", "version").order_by("pk")),
        list(EnrollmentByGroup.objects.values_list("pk", "enrollment", "group", "enrolled").order_by("pk")),
        list(Population.objects.values_list("pk", "unit", "year", "population", "source").order_by("pk")),
        list(ChangeRecord.objects.values_list("pk", flat=True).order_by("pk")),
        MonthReopening.objects.count(),
    )


def make_document(scope: Unit, *, number: str, rate: str = "95.00", units: list[Unit] | None = None):
    from decimal import Decimal

    from targets.models import DocumentKind, Target, TargetDocument

    document = TargetDocument.objects.create(
        kind=DocumentKind.PLAN,
        number=number,
        issued_on=dt.date(2026, 1, 15),
        issuer="UBND tỉnh",
        title=f"Kế hoạch {number}",
        scope=scope,
        first_year=2026,
        last_year=2026,
    )
    for unit_ in [scope, *(units or [])]:
        Target.objects.create(document=document, unit=unit_, year=2026, rate=Decimal(rate))
    return document


@pytest.fixture
def documents(lai_chau, bac_ninh, khong_lao, bac_ninh_commune):
    return {
        "lai_chau": make_document(lai_chau, number="01/KH-LC", units=[khong_lao]),
        "bac_ninh": make_document(bac_ninh, number="01/KH-BN", units=[bac_ninh_commune]),
    }
