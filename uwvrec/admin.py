from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.access import may_enter_admin


class UwvrecAdminSite(admin.AdminSite):
    """The admin site, for users in the admin role (and superusers) only."""

    site_header = _("uwvrec beheer")
    site_title = _("uwvrec beheer")
    index_title = _("Functioneel beheer")

    def has_permission(self, request: HttpRequest) -> bool:
        return may_enter_admin(request.user)

    @method_decorator(never_cache)
    @login_not_required
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The admin's own login page, unless passwords are switched off: then
        the app's, where the UWV account logs in."""
        if not settings.LOCAL_LOGIN_ENABLED:
            if request.user.is_authenticated:
                raise PermissionDenied
            return redirect_to_login(
                request.GET.get(REDIRECT_FIELD_NAME, reverse("admin:index"))
            )
        return super().login(request, extra_context)
