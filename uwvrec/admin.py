from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.access import may_enter_admin


class UwvrecAdminSite(admin.AdminSite):
    """The admin site, for users in the admin role (and superusers) only."""

    site_header = _("uwvrec beheer")
    site_title = _("uwvrec beheer")
    index_title = _("Functioneel beheer")

    def has_permission(self, request: HttpRequest) -> bool:
        return may_enter_admin(request.user)
