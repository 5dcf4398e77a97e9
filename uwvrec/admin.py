from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class UwvrecAdminSite(admin.AdminSite):
    """The admin site, for users in the admin role (and superusers) only."""

    site_header = _("uwvrec beheer")
    site_title = _("uwvrec beheer")
    index_title = _("Functioneel beheer")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or user.has_role(Role.ADMIN)  # type: ignore[union-attr]
