from django.contrib.admin.apps import AdminConfig


class UwvrecAdminConfig(AdminConfig):
    """Django's admin, on a site that only functional administrators may enter."""

    default_site = "uwvrec.admin.UwvrecAdminSite"
