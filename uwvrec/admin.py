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
from accounts.second_factor import session_is_verified


class UwvrecAdminSite(admin.AdminSite):
    """The admin site, for users in the admin role (and superusers) only.

    Every one of them passed a second factor in this session (the app's code,
    a recovery code, or the identity provider's multi-factor login): the site's
    own login page checks a password only, so a session it logs in is sent to
    the second factor before it sees a page of the site.
    """

    site_header = _("uwvrec beheer")
    site_title = _("uwvrec beheer")
    index_title = _("Functioneel beheer")

    def has_permission(self, request: HttpRequest) -> bool:
        return may_enter_admin(request.user) and session_is_verified(request)

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
