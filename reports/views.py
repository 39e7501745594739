"""Reading pages: the country's provinces ranked, a province or district with its communes ranked,
a target document. Each opens on the year being reported and names the units of that year."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from communes.calendar import last_ended_month, reporting_month, reporting_year
from communes.models import Level, Unit
from communes.numbers import whole_number
from communes.periods import FIRST_YEAR, LAST_YEAR, last_open_month, year_end, year_start
from communes.scope import Scope, visible_unit_or_404
from targets.access import document_or_404
from targets.models import TargetDocument

from . import coverage
from .consistency import check_document, material_first
from .dashboard import area_dashboard, area_ranking, cohorts_at
from .documents import document_annex, reported_snapshots, superseded_by, unit_documents
from .formatting import fmt_decimal, separators_fixed_in
from .links import successor_links
from .maps import commune_outlines, coverage_map, province_outlines
from .provenance import month_provenance
from .report_months import default_report_month, month_refusal
from .table_export import table_download, wants_xlsx
from .tables import CoverageRankingTable


def year_param(request) -> int | None:
    """?year=YYYY, or None when absent or not a plausible year (a forged URL: "²", "2021²", "1e3")."""
    return whole_number(request.GET.get("year"), low=FIRST_YEAR, high=LAST_YEAR)


def default_year(unit: Unit) -> int:
    """The year being reported, or the unit's own last (or first) year when it was not in force then."""
    year = reporting_year()
    if unit.valid_to is not None and unit.valid_to.year < year:
        return unit.valid_to.year
    if unit.valid_from is not None and unit.valid_from.year > year:
        return unit.valid_from.year
    return year


def year_choices(year: int) -> list[int]:
    return list(range(FIRST_YEAR, max(year, reporting_year()) + 1))


RANKING_PAGE = 100


def _ranking_table(request, rows, total, year: int, *, paged: bool = False) -> CoverageRankingTable:
    table = CoverageRankingTable(rows, total=total, order_by=request.GET.get("sort"))
    table.year = year
    RequestConfig(request, paginate=False).configure(table)
    if paged:
        # A country of ~700 districts renders in pages of RANKING_PAGE rows; ranks and totals cover
        # every row, and ?format=xlsx still downloads all of them. Communes stay on one page. The page
        # is read here, not by django-tables2, whose int() takes "٣" and whose ?per_page=0 divides by zero.
        page = whole_number(request.GET.get("page"), low=1) or 1
        try:
            table.paginate(per_page=RANKING_PAGE, page=page)
        except EmptyPage:  # past the last page: the last, as django-tables2 answers
            table.paginate(per_page=RANKING_PAGE, page=table.paginator.num_pages)
    return table


@login_required
@separators_fixed_in
def country(request):
    """The 34 provinces ranked (the provinces of the year for earlier years). Every user with an
    assignment reads it, to see where their province stands; a province's own page opens only
    for those who may see it, so only those rows are links."""
    if not Scope.of(request.user).reads_country_ranking:
        raise PermissionDenied(_("Tài khoản chưa được phân quyền địa bàn nào."))
    root = Unit.objects.country()
    if root is None:
        raise Http404(_("Chưa nạp danh mục đơn vị hành chính."))
    year = year_param(request) or reporting_year()
    return _ranking_page(
        request,
        root=root,
        areas=Unit.objects.provinces(),
        year=year,
        label=_("Toàn quốc"),
        heading=_("Xếp hạng các tỉnh, thành phố"),
    )


@login_required
@separators_fixed_in
def province(request, code: str):
    """Since 7/2025 a province ranks its own communes, as a district did before; for a year before
    the reform it ranks its districts."""
    requested = year_param(request)
    unit = visible_unit_or_404(request.user, Level.PROVINCE, code, year=requested)
    year = requested or default_year(unit)
    levels = _child_levels(unit, year)
    if Level.COMMUNE in levels:
        return _area_page(request, unit, year, has_districts=Level.DISTRICT in levels)
    return _ranking_page(
        request,
        root=unit,
        areas=Unit.objects.filter(parent=unit).districts(),
        year=year,
        label=unit.full_name,
        heading=_("Xếp hạng các huyện"),
        template="reports/province.html",
    )


