from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class UwvrecConfig(AppConfig):
    """The wiring as an app, for the commands that span every app (the demo data)."""

    name = "uwvrec"
    verbose_name = "uwvrec"


class UwvrecAdminConfig(AdminConfig):
    """Django's admin, on a site that only functional administrators may enter."""

    default_site = "uwvrec.admin.UwvrecAdminSite"
