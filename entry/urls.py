from django.urls import path

from communes.models import Level

from . import completeness, views, views_documents, views_import, views_workbook

urlpatterns = [
    path("provinces/<str:code>/entry/", views.entry_start, {"level": Level.PROVINCE}, name="province_entry_start"),
    path("provinces/<str:code>/entry/<str:month>/", views.province_entry, name="province_entry"),
    path(
        "provinces/<str:code>/entry/<str:month>/reopen/",
        views.reopen,
        {"level": Level.PROVINCE},
        name="province_entry_reopen",
    ),
    path(
        "provinces/<str:code>/entry/<str:month>/workbook/",
        views_workbook.workbook_upload,
        {"level": Level.PROVINCE},
        name="province_entry_workbook",
    ),
    path(
        "provinces/<str:code>/completeness/<str:month>/",
        completeness.province_completeness,
        name="province_completeness",
    ),
    path("districts/<str:code>/entry/", views.entry_start, {"level": Level.DISTRICT}, name="entry_start"),
    path("districts/<str:code>/entry/<str:month>/", views.district_entry, name="entry"),
    path(
        "districts/<str:code>/entry/<str:month>/reopen/", views.reopen, {"level": Level.DISTRICT}, name="entry_reopen"
    ),
    path(
        "districts/<str:code>/entry/<str:month>/workbook/",
        views_workbook.workbook_upload,
        {"level": Level.DISTRICT},
        name="entry_workbook",
    ),
    path("districts/<str:code>/completeness/<str:month>/", completeness.district_completeness, name="completeness"),
    path("communes/<str:code>/history/<str:month>/", views.commune_entry_history, name="commune_entry_history"),
    path("documents/new/", views_documents.document_create, name="document_create"),
    path("documents/<int:pk>/edit/", views_documents.document_edit, name="document_edit"),
    path("documents/<int:pk>/targets/", views_documents.document_targets, name="document_targets"),
    path("documents/<int:document_id>/import/", views_import.document_import, name="document_import"),
    path("documents/<int:document_id>/import/apply/", views_import.document_import_apply, name="document_import_apply"),
]
