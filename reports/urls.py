from django.urls import path

from . import commune_views, views, views_excel

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
]
