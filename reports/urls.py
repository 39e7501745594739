from django.urls import path

from communes.models import Level

from . import commune_views, views, views_excel, views_report

urlpatterns = [
    path("country/", views.country, name="country"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("provinces/<str:code>/communes/", commune_views.province_communes, name="province_communes"),
    path(
        "provinces/<str:code>/report/<str:month>.docx",
        views_report.monthly_report_docx,
        {"level": Level.PROVINCE},
        name="province_report",
    ),
    path("districts/<str:code>/", views.district, name="district"),
    path(
        "districts/<str:code>/report/<str:month>.docx",
        views_report.monthly_report_docx,
        {"level": Level.DISTRICT},
        name="district_report",
    ),
    path("communes/<str:code>/", commune_views.commune, name="commune"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:document_id>/annex.xlsx", views_excel.document_annex_xlsx, name="document_annex_xlsx"),
    path(
        "documents/<int:document_id>/annex-actuals.xlsx",
        views_excel.document_annex_actuals_xlsx,
        name="document_annex_actuals_xlsx",
    ),
]
