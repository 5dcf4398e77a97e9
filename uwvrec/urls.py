from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from uwvrec.health import HealthView

urlpatterns = [
    path("", include("accounts.urls")),
    path("spelregels/", include("rules.urls")),
    path("audit/", include("audit.urls")),
    path("gesprekken/", include("conversations.urls")),
    path("overtredingen/", include("violations.urls")),
    path("privacy/", include("privacy.urls")),
    path("taal/", login_not_required(set_language), name="set_language"),
    path("health/", login_not_required(HealthView.as_view()), name="health"),
    path("beheer/", admin.site.urls),
]

# Dutch error pages that need no database or Redis; 503 when one of them is away.
handler500 = "uwvrec.errors.server_error"
