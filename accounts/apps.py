from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Gebruikers en teams")

    def ready(self) -> None:
        from accounts import lockouts  # noqa: F401 - records lockouts
