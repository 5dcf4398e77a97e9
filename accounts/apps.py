from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # this module also holds the AppConfig of axes
    name = "accounts"
    verbose_name = _("Gebruikers en teams")

    def ready(self) -> None:
        from accounts import lockouts, receivers  # noqa: F401 - record logins

        _replace_device_admins()


def _replace_device_admins() -> None:
    """Take django-otp's and django-otp-webauthn's admins of devices off the site.

    They name everything in English, record nothing in the audit trail and can
    show a device's secret: accounts.admin's proxies take their place. Done when
    the apps are ready, after the admin site loaded every app's admin module,
    whatever their order in INSTALLED_APPS.
    """
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


class AxesConfig(AxesAppConfig):
    """django-axes, named in Dutch where the admin lists its failed logins."""

    verbose_name = _("Inlogbeveiliging")
