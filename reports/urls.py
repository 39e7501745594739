from django.urls import path

from communes.models import Level

from . import commune_views, views, views_entry, views_excel

urlpatterns = [
    path("districts/<str:code>/", views.district, name="district"),
    # issue 8: units over time
    path("communes/<str:code>/", commune_views.commune, name="commune"),
    path("provinces/<str:code>/communes/", commune_views.province_communes, name="province_communes"),
    # Excel in and out of a document (issue 5)
    path("documents/<int:document_id>/annex.xlsx", views_excel.document_annex_xlsx, name="document_annex_xlsx"),
    path("documents/<int:document_id>/annex-actuals.xlsx", views_excel.document_annex_actuals_xlsx,
         name="document_annex_actuals_xlsx"),
    path("documents/<int:document_id>/import/", views_excel.document_import, name="document_import"),
    path("documents/<int:document_id>/import/apply/", views_excel.document_import_apply,
         name="document_import_apply"),
    # Monthly entry (issue 3)
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
    # end of monthly entry
    # Issue 4 (leader dashboard): province rankings and target documents.
    path("provinces/<str:code>/", views.province, name="province"),
    path("documents/<int:pk>/", views.document, name="document"),
]
