from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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
