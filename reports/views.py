import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from communes.models import Enrollment, Level, Unit
from communes.periods import last_open_month
from communes.scope import Scope, visible_unit_or_404
from targets.models import TargetDocument

from . import coverage
from .consistency import check_document
from .dashboard import district_dashboard, district_ranking
from .documents import document_annex, reported_snapshots
from .formatting import fmt_decimal
from .page_cache import cached_page
from .table_export import table_download, wants_xlsx
from .tables import CoverageRankingTable


def _year_param(request, default: int) -> int:
    """?year=YYYY, or the default when absent or not a plausible year (a forged URL)."""
    text = request.GET.get("year", "")
    if text.isdigit() and 1990 <= int(text) <= 2100:
        return int(text)
    return default


def latest_year_with_data(units) -> int:
    latest = Enrollment.objects.filter(unit__in=units).aggregate(latest=Max("month"))["latest"]
    return latest.year if latest else dt.date.today().year


RANKING_PAGE = 100


def _ranking_table(request, rows, total, year: int, *, paged: bool = False) -> CoverageRankingTable:
    table = CoverageRankingTable(rows, total=total, order_by=request.GET.get("sort"))
    table.year = year
    # A national ranking has ~700 districts: rendering them all through django-tables2 took 3 s.
    # Rankings of districts (home, province) show pages of RANKING_PAGE rows; ranks and totals
    # cover every row, and ?format=xlsx still downloads all of them. A district's communes stay
    # on one page.
    RequestConfig(request, paginate={"per_page": RANKING_PAGE} if paged else False).configure(table)
    return table


@cached_page
@login_required
def home(request):
    """Wide scopes (the country, a province) see their districts ranked; narrow ones their list."""
    scope = Scope.of(request.user)
    if scope.sees_everything or (scope.root is not None and scope.root.level == Level.PROVINCE):
        return _ranked_home(request, scope)
    visible = Unit.objects.visible_to(request.user)
    provinces = visible.provinces().order_by("name", "valid_from")
    districts = visible.districts().select_related("parent").order_by("parent__name", "name", "valid_from")
    communes = visible.communes().select_related("parent").order_by("name", "valid_from") if not districts else []
    return render(
        request,
        "reports/home.html",
        {"scope": scope, "provinces": provinces, "districts": districts, "communes": communes},
    )


def _ranked_home(request, scope: Scope):
    districts = Unit.objects.visible_to(request.user).districts()
    label = scope.root.full_name if scope.root else _("Toàn bộ địa bàn")
    return _ranking_page(request, root=scope.root, districts=districts, label=label, template="reports/home_ranked.html")


@cached_page
@login_required
def province(request, code: str):
    # Without a year, the latest year with figures under any province that bore the code: the
    # code's current bearer (Bắc Ninh since 7/2025 for 24) may have none.
    requested_year = _year_param(request, 0) or latest_year_with_data(
        Unit.objects.filter(parent__parent__level=Level.PROVINCE, parent__parent__code=code)
    )
    unit = visible_unit_or_404(request.user, Level.PROVINCE, code, year=requested_year)
    districts = Unit.objects.filter(parent=unit).districts()
    return _ranking_page(request, root=unit, districts=districts, label=unit.full_name,
                         template="reports/province.html", requested_year=requested_year)


def _ranking_page(request, *, root, districts, label: str, template: str, requested_year=None):
    year = requested_year or _year_param(request, 0) or latest_year_with_data(Unit.objects.filter(parent__in=districts))
    ranking = district_ranking(root=root, districts=districts, year=year, label=label)
    table = _ranking_table(request, ranking.table.rows, ranking.table.total, year, paged=True)
    if wants_xlsx(request):
        return table_download(table, title=f"Xếp hạng bao phủ BHYT – {label} – năm {year}",
                              filename=f"xep-hang-{root.code if root else 'tat-ca'}-{year}.xlsx")
    return render(request, template, {"unit": root, "label": label, "year": year, "ranking": ranking,
                                      "headline": ranking.headline, "chart": ranking.chart, "table": table,
                                      "years": _year_choices(year)})


@cached_page
@login_required
def district(request, code: str):
    requested_year = _year_param(request, 0) or None
    unit = visible_unit_or_404(request.user, Level.DISTRICT, code, year=requested_year)
    year = requested_year or latest_year_with_data(Unit.objects.filter(parent=unit))
    dashboard = district_dashboard(unit, year)
    table = _ranking_table(request, dashboard.table.rows, dashboard.table.total, year)
    if wants_xlsx(request):
        return table_download(
            table, title=f"Xếp hạng bao phủ BHYT – {unit.full_name} – năm {year}", filename=f"xep-hang-{unit.code}-{year}.xlsx"
        )
    return render(
        request,
        "reports/district.html",
        {"unit": unit, "year": year, "data": dashboard.table, "dashboard": dashboard, "headline": dashboard.headline,
         "chart": dashboard.chart, "table": table, "years": _year_choices(year), "method": _method(),
         "open_month": last_open_month(year=year, valid_to=unit.valid_to, today=timezone.localdate())},
    )


@cached_page
@login_required
def document(request, pk: int):
    """A target document, its targets, its annex as printed beside computed values, and every
    inconsistency; visible to those who may see the unit it covers."""
    doc = get_object_or_404(TargetDocument.objects.select_related("scope__parent__parent"), pk=pk)
    if not Scope.of(request.user).can_view(doc.scope):
        raise Http404("Không tìm thấy văn bản hoặc bạn không có quyền xem.")
    return render(request, "reports/document.html", {
        "document": doc, "annex": document_annex(doc), "findings": check_document(doc),
        "snapshots": reported_snapshots(doc),
        "can_import": Scope.of(request.user).can_import(doc.scope),
    })


def _method() -> dict:
    """The constants the page's method note quotes, from where the arithmetic keeps them."""
    return {"at_risk_points": fmt_decimal(coverage.AT_RISK_POINTS, places=0),
            "projection_months": coverage.PROJECTION_MONTHS}


def _year_choices(year: int) -> list[int]:
    return list(range(2020, max(year, dt.date.today().year) + 1))
