"""A document's annex as Excel: the annex as signed, and the annex beside the actuals."""

from django.contrib.auth.decorators import login_required

from targets.access import document_or_404

from .annex_actuals import annex_actuals_workbook
from .excel_annex import annex_filename, annex_workbook
from .xlsx import xlsx_response


@login_required
def document_annex_xlsx(request, document_id: int):
    document = document_or_404(request.user, document_id)
    return xlsx_response(annex_workbook(document), annex_filename(document))


@login_required
def document_annex_actuals_xlsx(request, document_id: int):
    document = document_or_404(request.user, document_id)
    return xlsx_response(annex_actuals_workbook(document), annex_filename(document, "-thuc-hien"))
