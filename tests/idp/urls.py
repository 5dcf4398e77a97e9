"""The URLs: OpenID Connect under ``/o/``, the login page, the control API."""

from django.contrib.auth.views import LoginView
from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from tests.idp import control

# The authorization server and OpenID Connect only; DOT's pages that manage
# applications and tokens are left out.
provider_urls = (
    oauth2_urls.base_urlpatterns + oauth2_urls.oidc_urlpatterns,
    "oauth2_provider",
)

urlpatterns = [
    path("o/", include(provider_urls)),
    path("login/", LoginView.as_view(), name="login"),
    path("control/users/<str:username>", control.user_put),
    path("control/users/<str:username>/sessions", control.user_sessions),
    path("control/client", control.client_put),
]
