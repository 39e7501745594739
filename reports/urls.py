from django.urls import path

from . import views

urlpatterns = [
    path("districts/<str:code>/", views.district, name="district"),
    # Issue 4 (leader dashboard): province rankings and target documents.
    path("provinces/<str:code>/", views.province, name="province"),
    path("documents/<int:pk>/", views.document, name="document"),
]
