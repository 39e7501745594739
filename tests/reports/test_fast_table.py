"""The table rows built in Python (reports/templatetags/fast_table.py) are the stock template's
rows, byte for byte once whitespace is set aside: links, badges, classes, sorting, escaping."""

import datetime as dt
import re

import django_tables2
import pytest

from communes.models import Enrollment, Level, Population, Unit
from tests.conftest import unit

from .test_pages import login

STOCK = "django_tables2/bootstrap5.html"


def _tables(html: str) -> str:
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert tables, "the page has no table"
    return re.sub(r"\s+", " ", " ".join(tables)).replace("> <", "><")


def _table_classes(base):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _table_classes(subclass)


@pytest.mark.parametrize("url", ["/districts/109/?year=2021", "/districts/109/?year=2021&sort=-rate",
                                 "/?year=2021", "/districts/109/?year=2019",
                                 "/provinces/12/communes/?year=2021"])
def test_the_fast_rows_equal_the_stock_templates_rows(client, leader, monkeypatch, url):
    # An anomaly (more enrolled than people) and a name to escape, so badges and escaping are compared too.
    commune = Unit.objects.filter(parent=unit(Level.DISTRICT, "109")).order_by("code").first()
    Population.objects.update_or_create(unit=commune, year=2021, defaults={"population": 10})
    Enrollment.objects.update_or_create(unit=commune, month=dt.date(2021, 12, 1), defaults={"enrolled": 12})
    Unit.objects.filter(pk=commune.pk).update(name="A & <B>")
    login(client, leader)
    fast = client.get(url).content.decode()
    # django-tables2 reads DJANGO_TABLES2_TEMPLATE once, into each table class's options.
    for table_class in _table_classes(django_tables2.Table):
        monkeypatch.setattr(table_class._meta, "template_name", STOCK)
    stock = client.get(url).content.decode()
    assert _tables(fast) == _tables(stock)
    assert fast != stock  # the two templates did run (their whitespace differs)
    if "2021" in url and "/districts/" in url:
        assert "A &amp; &lt;B&gt;" in fast and "kiểm tra số liệu" in fast
