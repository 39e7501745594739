"""The login page: a signed-in user is sent on, never back to the login page itself."""

from django.contrib.auth.views import LoginView
from django.urls import reverse


class PortalLoginView(LoginView):
    redirect_authenticated_user = True

    def get_redirect_url(self):
        # ?next=/accounts/login/ would send a signed-in user round in a loop (Django raises on it).
        url = super().get_redirect_url()
        if url and url.split("?")[0] in (reverse("login"), reverse("logout")):
            return ""
        return url