def _child_levels(unit: Unit, year: int) -> set[str]:
    """The levels of the units directly under `unit` during the year: a province ranks its own
    communes when it has some (since 7/2025), lists its districts when it had some (one query)."""
    children = Unit.objects.filter(parent=unit).in_force_during(year_start(year), year_end(year))
    return set(children.order_by().values_list("level", flat=True).distinct())


@login_required
@separators_fixed_in
def district(request, code: str):
    requested = year_param(request)
    unit = visible_unit_or_404(request.user, Level.DISTRICT, code, year=requested)
    return _area_page(request, unit, requested or default_year(unit))


def _ranking_page(
    request, *, root: Unit, areas, year: int, label: str, heading: str, template: str = "reports/country.html"
):
    ranking = area_ranking(root=root, areas=areas, year=year, label=label)
    table = _ranking_table(request, ranking.table.rows, ranking.table.total, year, paged=True)
    table.can_link = Scope.of(request.user).can_view
    if wants_xlsx(request):
        return table_download(
            table,
            title=f"Xếp hạng bao phủ BHYT – {label} – năm {year}",
            filename=f"xep-hang-{root.code.lower()}-{year}.xlsx",
        )
    return render(
        request,
        template,
        {
            "unit": root,
            "label": label,
            "heading": heading,
            "year": year,
            "ranking": ranking,
            "headline": ranking.headline,
            "chart": ranking.chart,
            "table": table,
            "years": year_choices(year),
            "successors": successor_links(root),
            "provenance": month_provenance(root, ranking.headline.month),
            "map": coverage_map(
                outlines=province_outlines() if root.level == Level.COUNTRY else None,
                rows=ranking.table.rows,
                year=year,
                title=_("Bao phủ BHYT các tỉnh, thành phố năm %(year)s so với chỉ tiêu") % {"year": year},
            ),
        },
    )


def _area_page(request, unit: Unit, year: int, *, has_districts: bool = True):
    dashboard = area_dashboard(unit, year)
    table = _ranking_table(request, dashboard.table.rows, dashboard.table.total, year)
    if wants_xlsx(request):
        return table_download(
            table,
            title=f"Xếp hạng bao phủ BHYT – {unit.full_name} – năm {year}",
            filename=f"xep-hang-{unit.code}-{year}.xlsx",
        )
    entry_level = "entry" if unit.level == Level.DISTRICT else "province_entry"
    scope = Scope.of(request.user)
    districts_before = _districts_before(unit, year) if has_districts else []
    return render(
        request,
        "reports/area.html",
        {
            "unit": unit,
            "year": year,
            "data": dashboard.table,
            "dashboard": dashboard,
            "headline": dashboard.headline,
            "chart": dashboard.chart,
            "table": table,
            "years": year_choices(year),
            "method": _method(),
            "entry_url_name": entry_level,
            # Those who only read the grid are not invited to enter figures.
            "can_enter": scope.can_edit(unit),
            "completeness_url_name": "completeness" if unit.level == Level.DISTRICT else "province_completeness",
            "open_month": last_open_month(year=year, valid_to=unit.valid_to, reporting=reporting_month()),
            "districts_before": districts_before,
            "successors": successor_links(unit),
            "sees_country": scope.sees_everything,
            # The unit's documents with their workbooks (and the import, for staff over it).
            "annex_documents": unit_documents(unit) if scope.can_view(unit) else [],
            "can_import_annex": scope.can_import(unit),
            "area_word": _("huyện") if unit.level == Level.DISTRICT else _("tỉnh"),
            "provenance": month_provenance(
                unit,
                dashboard.headline.month,
                # Without districts in the year, the communes under the unit are the ranking's.
                communes=None if districts_before else [row.unit.pk for row in dashboard.table.rows],
            ),
            "map": coverage_map(
                outlines=commune_outlines(unit.code) if unit.level == Level.PROVINCE else None,
                rows=dashboard.table.rows,
                year=year,
                title=_("Bao phủ BHYT các xã của %(unit)s năm %(year)s so với chỉ tiêu")
                % {"unit": unit.full_name, "year": year},
            ),
            **_report_link(unit, year, communes=[row.unit for row in dashboard.table.rows]),
        },
    )


