import pytest

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def months_stay_open(settings):
    settings.ENTRY_CLOSE_DAYS = 100000


def test_smoke(client, officer_phong_tho):
    client.login(username=officer_phong_tho.username, password=PASSWORD)
    r = client.get("/districts/109/entry/2022-01/")
    open("/tmp/i3/page.html", "w").write(r.content.decode())
    assert r.status_code == 200
