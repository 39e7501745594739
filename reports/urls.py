from django.urls import path

from . import commune_views, views

urlpatterns = [
    path("districts/<str:code>/", views.district, name="district"),
    # issue 8: units over time
    path("communes/<str:code>/", commune_views.commune, name="commune"),
    path("provinces/<str:code>/communes/", commune_views.province_communes, name="province_communes"),
]
