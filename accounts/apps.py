from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # this module also holds the AppConfig of axes
    name = "accounts"
    verbose_name = _("Gebruikers en teams")

    def ready(self) -> None:
        from accounts import lockouts, receivers  # noqa: F401 - record logins


class AxesConfig(AxesAppConfig):
    """django-axes, named in Dutch where the admin lists its failed logins."""

    verbose_name = _("Inlogbeveiliging")
