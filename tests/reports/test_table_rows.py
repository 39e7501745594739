"""The ranking's body rows written in Python (reports/templatetags/table_rows.py) are the stock
django-tables2 template's rows, byte for byte once whitespace is set aside: links and plain names,
badges, inherited targets, classes, sorting, escaping, empty cells."""

import datetime as dt
import re

import django_tables2
import pytest

from communes.models import Enrollment, Level, Population, Unit
from reports.tables import CoverageRankingTable
from tests.conftest import unit

from .test_pages import login

STOCK = "django_tables2/table.html"


def _tables(html: str) -> str:
    tables = re.findall(r"<table class=\"ranking\".*?</table>", html, flags=re.S)
    assert tables, "the page has no ranking"
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", " ".join(tables)))


def _table_classes(base):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _table_classes(subclass)


LEADER, OFFICER = "leader", "officer_phong_tho"  # the officer sees other provinces as plain names


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (LEADER, "/districts/109/?year=2021"),
        (LEADER, "/districts/109/?year=2021&sort=-gap_people"),
        (LEADER, "/districts/109/?year=2019"),
        (LEADER, "/country/?year=2021"),
        (LEADER, "/country/?year=2021&sort=rate"),
        (LEADER, "/provinces/12/?year=2021"),
        (LEADER, "/provinces/12/communes/?year=2021"),
        (LEADER, "/provinces/12/communes/?year=2021&units=today"),
        (OFFICER, "/districts/109/?year=2021"),
        (OFFICER, "/country/?year=2021"),
    ],
)
def test_the_rows_equal_the_stock_templates_rows(client, db, request, monkeypatch, url, who):
    # An anomaly (more enrolled than people), a small commune and a name to escape, so that badges,
    # marks and escaping are compared too.
    communes = Unit.objects.filter(parent=unit(Level.DISTRICT, "109")).order_by("code")
    first, second = communes[0], communes[1]
    Population.objects.update_or_create(unit=first, year=2021, defaults={"population": 10})
    Enrollment.objects.update_or_create(unit=first, month=dt.date(2021, 12, 1), defaults={"enrolled": 12})
    Population.objects.update_or_create(unit=second, year=2021, defaults={"population": 900})
    Unit.objects.filter(pk=first.pk).update(name="A & <B>")
    login(client, request.getfixturevalue(who))
    written = client.get(url)
    assert written.status_code == 200
    # django-tables2 reads a table's template once, into each table class's options.
    for table_class in [CoverageRankingTable, *_table_classes(CoverageRankingTable)]:
        monkeypatch.setattr(table_class._meta, "template_name", STOCK)
    stock = client.get(url).content.decode()
    assert _tables(written.content.decode()) == _tables(stock)
    assert written.content.decode() != stock  # both templates ran: their whitespace differs
    if url.startswith("/districts/109/?year=2021"):
        assert "A &amp; &lt;B&gt;" in stock and "kiểm tra số liệu" in stock and "&lt;1.000" in stock
    if url == "/country/?year=2021" and who == OFFICER:
        assert re.search(r"<td class=\"unit-name\">Tỉnh [^<]+</td>", stock)  # a province this user may not open


class _Callable(CoverageRankingTable):
    rank = django_tables2.Column(attrs={"td": {"class": lambda record: "x"}})

    class Meta(CoverageRankingTable.Meta):
        pass


def test_a_column_whose_cells_need_the_stock_template_is_refused(rf):
    from django.template import RequestContext, Template

    from reports.tables_data import CoverageRow

    total = CoverageRow(unit=None, label="Tổng cộng", population=None, enrolled=None)
    table = _Callable([CoverageRow(unit=None, label="Xã", population=1, enrolled=1)], total=total)
    with pytest.raises(ValueError, match="stock template"):
        Template("{% load django_tables2 %}{% render_table table %}").render(
            RequestContext(rf.get("/"), {"table": table})
        )