def _report_link(unit: Unit, year: int, *, communes: list[Unit]) -> dict:
    """The monthly report of the page's year: its last ended month (or the unit's last month).
    `communes`: the unit's own communes of the year, as the page ranks them."""
    last_ended = last_ended_month()
    month = default_report_month(unit, year, last_ended=last_ended)
    if month_refusal(unit, month, last_ended=last_ended, communes=communes if month.year == year else None):
        return {}
    name = "district_report" if unit.level == Level.DISTRICT else "province_report"
    return {"report_month": month, "report_url": reverse(name, args=[unit.code, f"{month:%Y-%m}"])}


def _districts_before(unit: Unit, year: int) -> list[Unit]:
    """A province's districts of the year, before they were abolished on 01/7/2025."""
    if unit.level != Level.PROVINCE:
        return []
    return list(
        Unit.objects.filter(parent=unit).districts().in_force_during(year_start(year), year_end(year)).order_by("code")
    )


@login_required
@separators_fixed_in
def document(request, pk: int):
    """A target document, its targets, its annex as printed beside computed values, and every
    inconsistency; visible to those who may see the unit it covers (a national one to everyone)."""
    doc = document_or_404(request.user, pk)
    scope = Scope.of(request.user)
    findings = check_document(doc)
    material, rounding = material_first(findings)
    annex = document_annex(doc)
    doc.has_annex = annex.prints_plan  # as reports.documents.with_annex_flag marks a unit's documents
    return render(
        request,
        "reports/document.html",
        {
            "document": doc,
            "annex": annex,
            "findings": findings,
            "material": material,
            "rounding": rounding,
            "cohorts": cohorts_at(doc.cohorts.all(), year=reporting_year()),
            "snapshots": reported_snapshots(doc),
            "can_import": scope.can_import(doc.scope),
            "can_edit": scope.can_manage_documents(doc.scope),
            "superseded": _superseded_list(doc),
        },
    )


@login_required
def documents(request):
    scope = Scope.of(request.user)
    if scope.role is None and not scope.is_admin:
        raise PermissionDenied(_("Tài khoản chưa được phân quyền địa bàn nào."))
    listed = (
        TargetDocument.objects.visible_to(request.user)
        .select_related("scope__parent")
        .annotate(target_count=Count("targets"))
        .order_by("-issued_on", "-pk")
    )
    return render(
        request, "reports/documents.html", {"documents": listed, "can_create": scope.is_admin or scope.role == "staff"}
    )


def _superseded_list(document: TargetDocument) -> list[dict]:
    """The document's targets a later document replaced, grouped by that document."""
    replaced = superseded_by(document)
    units = Unit.objects.in_bulk({unit for unit, _year in replaced})
    by_document: dict[int, dict] = {}
    for (unit_id, year), later in sorted(replaced.items(), key=lambda item: (item[1].issued_on, item[0][1])):
        entry = by_document.setdefault(later.pk, {"document": later, "targets": []})
        entry["targets"].append(f"{units[unit_id].full_name} ({year})")
    return list(by_document.values())


def _method() -> dict:
    """The constants the page's method note quotes, from where the arithmetic keeps them."""
    return {
        "at_risk_points": fmt_decimal(coverage.AT_RISK_POINTS, places=0),
        "projection_months": coverage.PROJECTION_MONTHS,
    }
