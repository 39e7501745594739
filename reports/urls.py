from django.urls import path

from communes.models import Level

from . import commune_views, views, views_documents, views_entry, views_excel, views_home

urlpatterns = [
    path("entry/", views_home.entry_home, name="entry_home"),
    path("reports/", views_home.reports_home, name="reports_home"),
    path("country/", views.country, name="country"),
    path("documents/", views_home.documents, name="documents"),
    path("documents/new/", views_documents.document_create, name="document_create"),
    path("documents/<int:pk>/edit/", views_documents.document_edit, name="document_edit"),
    path("documents/<int:pk>/targets/", views_documents.document_targets, name="document_targets"),
    path("assignments/<int:pk>/move/", views_home.move_ended_assignment, name="move_ended_assignment"),
    path("districts/<str:code>/", views.district, name="district"),
    path("communes/<str:code>/", commune_views.commune, name="commune"),
    path("provinces/<str:code>/communes/", commune_views.province_communes, name="province_communes"),
    path("documents/<int:document_id>/annex.xlsx", views_excel.document_annex_xlsx, name="document_annex_xlsx"),
    path("documents/<int:document_id>/annex-actuals.xlsx", views_excel.document_annex_actuals_xlsx,
         name="document_annex_actuals_xlsx"),
    path("documents/<int:document_id>/import/", views_excel.document_import, name="document_import"),
    path("documents/<int:document_id>/import/apply/", views_excel.document_import_apply,
         name="document_import_apply"),
    path("districts/<str:code>/entry/", views_entry.entry_start, {"level": Level.DISTRICT}, name="entry_start"),
    path("districts/<str:code>/entry/<str:month>/", views_entry.district_entry, name="entry"),
    path("districts/<str:code>/entry/<str:month>/reopen/", views_entry.reopen, {"level": Level.DISTRICT},
         name="entry_reopen"),
    path("districts/<str:code>/completeness/<str:month>/", views_entry.district_completeness, name="completeness"),
    path("provinces/<str:code>/entry/", views_entry.entry_start, {"level": Level.PROVINCE},
         name="province_entry_start"),
    path("provinces/<str:code>/entry/<str:month>/", views_entry.province_entry, name="province_entry"),
    path("provinces/<str:code>/entry/<str:month>/reopen/", views_entry.reopen, {"level": Level.PROVINCE},
         name="province_entry_reopen"),
    path("provinces/<str:code>/completeness/<str:month>/", views_entry.province_completeness,
         name="province_completeness"),
    path("communes/<str:code>/history/<str:month>/", views_entry.commune_entry_history, name="commune_entry_history"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("documents/<int:pk>/", views.document, name="document"),
]
