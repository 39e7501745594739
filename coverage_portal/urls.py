from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api import views as api_views
from api.main import api
from ops import views as ops_views

from . import home
from .login import PortalLoginView

# The administration's pages name the portal, not the framework.
admin.site.site_header = _("Quản trị cổng theo dõi bao phủ BHYT")
admin.site.site_title = _("Quản trị cổng BHYT")
admin.site.index_title = _("Danh mục, số liệu và tài khoản")

urlpatterns = [
    path("", home.home, name="home"),
    path("entry/", home.entry_home, name="entry_home"),
    path("reports/", home.reports_home, name="reports_home"),
    path("assignments/<int:pk>/move/", home.move_ended_assignment, name="move_ended_assignment"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/tokens/", api_views.tokens, name="api_tokens"),
    path("", include("entry.urls")),
    path("", include("reports.urls")),
]
