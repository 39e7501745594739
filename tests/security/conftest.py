import pytest

from communes.models import Level, Unit
from targets.models import TargetDocument
from tests.conftest import PASSWORD, unit

from .routes import Targets


def targets_in(district: Unit, *, commune: Unit | None = None) -> Targets:
    commune = commune or Unit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code").first()
    document = TargetDocument.objects.filter(scope=district).first()
    return Targets(province=district.parent.code, district=district.code, commune=commune.code, document=document.pk)


@pytest.fixture
def phong_tho_targets(db):
    return targets_in(unit(Level.DISTRICT, "109"))


@pytest.fixture
def luc_ngan_targets(db):
    return targets_in(unit(Level.DISTRICT, "219"))


def log_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client
