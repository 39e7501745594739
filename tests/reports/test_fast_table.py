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
                                 "/country/?year=2021", "/districts/109/?year=2019",
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


class _Sample(django_tables2.Table):
    """Cells the ranking tables do not have: raw numbers and dates to localize, a column that
    must not be localized, attributes computed per record, an empty value."""

    rate = django_tables2.Column()
    day = django_tables2.Column()
    flagged = django_tables2.Column(attrs={"td": {"class": lambda record: "bad" if record["bad"] else "ok"}})
    marked = django_tables2.Column(accessor="flagged", attrs={"cell": {"data-bad": lambda record: record["bad"]}})
    raw = django_tables2.Column(localize=False)
    name = django_tables2.Column()


@pytest.mark.parametrize("callable_attrs", ["td", "cell", None])
def test_numbers_dates_and_per_record_attributes_render_as_the_stock_template_does(rf, callable_attrs):
    from decimal import Decimal

    from django.template import RequestContext, Template
    from django.utils import translation

    rows = [{"rate": Decimal("42.50"), "day": dt.date(2022, 1, 31), "flagged": "x", "bad": True, "raw": 1234.5,
             "name": "A & <B>"},
            {"rate": None, "day": None, "flagged": "y", "bad": False, "raw": 7.25, "name": ""}]
    exclude = {"td": ("marked",), "cell": ("flagged",), None: ("flagged", "marked")}[callable_attrs]
    outputs = []
    for template_name in ("reports/partials/table.html", STOCK):
        table = _Sample(rows, exclude=exclude, template_name=template_name)
        with translation.override("vi"):
            outputs.append(Template("{% load django_tables2 %}{% render_table table %}").render(
                RequestContext(rf.get("/"), {"table": table})))
    fast, stock = outputs
    assert fast != stock
    assert _tables(fast) == _tables(stock)
    assert "42,50" in fast and "31/01/2022" in fast and "1234.5" in fast and "A &amp; &lt;B&gt;" in fast
    assert ('class="bad"' in fast) is (callable_attrs == "td")
    assert ('data-bad="True"' in fast) is (callable_attrs == "cell")
