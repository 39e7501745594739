"""Shared test data: the documents' fixtures loaded once per session, users for every role."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from communes.models import Assignment, Enrollment, Level, Population, Role, Unit

PASSWORD = "a-Long-test-passw0rd"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load units, payer groups and both documents into the test database once."""
    from communes.seed import load_payer_groups, load_units
    from targets.seed import load_documents

    with django_db_blocker.unblock():
        load_units()
        load_payer_groups()
        load_documents()


@pytest.fixture(autouse=True)
def each_test_ends_in_the_default_language():
    """The language switch activates English for the thread that served the request: the next test,
    like the next request, starts in Vietnamese instead of the messages of the one before."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def unit(level: str, code: str, year: int = 2021) -> Unit:
    return Unit.objects.for_url(level, code, year=year)


def make_user(username: str, role: str | None = None, unit_: Unit | None = None, *, superuser: bool = False):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
    if role:
        Assignment.objects.create(user=user, role=role, unit=unit_)
    return user


def make_counts(unit_: Unit, month: dt.date, *, population: int, enrolled: int) -> Enrollment:
    Population.objects.update_or_create(unit=unit_, year=month.year, defaults={"population": population})
    enrollment, _ = Enrollment.objects.update_or_create(unit=unit_, month=month, defaults={"enrolled": enrolled})
    return enrollment


@pytest.fixture
def phong_tho(db):
    return unit(Level.DISTRICT, "109")


@pytest.fixture
def luc_ngan(db):
    return unit(Level.DISTRICT, "219")


@pytest.fixture
def officer_phong_tho(phong_tho):
    return make_user("officer_pt", Role.OFFICER, phong_tho)


@pytest.fixture
def officer_luc_ngan(luc_ngan):
    return make_user("officer_ln", Role.OFFICER, luc_ngan)


@pytest.fixture
def commune_officer(db):
    return make_user("officer_kl", Role.OFFICER, unit(Level.COMMUNE, "03583"))


@pytest.fixture
def leader(db):
    return make_user("leader_all", Role.LEADER, None)


@pytest.fixture
def leader_phong_tho(phong_tho):
    return make_user("leader_pt", Role.LEADER, phong_tho)


@pytest.fixture
def staff(db):
    return make_user("staff_all", Role.STAFF, None)


@pytest.fixture
def admin_user(db):
    return make_user("admin_x", superuser=True)


@pytest.fixture
def no_role_user(db):
    return make_user("nobody")


# The date users see first: pages open on the month being reported (November 2026 on this day).
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def now_is(monkeypatch):
    """Sets the clock the reporting calendar reads (2/12/2026 unless told otherwise)."""
    from django.utils import timezone

    def set_to(when: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: when)

    set_to(NOW)
    return set_to
