"""URLs and POSTs aimed at another district, commune or document are refused, nothing changed."""

from communes.models import ChangeRecord, Enrollment, Level, Population
from targets.models import ReportedFigure, Target
from tests.conftest import unit

from .conftest import log_in, targets_in
from .routes import Targets, app_routes, url_for

REFUSED = (403, 404, 405)


def snapshot() -> tuple:
    return (
        list(Enrollment.objects.values_list("pk", "enrolled", "version", "note").order_by("pk")),
        list(Population.objects.values_list("pk", "population").order_by("pk")),
        list(Target.objects.values_list("pk", "rate", "planned_enrolled").order_by("pk")),
        ReportedFigure.objects.count(),
        ChangeRecord.objects.count(),
    )


PERIOD_PARAMS = {"month", "year", "ym", "period"}


def routes_naming_a_unit_or_document():
    return [route for route in app_routes() if {name for _, name in route.params} - PERIOD_PARAMS]


def assert_refused(client, targets, *, only=lambda route: True):
    before = snapshot()
    tried = 0
    for route in filter(only, routes_naming_a_unit_or_document()):
        url = url_for(route, targets)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"enrolled": "1", "population": "1", "note": "forged"})
            assert response.status_code in REFUSED, f"{method.upper()} {url}: {response.status_code}"
        response = client.get(url + "?format=xlsx&year=2021")
        assert response.status_code in REFUSED, f"export {url}: {response.status_code}"
        tried += 1
    assert tried > 0
    assert snapshot() == before


def test_a_district_officer_cannot_reach_another_district(client, officer_phong_tho, luc_ngan_targets):
    log_in(client, officer_phong_tho)
    assert_refused(client, luc_ngan_targets)


def test_a_district_leader_cannot_reach_another_district(client, leader_phong_tho, luc_ngan_targets):
    log_in(client, leader_phong_tho)
    assert_refused(client, luc_ngan_targets)


def test_a_commune_officer_cannot_reach_another_district(client, commune_officer, luc_ngan_targets):
    log_in(client, commune_officer)
    assert_refused(client, luc_ngan_targets)


def test_a_commune_officer_cannot_reach_a_neighbouring_commune(client, commune_officer):
    commune_routes = [route for route in routes_naming_a_unit_or_document() if "commune" in route.route]
    assert commune_routes
    neighbour = unit(Level.COMMUNE, "03592")  # Sin Suối Hồ, Phong Thổ; the officer's is Khổng Lào (03583)
    log_in(client, commune_officer)
    assert_refused(
        client, targets_in(unit(Level.DISTRICT, "109"), commune=neighbour), only=lambda route: "commune" in route.route
    )


def test_unknown_codes_and_ids_are_not_found_even_for_an_administrator(client, admin_user, phong_tho_targets):
    log_in(client, admin_user)
    forged = Targets(province="00", district="999", commune="99999", document=987654, month="2021-06")
    for route in routes_naming_a_unit_or_document():
        url = url_for(route, forged)
        # A POST-only view answers a GET with 405 before looking anything up: nothing learnt either.
        assert client.get(url).status_code in (404, 405), url
