"""The API's coverage is the dashboards' own: for every unit of the demo data and every year it has
a page, the figures the page shows (its headline, each row of its table) equal what the API answers
for that unit, and a month's coverage at the month the page stands on equals the year's."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from communes.models import Level, Unit
from communes.periods import day_in_year
from tests.api.conftest import Api
from tests.conftest import make_user

YEARS = range(2021, 2027)
FIELDS = (
    "enrolled",
    "population",
    "rate",
    "gap_points",
    "gap_people",
    "met",
    "projected_rate",
    "months_left",
    "status",
    "previous_month_rate",
    "last_year_rate",
)


@pytest.fixture
def demo(db, settings, now_is):
    settings.DEBUG = True
    call_command("load_demo_figures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    settings.API_REQUESTS_PER_MINUTE = 100_000  # the clock stands still: every request is in one minute
    admin = make_user("api_admin_demo", superuser=True)
    page = Client()
    page.force_login(admin)
    from api.tokens import issue_token

    return page, Api(issue_token(admin, "so sánh")[1])


def page_of(unit: Unit, year: int) -> str:
    prefix = {
        Level.COUNTRY: "/country/",
        Level.PROVINCE: f"/provinces/{unit.code}/",
        Level.DISTRICT: f"/districts/{unit.code}/",
    }[unit.level]
    return f"{prefix}?year={year}"


def expected(figures, *, as_of, target, rank=False) -> dict:
    """What the page shows, in the API's terms (rates as numbers, months as YYYY-MM)."""

    def num(value):
        return None if value is None else float(value)

    out = {
        "enrolled": figures.enrolled,
        "population": figures.population,
        "rate": num(figures.rate),
        "gap_points": num(figures.gap_points),
        "gap_people": figures.gap_people,
        "met": figures.met,
        "projected_rate": num(figures.projected_rate),
        "months_left": figures.months_left,
        "status": figures.status,
        "as_of": f"{as_of:%Y-%m}" if as_of else None,
        "target": num(target.rate) if target else None,
    }
    if rank is not False:
        out["rank"] = rank
    return out


def answered(body: dict, with_rank: bool = False) -> dict:
    out = {
        key: body[key]
        for key in (
            "enrolled",
            "population",
            "rate",
            "gap_points",
            "gap_people",
            "met",
            "projected_rate",
            "months_left",
            "status",
            "as_of",
        )
    }
    out["target"] = body["target"]["rate"] if body["target"] else None
    if with_rank:
        out["rank"] = body["rank"]
    return out


def areas() -> list[Unit]:
    """The country, and every province and district with a commune's count under it."""
    from communes.models import Enrollment

    parents = set(Enrollment.objects.values_list("unit__parent", flat=True).distinct())
    grandparents = set(Unit.objects.filter(pk__in=parents).values_list("parent", flat=True))
    return [*Unit.objects.filter(level=Level.COUNTRY), *Unit.objects.filter(pk__in=parents | grandparents)]


def test_every_units_coverage_equals_its_dashboard(demo):
    page, api = demo
    compared = {"areas": 0, "communes": 0}
    for area in sorted(areas(), key=lambda u: (u.level, u.code, u.valid_from or dt.date.min)):
        for year in YEARS:
            if not area.in_force_on(dt.date(year, 12, 31)) and not area.in_force_on(dt.date(year, 1, 1)):
                continue
            shown = page.get(page_of(area, year))
            if shown.status_code != 200 or shown.context["unit"].pk != area.pk:
                continue  # the page of that code and year is another unit's (a reused code)
            headline = shown.context["headline"]
            total = shown.context.get("dashboard") or shown.context["ranking"]
            level = "" if area.level == Level.COUNTRY else f"&level={area.level}"
            day = day_in_year(valid_from=area.valid_from, valid_to=area.valid_to, year=year)
            body = api.get(f"/api/v1/units/{area.code}/coverage?year={year}&on={day}{level}").json()
            assert answered(body) == expected(headline, as_of=headline.month, target=headline.target), (area, year)
            assert body["reported"] == headline.reported and body["expected"] == headline.expected
            assert body["previous_month_rate"] == _num(total.table.total.previous_month_rate)
            if headline.month:  # the same month asked as a month: the same figures
                month = api.get(f"/api/v1/units/{area.code}/coverage?month={headline.month:%Y-%m}{level}").json()
                assert answered(month) == answered(body), (area, year, "month")
            ranked = api.get(f"/api/v1/units/{area.code}/coverage/children?year={year}&on={day}{level}").json()
            assert [answered(r, True) for r in ranked["rows"]] == [
                expected(r, as_of=r.as_of, target=r.target, rank=r.rank) for r in total.table.rows
            ]
            compared["areas"] += 1
            if "dashboard" not in shown.context:
                continue
            for row in shown.context["dashboard"].table.rows:
                unit = row.unit
                day = day_in_year(valid_from=unit.valid_from, valid_to=unit.valid_to, year=year)
                body = api.get(f"/api/v1/units/{unit.code}/coverage?year={year}&on={day}&level=commune").json()
                assert answered(body, True) == expected(row, as_of=row.as_of, target=row.target, rank=row.rank), (
                    unit,
                    year,
                )
                assert body["target"] is None or body["target"]["inherited"] == row.target_inherited
                if row.as_of:
                    month = api.get(
                        f"/api/v1/units/{unit.code}/coverage?month={row.as_of:%Y-%m}&on={day}&level=commune"
                    ).json()
                    assert answered(month) == answered(body), (unit, year, "month")
                compared["communes"] += 1
    assert compared["areas"] >= 25 and compared["communes"] >= 450, compared


def _num(value):
    return None if value is None else float(value)
