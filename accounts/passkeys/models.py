from django.utils.translation import gettext_lazy as _
from django_otp_webauthn.models import WebAuthnCredential


class Passkey(WebAuthnCredential):
    """A user's passkey (django-otp-webauthn's credential), named in Dutch.

    The admin site lists these; passkeys are made as ``WebAuthnCredential`` by
    the library's ceremony, so the session django-otp verifies names that model.
    """

    class Meta:
        proxy = True
        default_permissions = ("view", "delete")
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")

    def __str__(self) -> str:
        return _("passkey van %(user)s") % {"user": self.user}
