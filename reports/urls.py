from django.urls import path

from . import commune_views, views, views_excel

urlpatterns = [
    path("country/", views.country, name="country"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("provinces/<str:code>/communes/", commune_views.province_communes, name="province_communes"),
    path("districts/<str:code>/", views.district, name="district"),
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
