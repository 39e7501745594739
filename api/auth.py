"""Who is asking: the personal token in `Authorization: Bearer …`, and nothing else.

The session cookie is ignored: a page open in the same browser cannot make the API act, so the API
needs no CSRF token and a forged cross-site request carries no credential it would accept."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from communes.scope import Scope

from .errors import ApiError
from .models import ApiToken
from .tokens import find_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken:
        found = find_token(token.strip())
        if found is None or not found.user.is_active:
            raise ApiError(401, "token_invalid", _("Khoá API không đúng."))
        if found.revoked_at is not None:
            raise ApiError(401, "token_revoked", _("Khoá API “%(name)s” đã bị thu hồi.") % {"name": found.name})
        # Everything downstream (scope, audit) reads request.user: it must be the token's user,
        # never whoever the session cookie names.
        request.user = found.user
        return found


def scope_of(request) -> Scope:
    """The token user's scope; a user without a role or unit is refused here, once for every endpoint."""
    scope = Scope.of(request.auth.user)
    if scope.role is None and not scope.is_admin:
        raise ApiError(403, "no_role", _("Tài khoản chưa được phân quyền địa bàn nào."))
    return scope
