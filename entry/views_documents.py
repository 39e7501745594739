"""Target documents entered in the portal: create or edit one, and set its targets in a grid that
takes a block pasted from Excel."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communes.models import Unit
from communes.scope import Scope
from reports.documents import superseded_by
from reports.formatting import fmt_decimal, fmt_int
from targets.access import document_or_404

from .document_forms import DocumentForm, TargetsForm, cell_name, fingerprint, grid_units, stored_values
from .document_save import StaleTargets, create_document, save_targets


def _scopes(user):
    """Where the user may issue documents: the country and today's provinces for national staff
    and administrators, their own province for a province's staff."""
    scope = Scope.of(user)
    today = dt.date.today()
    if scope.is_admin or (scope.sees_everything and scope.role == "staff"):
        return Unit.objects.filter(level__in=["country", "province"]).in_force(today).order_by("-level", "code")
    if scope.role == "staff" and scope.root is not None and scope.root.level == "province":
        return Unit.objects.filter(pk=scope.root.pk)
    raise PermissionDenied(_("Chỉ chuyên viên và quản trị viên tạo văn bản chỉ tiêu."))


@login_required
def document_create(request):
    scopes = _scopes(request.user)
    form = DocumentForm(
        request.POST or None,
        scopes=scopes,
        initial={"first_year": dt.date.today().year, "last_year": dt.date.today().year},
    )
    if request.method == "POST" and form.is_valid():
        document = create_document(form=form, user=request.user)
        messages.success(
            request, _("Đã tạo %(doc)s. Nhập chỉ tiêu vào bảng dưới (dán được từ Excel).") % {"doc": document}
        )
        return redirect("document_targets", pk=document.pk)
    return render(request, "entry/document_form.html", {"form": form, "document": None})


@login_required
def document_edit(request, pk: int):
    document = document_or_404(request.user, pk, to="manage")
    form = DocumentForm(
        request.POST or None,
        instance=document,
        scopes=_scopes(request.user) | Unit.objects.filter(pk=document.scope_id),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu thông tin văn bản."))
        return redirect("document", pk=document.pk)
    return render(request, "entry/document_form.html", {"form": form, "document": document})


@login_required
def document_targets(request, pk: int):
    document = document_or_404(request.user, pk, to="manage")
    if not document.years:
        messages.error(request, _("Văn bản chưa có năm áp dụng: ghi “từ năm … đến năm …” trước."))
        return redirect("document_edit", pk=document.pk)
    units = grid_units(document)
    stored = stored_values(document)
    if request.method != "POST":
        form = TargetsForm(
            document=document, units=units, initial={**_initial(document, units, stored), "opened": fingerprint(stored)}
        )
        return _render(request, document, units, form)
    form = TargetsForm(request.POST, document=document, units=units)
    if not form.is_valid():
        return _render(request, document, units, form, status=400)
    try:
        changes = save_targets(
            document=document, values=form.cleaned_data["values"], opened=form.cleaned_data["opened"], user=request.user
        )
    except StaleTargets:
        # The typed values stay on the page; the form now carries today's targets, so saving
        # again is a deliberate overwrite.
        data = request.POST.copy()
        data["opened"] = fingerprint(stored)
        form = TargetsForm(data, document=document, units=units)
        form.is_valid()
        messages.error(
            request,
            _(
                "Chỉ tiêu của văn bản vừa được người khác thay đổi: chưa lưu gì. Kiểm tra lại "
                "rồi bấm Lưu lần nữa để ghi đè."
            ),
        )
        return _render(request, document, units, form, status=409)
    messages.success(
        request, _("Đã lưu %(n)s thay đổi chỉ tiêu.") % {"n": changes} if changes else _("Không có gì thay đổi.")
    )
    return redirect("document", pk=document.pk)


def _initial(document, units, stored) -> dict[str, str]:
    initial = {}
    for unit in [document.scope, *units]:
        for year in document.years:
            value = stored.get((unit.pk, year))
            if value is None:
                continue
            initial[cell_name(unit, year, "rate")] = fmt_decimal(value.rate, empty="")
            if unit.pk != document.scope_id:
                initial[cell_name(unit, year, "population")] = fmt_int(value.population, empty="")
                initial[cell_name(unit, year, "enrolled")] = fmt_int(value.enrolled, empty="")
    return initial


def _render(request, document, units, form, status: int = 200):
    years = document.years
    superseding = superseded_by(document)
    rows = []
    for unit in [document.scope, *units]:
        own = unit.pk == document.scope_id
        cells = []
        for index, year in enumerate(years):
            # `col` is the column the keyboard and a paste move along: three per year, the scope's
            # row has only the first (its rate).
            kinds = ("rate",) if own else ("rate", "population", "enrolled")
            cells += [
                {
                    "field": form[cell_name(unit, year, kind)],
                    "col": index * 3 + offset,
                    "year": year,
                    "kind": kind,
                    "span": 3 if own else 1,
                    "superseded_by": superseding.get((unit.pk, year)),
                }
                for offset, kind in enumerate(kinds)
            ]
        rows.append({"unit": unit, "own": own, "cells": cells})
    return render(
        request,
        "entry/document_targets.html",
        {"document": document, "form": form, "rows": rows, "years": years},
        status=status,
    )
