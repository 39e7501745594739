"""The top menu: which of its entries the signed-in user has."""

from django.urls import reverse
from django.utils.translation import gettext as _

from communes.models import Role
from communes.scope import Scope


def menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    scope = Scope.of(user)
    path = request.path
    entries = []
    if scope.role == Role.OFFICER or scope.is_admin:
        entries.append(("entry", _("Nhập số liệu"), reverse("entry_home"), "/entry/" in path))
    if scope.role or scope.is_admin:
        entries.append(
            (
                "reports",
                _("Báo cáo"),
                reverse("reports_home"),
                path.startswith(("/country/", "/provinces/", "/districts/", "/communes/")) and "/entry/" not in path,
            )
        )
        entries.append(("documents", _("Văn bản"), reverse("documents"), path.startswith("/documents/")))
    if scope.is_admin:
        entries.append(("admin", _("Quản trị"), reverse("admin:index"), path.startswith("/admin/")))
    return {
        "menu": [{"key": key, "label": label, "url": url, "current": current} for key, label, url, current in entries]
    }
