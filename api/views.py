"""The page where a signed-in user creates and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from communes.models import Role
from communes.numbers import whole_number
from communes.scope import Scope

from .forms import TokenForm
from .models import ApiToken
from .throttle import limits
from .tokens import issue_token, revoke

SHOWN_REVOKED = 20


@never_cache  # the page that shows a new token must not stay in any cache
@login_required
def tokens(request):
    scope = Scope.of(request.user)
    if scope.role is None and not scope.is_admin:
        # A token acts with its user's role: without one it could read or write nothing.
        raise PermissionDenied(_("Tài khoản chưa được phân quyền địa bàn nào."))
    form, created, text = TokenForm(user=request.user), None, ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            return _revoke(request)
        form = TokenForm(request.POST, user=request.user)
        if form.is_valid():
            created, text = issue_token(request.user, form.cleaned_data["name"])
            form = TokenForm(user=request.user)
    owned = ApiToken.objects.filter(user=request.user)
    requests, writes = limits()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "text": text,
            "active": owned.filter(revoked_at__isnull=True),
            "revoked": owned.filter(revoked_at__isnull=False).order_by("-revoked_at")[:SHOWN_REVOKED],
            "role_label": _("quản trị viên") if scope.is_admin else Role(scope.role).label,
            "unit_label": scope.root.full_name if scope.root else _("toàn quốc"),
            "requests_per_minute": requests,
            "writes_per_minute": writes,
        },
    )


def _revoke(request):
    pk = whole_number(request.POST.get("token", ""))
    token = ApiToken.objects.filter(user=request.user, pk=pk, revoked_at__isnull=True).first() if pk else None
    if token is None:  # another user's, or a forged id: as if there were none
        raise Http404(_("Không tìm thấy khoá."))
    revoke(token)
    messages.success(
        request, _("Đã thu hồi khoá “%(name)s”: hệ thống nào còn dùng nó sẽ bị từ chối.") % {"name": token.name}
    )
    return redirect("api_tokens")
